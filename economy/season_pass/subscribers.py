"""The season pass reacts to XP: tiers reached, once each (from ``EconomyConfig.ready``).

XP from play is granted by ``progression.play`` in the same pipeline run,
without an ``XP_GAINED`` action, so the pass also reads rounds and matches,
after that subscriber; every other XP grant records ``XP_GAINED``.
"""

from __future__ import annotations

from accounts.action_types import ActionType
from accounts.actions import subscribe_batch
from economy.season_pass.services import pass_tiers_reached_many

XP_SOURCES = [ActionType.XP_GAINED, ActionType.ROUND_PLAYED, ActionType.LIVE_MATCH_PLAYED]


@subscribe_batch("economy.season_pass.tiers_reached", types=XP_SOURCES, after=("progression.play",))
def tiers_reached(actions) -> None:
    players = {action.player_id: action.player for action in actions}
    pass_tiers_reached_many(players=list(players.values()))
