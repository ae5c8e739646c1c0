"""How the leaderboards react to rounds, XP and live matches (registered in GamesConfig.ready).

Each handler runs once per action, in the transaction that writes its
receipt (accounts.actions), so a redelivered action never counts twice.
Periods come from the action's own time, not the delivery time.
"""

from __future__ import annotations

from accounts.action_types import ActionType
from accounts.actions import subscribe
from games.leaderboards.services import rating_changes, round_changes, scores_record, xp_changes
from games.live_rps.models import LiveRating


@subscribe(ActionType.ROUND_PLAYED, "games.leaderboards.round")
def round_played(action) -> None:
    scores_record(
        changes=round_changes(
            player_id=action.player_id, net=int(action.metadata["net"]), at=action.created_at
        )
    )


@subscribe(ActionType.XP_GAINED, "games.leaderboards.xp")
def xp_gained(action) -> None:
    total = action.metadata.get("total")
    scores_record(
        changes=xp_changes(
            player_id=action.player_id,
            gained=int(action.value),
            total=int(total) if total is not None else None,
            at=action.created_at,
        )
    )


@subscribe(ActionType.LIVE_MATCH_PLAYED, "games.leaderboards.rating")
def live_match_played(action) -> None:
    reached = action.metadata.get("rating")
    current = (
        LiveRating.objects.filter(player_id=action.player_id)
        .values_list("rating", flat=True)
        .first()
    )
    if reached is None or current is None:
        return
    scores_record(
        changes=rating_changes(
            player_id=action.player_id, rating=int(reached), current=current, at=action.created_at
        )
    )
