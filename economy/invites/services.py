"""Invites: each player's code, redeeming one as a new player, and the reward at level 3.

Anti-abuse rules (docs/progression.md): not your own code, only within
``REDEEM_WITHIN`` of joining, once per player, at most ``DAILY_CAP``
redemptions of one code per day, no two players inviting each other, and
the reward only when the invitee has actually played to level 3. The
reward is withheld, for both, when the invitee shares a network or a device
with the inviter (``accounts.abuse.shared_signals``, docs/safety.md "Abuse
cases"): checked when the code is redeemed and again when the reward is due.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.abuse import SHARED_DEVICE, SHARED_IP, shared_signals
from accounts.models import NotificationKind, User
from accounts.notifications import notification_send, player_language
from casino_club.kit.errors import DomainError, NotFound
from economy.models import InviteCode, LedgerKind, Referral, RewardWithheld
from economy.progression.selectors import progress_get
from economy.services import MINT, ledger_transfer, player_account, system_account

REWARD_LEVEL = 3
INVITER_REWARD = 500
INVITEE_REWARD = 500
REDEEM_WITHIN = timedelta(days=7)
DAILY_CAP = 10
REWARD_SCOPE = "referral_reward"
# No 0/O or 1/I: codes are read aloud and typed from screenshots.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_PATTERN = re.compile(rf"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")


class InvalidInviteCode(DomainError):
    code = "invalid_invite_code"
    status = 400
    default_message = gettext_lazy("That is not an invite code.")


class InviteNotFound(NotFound):
    code = "invite_not_found"
    default_message = gettext_lazy("No player has this invite code.")


class OwnInviteCode(DomainError):
    code = "own_invite_code"
    status = 409
    default_message = gettext_lazy("You cannot use your own invite code.")


class AlreadyInvited(DomainError):
    code = "already_invited"
    status = 409
    default_message = gettext_lazy("You have already used an invite code.")


class InviteTooLate(DomainError):
    code = "invite_too_late"
    status = 409
    default_message = gettext_lazy("Invite codes can only be used in your first 7 days.")


class InviteCircular(DomainError):
    code = "invite_circular"
    status = 409
    default_message = gettext_lazy("You cannot use the code of a player you invited.")


class InviteLimitReached(DomainError):
    code = "invite_limit_reached"
    status = 429
    default_message = gettext_lazy("This invite code was used too often today. Try again tomorrow.")


def code_normalize(code: object) -> str:
    if not isinstance(code, str):
        raise InvalidInviteCode(fields={"code": "must be a string"})
    normalized = code.strip().upper()
    if not CODE_PATTERN.fullmatch(normalized):
        raise InvalidInviteCode(
            fields={"code": f"{CODE_LENGTH} letters and digits, e.g. from an invite link"}
        )
    return normalized


def withheld_reason(*, inviter: User, invitee: User) -> str:
    """Why the pair's reward must not be paid ("" when nothing is shared)."""
    shared = set(shared_signals(player=invitee, other=inviter))
    if shared == {SHARED_IP, SHARED_DEVICE}:
        return RewardWithheld.SHARED_IP_AND_DEVICE
    if SHARED_DEVICE in shared:
        return RewardWithheld.SHARED_DEVICE
    if SHARED_IP in shared:
        return RewardWithheld.SHARED_IP
    return RewardWithheld.NOT_WITHHELD


def invite_code_get(*, player: User) -> InviteCode:
    """The player's invite code, made on first use."""
    found = InviteCode.objects.filter(player=player).first()
    if found is not None:
        return found
    for _attempt in range(5):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                return InviteCode.objects.create(player=player, code=code)
        except IntegrityError:
            # Either the code is taken (try another) or a concurrent call made ours.
            found = InviteCode.objects.filter(player=player).first()
            if found is not None:
                return found
    raise RuntimeError("could not find a free invite code")


