"""The season pass's part of the profile: the highest tier reached in the running season.

Imported from ``EconomyConfig.ready`` (the contributor API is in ``accounts/profile.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from accounts.models import User
from accounts.profile import register_profile_contributor
from economy.models import PassTier, Season, XpGrant


def annotations(now: datetime) -> dict[str, Any]:
    """Three reads in one: the running season (as ``season_current``), the
    player's XP inside its window (``pass_xp_for``) and the highest tier it reaches."""
    season = Season.objects.filter(starts_at__lte=now, ends_at__gt=now).order_by("-starts_at")[:1]
    # The window comes from the season subquery, not from each tier's season:
    # the sum then depends on the player alone and runs once, not per tier.
    season_xp = (
        XpGrant.objects.filter(
            player=OuterRef(OuterRef("pk")),
            created_at__gte=Subquery(season.values("starts_at")),
            created_at__lt=Subquery(season.values("ends_at")),
        )
        .order_by()
        .values("player")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    reached = (
        PassTier.objects.filter(
            season=Subquery(season.values("pk")),
            xp_required__lte=Coalesce(Subquery(season_xp), 0),
        )
        .order_by("-number")
        .values("number")[:1]
    )
    return {"season_pass_tier": Coalesce(Subquery(reached, output_field=IntegerField()), 0)}


def render(row: User, now: datetime) -> dict:
    return {"pass_tier": row.season_pass_tier}


register_profile_contributor(annotations=annotations, render=render)
