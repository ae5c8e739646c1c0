"""The season pass reacts to XP grants and adds its tier to the profile."""

from __future__ import annotations

from accounts.action_types import ActionType
from accounts.actions import subscribe
from accounts.profile import register_profile_contributor
from economy.season_pass.selectors import pass_tier_for
from economy.season_pass.services import pass_tiers_reached


@subscribe(ActionType.XP_GAINED, "economy.season_pass.tiers_reached")
def tiers_reached(action) -> None:
    pass_tiers_reached(player=action.player)


@register_profile_contributor
def pass_tier(player) -> dict:
    return {"pass_tier": pass_tier_for(player=player)}
