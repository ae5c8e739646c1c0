"""Invites' part of the profile: the player's code and link, and how many friends joined.

Imported from ``EconomyConfig.ready`` (the contributor API is in ``accounts/profile.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from accounts.profile import register_profile_contributor
from economy.invites.services import invite_code_get
from economy.models import Referral


def annotations(now: datetime) -> dict[str, Any]:
    made = Referral.objects.filter(inviter=OuterRef("pk")).order_by().values("inviter")
    return {
        "invites_code": F("invite_code__code"),
        "invites_count": _count(made.annotate(n=Count("pk")).values("n")),
        "invites_rewarded_count": _count(
            made.annotate(n=Count("pk", filter=Q(rewarded_at__isnull=False))).values("n")
        ),
    }


def _count(counts) -> Coalesce:
    # A player who invited nobody has no group, so the subquery is NULL, not 0.
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def render(row: User, now: datetime) -> dict:
    code = row.invites_code
    if code is None:
        # The code is made on first use (invite_code_get): once in a player's
        # life, this read is the first use and costs its insert; every later
        # read finds it in the row.
        code = invite_code_get(player=row).code
    return {
        "invite_code": code,
        "invite_url": f"/join/{code}/",
        "invite_count": row.invites_count,
        "invite_rewarded_count": row.invites_rewarded_count,
    }


register_profile_contributor(annotations=annotations, render=render)