def invite_redeem(*, player: User, code: object, now: datetime | None = None) -> Referral:
    """Attach ``player`` (a new player) to the owner of ``code``.

    Raises ``InvalidInviteCode``, ``InviteNotFound``, ``OwnInviteCode``,
    ``InviteTooLate``, ``AlreadyInvited``, ``InviteCircular`` or
    ``InviteLimitReached``; nothing is written then. If the player is already
    at the reward level, both are rewarded at once.
    """
    now = now or timezone.now()
    code = code_normalize(code)
    with transaction.atomic():
        # Locking the code row makes redemptions of one code take turns, so
        # the daily cap below cannot be overrun by requests at the same time.
        invite = (
            InviteCode.objects.select_for_update()
            .select_related("player")
            .filter(code=code)
            .first()
        )
        if invite is None:
            raise InviteNotFound(fields={"code": "unknown code"})
        inviter = invite.player
        if inviter.pk == player.pk:
            raise OwnInviteCode(fields={"code": "this is your own code"})
        if player.created_at < now - REDEEM_WITHIN:
            raise InviteTooLate(fields={"code": "only in your first 7 days"})
        if Referral.objects.filter(invitee=player).exists():
            raise AlreadyInvited(fields={"code": "you already used a code"})
        if Referral.objects.filter(inviter=player, invitee=inviter).exists():
            raise InviteCircular(fields={"code": "you invited this player"})
        today = Referral.objects.filter(inviter=inviter, created_at__gte=now - timedelta(days=1))
        if today.count() >= DAILY_CAP:
            raise InviteLimitReached(fields={"code": "used too often today"})
        try:
            with transaction.atomic():
                referral = Referral.objects.create(
                    inviter=inviter,
                    invitee=player,
                    code=code,
                    created_at=now,
                    reward_withheld=withheld_reason(inviter=inviter, invitee=player),
                )
        except IntegrityError:
            raise AlreadyInvited(fields={"code": "you already used a code"}) from None
    if progress_get(player=player).level >= REWARD_LEVEL:
        referral_reward(invitee=player, now=now)
        referral.refresh_from_db()
    return referral


def referral_reward(*, invitee: User, now: datetime | None = None) -> Referral | None:
    """Reward the invitee and their inviter once, when the invitee reached level 3.

    Compare-and-swap on ``rewarded_at``: of two deliveries at once, only the
    one that flips it pays. None when there is nothing (more) to reward, or
    when the reward is withheld (the pair shares a network or device; the
    reason is kept on the referral for moderators).
    """
    now = now or timezone.now()
    with transaction.atomic():
        referral = (
            Referral.objects.filter(invitee=invitee, rewarded_at__isnull=True)
            .select_related("inviter")
            .first()
        )
        if referral is None or referral.reward_withheld:
            return None
        reason = withheld_reason(inviter=referral.inviter, invitee=invitee)
        if reason:
            Referral.objects.filter(pk=referral.pk, rewarded_at__isnull=True).update(
                reward_withheld=reason
            )
            return None
        if not Referral.objects.filter(pk=referral.pk, rewarded_at__isnull=True).update(
            rewarded_at=now
        ):
            return None
        mint = system_account(code=MINT)
        inviter = referral.inviter
        payments = {}
        for role, player, amount in (
            ("inviter", inviter, INVITER_REWARD),
            ("invitee", invitee, INVITEE_REWARD),
        ):
            payments[role] = ledger_transfer(
                source=mint,
                destination=player_account(player=player),
                amount=amount,
                kind=LedgerKind.REFERRAL_REWARD,
                reference=f"referral:{referral.pk}",
                idempotency_scope=REWARD_SCOPE,
                idempotency_key=f"{referral.pk}:{role}",
            )
        Referral.objects.filter(pk=referral.pk).update(
            inviter_transaction=payments["inviter"], invitee_transaction=payments["invitee"]
        )
        with player_language(inviter):
            notification_send(
                player=inviter,
                kind=NotificationKind.INVITE_REWARD,
                title=_("Your invite paid off"),
                body=_("%(nickname)s reached level %(level)s: you both get %(coins)s coins.")
                % {"nickname": invitee.nickname, "level": REWARD_LEVEL, "coins": INVITER_REWARD},
                url="/profile/",
            )
        with player_language(invitee):
            notification_send(
                player=invitee,
                kind=NotificationKind.INVITE_REWARD,
                title=_("Invite reward"),
                body=_(
                    "You reached level %(level)s: %(coins)s coins for joining with %(nickname)s."
                )
                % {"nickname": inviter.nickname, "level": REWARD_LEVEL, "coins": INVITEE_REWARD},
                url="/profile/",
            )
    referral.refresh_from_db()
    return referral
