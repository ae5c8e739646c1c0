"""How progression reacts to actions, and what it adds to the profile.

Imported from ``EconomyConfig.ready``. Each handler runs exactly once per
action (the dispatcher's receipts); names are stored in receipts, keep them.
"""

from __future__ import annotations

from accounts.action_types import ActionType
from accounts.actions import subscribe
from economy.progression import rules
from economy.progression.services.missions import TYPES_BY_ACTION, missions_progress
from economy.progression.services.xp import play_record


@subscribe(ActionType.ROUND_PLAYED, "progression.play")
def round_played(action) -> None:
    """A round: days played, streak and play XP (per round plus per coins wagered)."""
    play_record(
        player=action.player,
        wager=int(action.value),
        base_xp=rules.XP_PER_ROUND,
        reference=f"action:{action.pk}",
        at=action.created_at,
    )


@subscribe(ActionType.LIVE_MATCH_PLAYED, "progression.play")
def live_match_played(action) -> None:
    play_record(
        player=action.player,
        wager=int(action.value),
        base_xp=rules.XP_PER_LIVE_MATCH,
        reference=f"action:{action.pk}",
        at=action.created_at,
    )


def _missions(action) -> None:
    missions_progress(action=action)


for _type in TYPES_BY_ACTION:
    subscribe(_type, "progression.missions")(_missions)
