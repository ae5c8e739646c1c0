"""How the leaderboards react to rounds, XP and live matches (registered in GamesConfig.ready).

Batch subscribers: each run upserts the whole batch's score changes in one
statement per combination (``scores_record``) and mirrors them to Redis in
one pipeline after commit. The mark moves in the same transaction, so a
re-run never counts twice. Periods come from each action's own time.

XP from play has no ``XP_GAINED`` action: the XP board runs after
``progression.play`` and reads the grants it wrote for the same rounds.
"""

from __future__ import annotations

from accounts.action_types import ActionType
from accounts.actions import subscribe_batch
from economy.progression.selectors import play_xp_granted, xp_totals
from games.leaderboards.services import rating_changes, round_changes, scores_record, xp_changes
from games.live_rps.models import LiveRating


@subscribe_batch("games.leaderboards.round", types=[ActionType.ROUND_PLAYED])
def rounds_played(actions) -> None:
    scores_record(
        changes=[
            change
            for action in actions
            for change in round_changes(
                player_id=action.player_id, net=int(action.metadata["net"]), at=action.created_at
            )
        ]
    )


@subscribe_batch(
    "games.leaderboards.xp",
    types=[ActionType.XP_GAINED, ActionType.ROUND_PLAYED, ActionType.LIVE_MATCH_PLAYED],
    after=("progression.play",),
)
def xp_gained(actions) -> None:
    from_play = play_xp_granted(
        actions=[action for action in actions if action.type != ActionType.XP_GAINED]
    )
    changes = []
    for action in actions:
        gained = (
            int(action.value) if action.type == ActionType.XP_GAINED else from_play.get(action.pk)
        )
        if gained:
            changes += xp_changes(
                player_id=action.player_id, gained=gained, total=None, at=action.created_at
            )
    totals = xp_totals(player_ids={action.player_id for action in actions})
    for player_id, total in totals.items():
        changes += xp_changes(player_id=player_id, gained=0, total=total, at=actions[-1].created_at)
    scores_record(changes=changes)


@subscribe_batch("games.leaderboards.rating", types=[ActionType.LIVE_MATCH_PLAYED])
def live_matches_played(actions) -> None:
    current = dict(
        LiveRating.objects.filter(player_id__in={a.player_id for a in actions}).values_list(
            "player_id", "rating"
        )
    )
    changes = []
    for action in actions:
        reached = action.metadata.get("rating")
        if reached is None or action.player_id not in current:
            continue
        changes += rating_changes(
            player_id=action.player_id,
            rating=int(reached),
            current=current[action.player_id],
            at=action.created_at,
        )
    scores_record(changes=changes)
