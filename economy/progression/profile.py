"""Progression's part of the profile: XP, level, VIP tier and the daily streak.

Imported from ``EconomyConfig.ready`` (the contributor API is in ``accounts/profile.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F

from accounts.models import User
from accounts.profile import register_profile_contributor
from economy.models import VipTier
from economy.progression import rules
from economy.progression.selectors import streak_shown


def annotations(now: datetime) -> dict[str, Any]:
    # A LEFT JOIN on the one-to-one progress row: NULLs before the first XP.
    return {
        "progression_xp": F("progress__xp"),
        "progression_level": F("progress__level"),
        "progression_vip_tier": F("progress__vip_tier"),
        "progression_streak_count": F("progress__streak_count"),
        "progression_last_action_ts": F("progress__last_action_ts"),
    }


def render(row: User, now: datetime) -> dict:
    """A player without a progress row is a fresh one: no XP, level 1, Bronze."""
    level = row.progression_level or 1
    return {
        "xp": row.progression_xp or 0,
        "level": level,
        "next_level_xp": rules.next_level_xp(level),
        "vip_tier": row.progression_vip_tier or VipTier.BRONZE,
        # From the row, the source of truth (streak_for reads the cache first).
        "streak": streak_shown(
            player=row,
            count=row.progression_streak_count or 0,
            last=row.progression_last_action_ts,
            now=now,
        ),
    }


register_profile_contributor(annotations=annotations, render=render)
