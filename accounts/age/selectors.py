"""The caller's age verification status, as the API and the page show it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from accounts.models import AgeVerification, User
from accounts.selectors import mature_allowed


class AgeStatus(TextChoices):
    UNVERIFIED = "unverified", _("Not verified")
    VERIFIED = "verified", _("Verified")
    REVOKED = "revoked", _("Revoked by a moderator")


def birthday_at_age(born: date, age: int) -> date:
    """The first day on which someone born on ``born`` is ``age`` (born on
    29 February: 1 March in common years, as ``accounts.services.age_on`` counts)."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return date(born.year + age, 3, 1)


def age_verification_status(*, player: User) -> dict[str, Any]:
    """What the player's verification is and whether it opens mature content.

    A verified player younger than ``MATURE_MIN_AGE`` stays verified, but
    ``mature_allowed`` is false until ``mature_allowed_from`` (their own
    birthday, in their time zone).
    """
    verification = AgeVerification.objects.filter(player=player).first()
    minimum = settings.MATURE_MIN_AGE
    if verification is None:
        status = AgeStatus.UNVERIFIED
    elif verification.revoked_at is not None:
        status = AgeStatus.REVOKED
    else:
        status = AgeStatus.VERIFIED
    allowed = mature_allowed(player)
    allowed_from = None
    if status == AgeStatus.VERIFIED and not allowed:
        allowed_from = birthday_at_age(verification.date_of_birth, minimum)
    return {
        "status": status.value,
        "verified_at": verification.verified_at if verification else None,
        "revoked_at": verification.revoked_at if verification else None,
        "mature_allowed": allowed,
        "mature_min_age": minimum,
        "mature_allowed_from": allowed_from,
    }
