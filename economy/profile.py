"""The economy's part of the profile: the player's coins.

Imported from ``EconomyConfig.ready``; ``accounts`` never imports us (the
contributor API is described in ``accounts/profile.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F

from accounts.models import User
from accounts.profile import register_profile_contributor


def annotations(now: datetime) -> dict[str, Any]:
    # A LEFT JOIN on the one-to-one wallet: no wallet yet reads as NULL.
    return {"coins_balance": F("coin_account__balance")}


def render(row: User, now: datetime) -> dict:
    """0 before the wallet opens, as ``economy.selectors.player_balance`` says."""
    return {"coins": row.coins_balance or 0}


register_profile_contributor(annotations=annotations, render=render)
