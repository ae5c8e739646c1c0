"""A player's own data: the export (``GET /api/users/me/export``) and the
deletion of their account (``POST /api/users/me/delete``); docs/safety.md,
"Data export and deletion".

Apps to the right of ``accounts`` hold most of a player's rows, so they
register, ``accounts`` never imports them ("register, don't import"), from
their ``AppConfig.ready``:

``register_export_section(name, rows)``
    ``rows(player)`` yields the player's rows of one kind as JSON-ready dicts
    (``economy`` registers ledger entries, missions, inventory...; ``games``
    registers rounds...). Each section is a query of the caller's own rows,
    iterated (``.iterator()``), and the export is streamed section by section,
    so memory stays bounded whatever the history's length; there is no cap.
``register_erasure(name, erase)``
    ``erase(player)`` removes or anonymises that app's personal rows inside
    the deletion's transaction (``games`` removes leaderboard entries). It may
    raise a :class:`~casino_club.kit.errors.DomainError` to refuse (``games``
    refuses while the player sits in a live match): nothing is changed then.

Deletion keeps the user row as the anonymous holder of everything the ledger
and the rounds point at (accounts, entries, rounds stay as they were, so
``reconcile_ledger`` stays green and system balances are unchanged) and
removes what identifies the player: email, nickname, date of birth, time
zone, email addresses, social accounts, MFA authenticators, notifications and
preferences, the age verification (with its IP address), the labels of
moderator actions about them. The row is deactivated (``is_active`` off, so
the database's age-gate constraint allows the empty date of birth) with an
unusable password: every session and app token, whose validity is tied to
the password hash, stops authenticating at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.abuse_models import AccountFingerprint
from accounts.acquisition_models import AcquisitionSource, VisitDay
from accounts.action_types import ActionType
from accounts.actions import action_record
from accounts.live import ACCOUNT_CLOSED, push_to_player
from accounts.models import (
    Action,
    AgeVerification,
    ModeratorAction,
    Notification,
    NotificationPreference,
    User,
)
from accounts.mood_models import MoodCheckIn, MoodSettings
from accounts.socket_sessions import socket_sessions_forget_player
from casino_club.kit.errors import Conflict, DomainError

EXPORT_FORMAT = "casino-club-export/1"
# Typed by a player without a password (social sign-in only) to confirm.
CONFIRMATION_WORD = "DELETE"

Rows = Callable[[User], Iterable[dict]]
Erase = Callable[[User], None]


@dataclass(frozen=True)
class ExportSection:
    name: str
    rows: Rows


_sections: list[ExportSection] = []
_erasures: list[tuple[str, Erase]] = []


def register_export_section(name: str, rows: Rows) -> None:
    if any(section.name == name for section in _sections):
        raise ValueError(f"export section {name!r} registered twice")
    _sections.append(ExportSection(name, rows))


def register_erasure(name: str, erase: Erase) -> None:
    if any(known == name for known, _erase in _erasures):
        raise ValueError(f"erasure {name!r} registered twice")
    _erasures.append((name, erase))


def export_section_names() -> list[str]:
    return ["profile", *(section.name for section in _sections)]


# --- export ---------------------------------------------------------------------


def _profile(player: User) -> dict:
    from accounts.profile import profile_data

    data = profile_data(player=player)
    data.update(
        {
            "date_of_birth": player.date_of_birth,
            "last_login": player.last_login,
            "email_addresses": list(
                EmailAddress.objects.filter(user=player).values("email", "verified", "primary")
            ),
            "social_accounts": list(
                SocialAccount.objects.filter(user=player).values("provider", "uid", "date_joined")
            ),
            # Which second factors exist, never their secrets.
            "mfa": list(
                Authenticator.objects.filter(user=player).values(
                    "type", "created_at", "last_used_at"
                )
            ),
        }
    )
    return data


def account_export(*, player: User) -> Iterator[str]:
    """The player's data as one JSON object, yielded in pieces (stream it).

    Sections run one after another, outside one transaction: a row written
    while the export runs may or may not be in it.
    """
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    yield "{" + f'"format": {encoder.encode(EXPORT_FORMAT)}, '
    yield f'"exported_at": {encoder.encode(timezone.now())}, '
    yield f'"profile": {encoder.encode(_profile(player))}'
    for section in _sections:
        yield f", {json.dumps(section.name)}: ["
        for number, row in enumerate(section.rows(player)):
            yield ("," if number else "") + encoder.encode(row)
        yield "]"
    yield "}\n"


def _notifications(player: User) -> Iterable[dict]:
    return (
        Notification.objects.filter(player=player)
        .order_by("id")
        .values("id", "kind", "title", "body", "url", "created_at", "delivered_at", "read_at")
        .iterator(chunk_size=500)
    )


def _preferences(player: User) -> Iterable[dict]:
    return NotificationPreference.objects.filter(player=player).values(
        "muted_kinds", "email_enabled", "quiet_start", "quiet_end", "marketing_opt_in"
    )


def _actions(player: User) -> Iterable[dict]:
    return (
        Action.objects.filter(player=player)
        .order_by("id")
        .values("id", "type", "value", "metadata", "created_at")
        .iterator(chunk_size=1000)
    )


def _age_verification(player: User) -> Iterable[dict]:
    return AgeVerification.objects.filter(player=player).values(
        "date_of_birth", "verified_at", "ip_address", "revoked_at"
    )


register_export_section("notifications", _notifications)
register_export_section("notification_preferences", _preferences)
register_export_section("actions", _actions)
register_export_section("age_verification", _age_verification)


def _mood_check_ins(player: User) -> Iterable[dict]:
    return (
        MoodCheckIn.objects.filter(player=player)
        .order_by("local_date")
        .values("local_date", "mood", "created_at", "updated_at")
    )


def _mood_erase(player: User) -> None:
    MoodCheckIn.objects.filter(player=player).delete()
    MoodSettings.objects.filter(player=player).delete()


register_export_section("mood_check_ins", _mood_check_ins)
register_erasure("mood", _mood_erase)


def _acquisition(player: User) -> Iterable[dict]:
    return AcquisitionSource.objects.filter(player=player).values(
        "source", "medium", "campaign", "referrer_host", "invite_code", "first_seen_at"
    )


def _visit_days(player: User) -> Iterable[dict]:
    return VisitDay.objects.filter(player=player).order_by("day").values("day")


def _acquisition_erase(player: User) -> None:
    AcquisitionSource.objects.filter(player=player).delete()
    VisitDay.objects.filter(player=player).delete()


register_export_section("acquisition_source", _acquisition)
register_export_section("visit_days", _visit_days)
register_erasure("acquisition", _acquisition_erase)


def _fingerprint(player: User) -> Iterable[dict]:
    # Keyed hashes, not addresses: the export shows exactly what is kept.
    return AccountFingerprint.objects.filter(player=player).values(
        "signup_ip_hash",
        "signup_device_hash",
        "last_ip_hash",
        "last_device_hash",
        "created_at",
        "last_seen_at",
    )


def _fingerprint_erase(player: User) -> None:
    AccountFingerprint.objects.filter(player=player).delete()


register_export_section("account_fingerprint", _fingerprint)
register_erasure("account_fingerprint", _fingerprint_erase)


# --- deletion -------------------------------------------------------------------


class StaffCannotSelfDelete(DomainError):
    code = "staff_account"
    status = 403
    default_message = gettext_lazy(
        "Staff accounts are closed by a superuser, not through this endpoint."
    )


class WrongPassword(DomainError):
    code = "wrong_password"
    default_message = gettext_lazy("The password is not right.")


class WrongCode(DomainError):
    code = "wrong_code"
    default_message = gettext_lazy("The authenticator code is not right.")


class ConfirmationRequired(DomainError):
    code = "confirmation_required"
    default_message = gettext_lazy("Type DELETE to confirm.")


def placeholder_name(player_id: int) -> str:
    return f"deleted:{player_id}"


def deletion_needs_password(player: User) -> bool:
    return player.has_usable_password()


def deletion_needs_code(player: User) -> bool:
    return Authenticator.objects.filter(user=player, type=Authenticator.Type.TOTP).exists()


def _confirm(*, player: User, password: str, code: str, confirmation: str) -> None:
    if player.is_staff or player.is_superuser:
        raise StaffCannotSelfDelete(_("Staff accounts cannot be deleted here."))
    if not player.is_active:
        raise Conflict(_("This account is already closed."))
    if deletion_needs_password(player):
        if not player.check_password(password or ""):
            raise WrongPassword(
                _("The password is not right."), fields={"password": [_("Wrong password.")]}
            )
    elif (confirmation or "").strip().upper() != CONFIRMATION_WORD:
        raise ConfirmationRequired(
            _("Type DELETE to confirm."), fields={"confirmation": [_("Type DELETE.")]}
        )
    if deletion_needs_code(player):
        from allauth.mfa.totp.internal.auth import TOTP

        totp = Authenticator.objects.get(user=player, type=Authenticator.Type.TOTP)
        if not TOTP(totp).validate_code((code or "").strip()):
            raise WrongCode(
                _("The authenticator code is not right."),
                fields={"code": [_("Enter the current code from your authenticator app.")]},
            )


def account_delete(
    *, player: User, password: str = "", code: str = "", confirmation: str = ""
) -> None:
    """Close ``player``'s own account for good: checks, then one transaction.

    The player proves it is them (their password; a social-only account types
    ``DELETE``; with TOTP, also a current code). Every app's erasure runs
    first (any may refuse), then the user row is anonymised and the deletion
    recorded as ``ACCOUNT_DELETED``. Staff accounts are refused (403).
    """
    _confirm(player=player, password=password, code=code, confirmation=confirmation)
    with transaction.atomic():
        # The row lock serialises two deletions (two tabs): the second sees
        # the row inactive and answers 409.
        locked = User.objects.select_for_update().get(pk=player.pk)
        if not locked.is_active:
            raise Conflict(_("This account is already closed."))
        for _name, erase in _erasures:
            erase(locked)
        Notification.objects.filter(player=locked).delete()
        NotificationPreference.objects.filter(player=locked).delete()
        AgeVerification.objects.filter(player=locked).delete()
        EmailAddress.objects.filter(user=locked).delete()
        SocialAccount.objects.filter(user=locked).delete()
        Authenticator.objects.filter(user=locked).delete()
        # ":" is refused in nicknames and email addresses at signup, so no
        # player can take the placeholder first and make this save fail.
        placeholder = placeholder_name(locked.pk)
        ModeratorAction.objects.filter(target=locked).update(target_label=placeholder)
        locked.email = f"{placeholder}@deleted.invalid"
        locked.nickname = placeholder
        locked.date_of_birth = None
        locked.time_zone = "UTC"
        locked.show_on_leaderboards = False
        locked.is_active = False
        locked.last_login = None
        locked.set_unusable_password()
        locked.save()
        action_record(player=locked, type=ActionType.ACCOUNT_DELETED)
        # A cached socket session would let an open page reconnect for a
        # minute; open live sockets are told, after commit, and close.
        socket_sessions_forget_player(player_id=locked.pk)
        push_to_player(locked.pk, {"type": ACCOUNT_CLOSED})
