"""Writes about players: registration and job bookkeeping.

Every way into the site (the signup page, allauth's headless signup, a social
sign-up's completion form, the admin's add form, demo data and tests) ends in
``player_register``: it checks the age gate, saves the player and records
``PLAYER_JOINED`` (the economy opens the wallet with the signup grant from it),
all in one transaction. Forms check the same rules first to show field errors;
the service checks them again so no interface can skip them.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.action_types import ActionType
from accounts.actions import action_record
from accounts.models import PLAYER_LANGUAGES, AgeVerification, JobStatus, User
from accounts.selectors import _age_on
from casino_club.kit.errors import DomainError


class InvalidDateOfBirth(DomainError):
    code = "invalid_date"
    default_message = gettext_lazy("Enter a real date of birth.")


class TooYoung(DomainError):
    code = "too_young"
    status = 403
    default_message = gettext_lazy("You are too young to join.")


class UnknownLanguage(DomainError):
    code = "invalid_language"
    default_message = gettext_lazy("The site speaks English (en) and Korean (ko).")


class MissingNickname(DomainError):
    code = "invalid_nickname"
    default_message = gettext_lazy("A nickname is required.")


def age_on(born: date, today: date) -> int:
    return _age_on(born, today)


def date_of_birth_check(*, born: date | None, today: date | None = None) -> date:
    """The age gate: a real date, at least ``SITE_MIN_AGE`` years ago."""
    today = today or timezone.localdate()
    if born is None or born > today or born.year < 1900:
        raise InvalidDateOfBirth(_("Enter a real date of birth."))
    if age_on(born, today) < settings.SITE_MIN_AGE:
        raise TooYoung(
            _("You must be at least %(age)s years old to join.") % {"age": settings.SITE_MIN_AGE}
        )
    return born


def player_joined(*, player: User, source: str) -> None:
    """Record that a new player exists; the economy opens their wallet from it."""
    action_record(player=player, type=ActionType.PLAYER_JOINED, metadata={"source": source})


@transaction.atomic
def player_register(*, user: User, nickname: str, date_of_birth: date | None, source: str) -> User:
    """Save a new, unsaved ``user`` as a player and record ``PLAYER_JOINED``.

    ``user`` comes from whichever interface collected the rest (allauth's
    forms, the admin's add form, ``player_create``); this is the one place a
    player is born, so nickname, age gate and wallet cannot be skipped.
    """
    if user.pk is not None:
        raise ValueError("player_register takes a new, unsaved user")
    if not (nickname or "").strip():
        raise MissingNickname()
    user.nickname = nickname
    user.date_of_birth = date_of_birth_check(born=date_of_birth)
    if user.email:
        user.email = User.objects.normalize_email(user.email).lower()
    user.full_clean(exclude=["password"])
    user.save()
    player_joined(player=user, source=source)
    return user


def player_language_set(*, player: User, language: str) -> User:
    """Remember the player's language (the switcher, the profile page, the API)."""
    if language not in {code for code, _label in PLAYER_LANGUAGES}:
        raise UnknownLanguage(fields={"language": [_("Choose English or Korean.")]})
    if player.language != language:
        User.objects.filter(pk=player.pk).update(language=language)
        player.language = language
    return player


def player_logged_in(*, player: User) -> None:
    """Record a login (any interface: the page, the app API, after MFA)."""
    with transaction.atomic():
        action_record(player=player, type=ActionType.LOGGED_IN)


def player_create(
    *,
    email: str,
    password: str,
    nickname: str,
    date_of_birth: date,
    is_staff: bool = False,
    source: str = "service",
    language: str = "",
) -> User:
    """Create a player outside allauth (demo data, tests, benchmarks)."""
    if not email:
        raise ValueError("An email address is required.")
    user = User(email=email, is_staff=is_staff, language=language)
    user.set_password(password)
    return player_register(user=user, nickname=nickname, date_of_birth=date_of_birth, source=source)


def job_status_record(*, name: str, ok: bool = True, detail: dict | None = None) -> JobStatus:
    status, _ = JobStatus.objects.update_or_create(
        name=name,
        defaults={"last_run_at": timezone.now(), "ok": ok, "detail": detail or {}},
    )
    return status


class AgeNotMatching(DomainError):
    # 409: the attestation conflicts with the date of birth on record (a
    # well-formed date, so not a 400 for malformed input).
    code = "date_of_birth_mismatch"
    status = 409
    default_message = gettext_lazy("That date of birth does not match the one you signed up with.")


class AgeAlreadyVerified(DomainError):
    code = "already_verified"
    status = 409
    default_message = gettext_lazy("Your age is already verified.")


class AgeVerificationRevoked(DomainError):
    code = "verification_revoked"
    status = 403
    default_message = gettext_lazy(
        "A moderator withdrew your age verification; contact support to reset it."
    )


@transaction.atomic
def age_verify(*, player: User, date_of_birth: date | None, ip_address: str | None):
    """Record a player's self-attested date of birth as their age verification.

    The date must pass the signup gate (a date in the future is too young)
    and equal the signup date of birth (409 otherwise: it conflicts with the
    date on record). Verifying twice is a 409 and changes nothing; a revoked
    verification stays revoked until a moderator resets it.
    """
    today = player.local_date()
    if date_of_birth is not None and date_of_birth > today:
        # Not born yet is younger than any minimum age (signup says "enter a
        # real date"; here the date is well-formed, the player is refused).
        raise TooYoung(
            _("You must be at least %(age)s years old to join.") % {"age": settings.SITE_MIN_AGE}
        )
    born = date_of_birth_check(born=date_of_birth, today=today)
    player = User.objects.select_for_update().get(pk=player.pk)
    existing = AgeVerification.objects.filter(player=player).first()
    if existing is not None:
        if existing.revoked_at:
            raise AgeVerificationRevoked(
                _("A moderator withdrew your age verification; contact support to reset it.")
            )
        raise AgeAlreadyVerified(_("Your age is already verified."))
    if born != player.date_of_birth:
        raise AgeNotMatching(_("That date of birth does not match the one you signed up with."))
    return AgeVerification.objects.create(player=player, date_of_birth=born, ip_address=ip_address)
