"""How progression reacts to actions (imported from ``EconomyConfig.ready``).

Both are batch subscribers: each run hands them every pending action of
their types, oldest first, and their effects are written for the whole
batch in a fixed number of statements. Names key their marks; keep them.
"""

from __future__ import annotations

from accounts.action_types import ActionType
from accounts.actions import subscribe_batch
from economy.progression import rules
from economy.progression.services.missions import TYPES_BY_ACTION, missions_progress
from economy.progression.services.xp import Play, plays_record

BASE_XP = {
    ActionType.ROUND_PLAYED: rules.XP_PER_ROUND,
    ActionType.LIVE_MATCH_PLAYED: rules.XP_PER_LIVE_MATCH,
}


@subscribe_batch("progression.play", types=BASE_XP)
def plays(actions) -> None:
    """Rounds and matches: days played, streak and play XP (per play plus per coins wagered)."""
    plays_record(
        plays=[
            Play(
                player=action.player,
                wager=int(action.value),
                base_xp=BASE_XP[action.type],
                reference=f"action:{action.pk}",
                at=action.created_at,
            )
            for action in actions
        ]
    )


@subscribe_batch("progression.missions", types=TYPES_BY_ACTION)
def missions(actions) -> None:
    missions_progress(actions=actions)
