"""The season pass reacts to XP grants and adds its tier to the profile."""

from __future__ import annotations

from accounts.action_types import ActionType
from accounts.actions import subscribe
from economy.season_pass.services import pass_tiers_reached


@subscribe(ActionType.XP_GAINED, "economy.season_pass.tiers_reached")
def tiers_reached(action) -> None:
    pass_tiers_reached(player=action.player)
