"""What moderators may do to a player's age verification, each change audited.

Like the services in ``accounts.moderation``: the actor must be a moderator,
staff targets are refused, and each service makes one change and writes its
``ModeratorAction`` row in the same transaction (a refused or rolled-back
change leaves no row).

Each locks the player's row first, as ``accounts.services.age_verify`` does:
a player attesting while a moderator resets or corrects them is then serialised
(the attestation sees the corrected date of birth, or the reset sees the new row).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AgeVerification, ModeratorAction, User
from accounts.moderation import (
    NotAllowed,
    can_moderate,
    is_staff_account,
    moderator_action_record,
)
from accounts.services import date_of_birth_check
from casino_club.kit.errors import Conflict

REVOKE = "age.revoke"
RESET = "age.reset"
CORRECT_DATE_OF_BIRTH = "age.correct_dob"


class NoAgeVerification(Conflict):
    code = "not_verified"
    default_message = gettext_lazy("The player has no age verification.")


def _check(*, actor: User, player: User) -> None:
    if not can_moderate(actor):
        raise NotAllowed()
    if is_staff_account(player):
        raise NotAllowed("Staff accounts are managed by superusers only.")


def _locked(player: User) -> User:
    return User.objects.select_for_update().get(pk=player.pk)


def _described(verification: AgeVerification) -> dict:
    return {
        "date_of_birth": verification.date_of_birth.isoformat(),
        "verified_at": verification.verified_at.isoformat(),
        "ip_address": verification.ip_address,
        "revoked_at": verification.revoked_at.isoformat() if verification.revoked_at else None,
    }


@transaction.atomic
def age_verification_revoke(*, actor: User, player: User, reason: str) -> ModeratorAction:
    """Withdraw a standing verification: mature content is hidden at once and
    the player cannot attest again until a moderator resets it."""
    _check(actor=actor, player=player)
    player = _locked(player)
    now = timezone.now()
    # Compare-and-swap: two moderators revoking at once log one revocation.
    revoked = AgeVerification.objects.filter(player=player, revoked_at__isnull=True).update(
        revoked_at=now
    )
    if not revoked:
        if AgeVerification.objects.filter(player=player).exists():
            raise Conflict(_("The age verification is already revoked."))
        raise NoAgeVerification(_("The player has no age verification."))
    verification = AgeVerification.objects.get(player=player)
    return moderator_action_record(
        actor=actor, target=player, action=REVOKE, reason=reason, details=_described(verification)
    )


@transaction.atomic
def age_verification_reset(*, actor: User, player: User, reason: str) -> ModeratorAction:
    """Delete the verification (standing or revoked) so the player may attest again."""
    _check(actor=actor, player=player)
    player = _locked(player)
    verification = AgeVerification.objects.filter(player=player).first()
    if verification is None:
        raise NoAgeVerification(_("The player has no age verification."))
    details = _described(verification)
    verification.delete()
    return moderator_action_record(
        actor=actor, target=player, action=RESET, reason=reason, details=details
    )


@transaction.atomic
def date_of_birth_correct(
    *, actor: User, player: User, date_of_birth: date | None, reason: str
) -> ModeratorAction:
    """Set the player's date of birth (a typo at signup, say) and reset any
    verification, so the player attests against the corrected date.

    The new date passes the signup gate (``SITE_MIN_AGE``): a moderator cannot
    make an account under age; a player who turns out to be is suspended instead.
    """
    _check(actor=actor, player=player)
    player = _locked(player)
    born = date_of_birth_check(born=date_of_birth, today=player.local_date())
    if born == player.date_of_birth:
        raise Conflict(
            _("That is already the player's date of birth."),
            fields={"date_of_birth": "unchanged"},
        )
    previous = player.date_of_birth
    verification = AgeVerification.objects.filter(player=player).first()
    details = {
        "previous_date_of_birth": previous.isoformat() if previous else None,
        "date_of_birth": born.isoformat(),
        "verification_reset": _described(verification) if verification else None,
    }
    if verification is not None:
        verification.delete()
    User.objects.filter(pk=player.pk).update(date_of_birth=born)
    return moderator_action_record(
        actor=actor,
        target=player,
        action=CORRECT_DATE_OF_BIRTH,
        reason=reason,
        details=details,
    )
