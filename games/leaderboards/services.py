"""Writes of the leaderboards: record score changes, and rebuild everything from the sources.

Scores come from three sources:

- rounds (``ROUND_PLAYED``): ``net_winnings`` adds payout − wager; ``biggest_win``
  keeps the largest payout − wager of one round, counted only when positive;
- XP (the grants: play XP read after ``progression.play``, other XP from
  ``XP_GAINED``): daily and weekly ``xp`` add the XP granted in the period,
  all-time ``xp`` is the player's lifetime total;
- live matches (``LIVE_MATCH_PLAYED``): daily and weekly ``rps_rating`` keep the
  peak rating reached in the period, all-time shows the current rating.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.action_types import ActionType
from accounts.selectors import action_history
from economy.progression.selectors import xp_grant_history, xp_totals_all
from games.leaderboards import backends
from games.leaderboards.boards import (
    Board,
    Combine,
    Period,
    ScoreChange,
    changes_for,
    merge,
    period_key,
)
from games.leaderboards.models import LeaderboardScore
from games.leaderboards.push import leaderboards_touched


def scores_record(*, changes: Iterable[ScoreChange]) -> list[backends.Stored]:
    """Upsert the changes in the caller's transaction; after commit mirror them and push.

    Returns the database rows that changed (a smaller value on a max board
    changes nothing).
    """
    stored = backends.database_apply(merge(list(changes)))
    if stored:

        def after_commit() -> None:
            backends.mirror(stored)
            leaderboards_touched({(row.board, row.period) for row in stored})

        transaction.on_commit(after_commit)
    return stored


def round_changes(*, player_id: int, net: int, at: datetime) -> list[ScoreChange]:
    changes = changes_for(Board.NET_WINNINGS, player_id, net, at)
    if net > 0:
        changes += changes_for(Board.BIGGEST_WIN, player_id, net, at)
    return changes


def xp_changes(
    *, player_id: int, gained: int, total: int | None, at: datetime
) -> list[ScoreChange]:
    changes = [
        ScoreChange(Board.XP, period, period_key(period, at), player_id, gained)
        for period in (Period.DAILY, Period.WEEKLY)
        if gained > 0
    ]
    if total is not None:
        changes.append(
            ScoreChange(Board.XP, Period.ALLTIME, period_key(Period.ALLTIME), player_id, total)
        )
    return changes


def rating_changes(*, player_id: int, rating: int, current: int, at: datetime) -> list[ScoreChange]:
    """The rating reached at ``at`` (period peaks) and the ``current`` rating (all-time)."""
    return [
        ScoreChange(
            Board.RPS_RATING, Period.DAILY, period_key(Period.DAILY, at), player_id, rating
        ),
        ScoreChange(
            Board.RPS_RATING, Period.WEEKLY, period_key(Period.WEEKLY, at), player_id, rating
        ),
        ScoreChange(
            Board.RPS_RATING, Period.ALLTIME, period_key(Period.ALLTIME), player_id, current
        ),
    ]


# --- retention --------------------------------------------------------------------


def leaderboards_prune(*, at: datetime | None = None, batch: int = 5000) -> int:
    """Delete the scores of days and weeks before the previous one; returns rows deleted.

    Pages and pushes read only the current periods; the previous day and week
    stay (a round settled just before midnight may be scored just after it),
    and so does all-time. Keys sort in time order (``YYYY-MM-DD``,
    ``YYYY-Www``); batches of ``batch`` rows by id range, per board, so each
    delete reads the (board, period, period_key) index.
    """
    now = at or timezone.now()
    keep_from = {
        Period.DAILY: period_key(Period.DAILY, now - timedelta(days=1)),
        Period.WEEKLY: period_key(Period.WEEKLY, now - timedelta(days=7)),
    }
    deleted = 0
    for board in Board.values:
        for period, first_kept in keep_from.items():
            rows = LeaderboardScore.objects.filter(
                board=board, period=period, period_key__lt=first_kept
            )
            while ids := list(rows.order_by("pk").values_list("pk", flat=True)[:batch]):
                done, _ = rows.filter(pk__gte=ids[0], pk__lte=ids[-1]).delete()
                deleted += done
                if len(ids) < batch:
                    break
    return deleted


# --- rebuild ----------------------------------------------------------------------


def _accumulate(totals: dict, changes: Iterable[ScoreChange]) -> None:
    for change in changes:
        held = totals.get(change.slot)
        if held is None:
            totals[change.slot] = change.value
        elif change.combine is Combine.SUM:
            totals[change.slot] = held + change.value
        elif change.combine is Combine.MAX:
            totals[change.slot] = max(held, change.value)
        else:
            totals[change.slot] = change.value


def leaderboards_rebuild(*, at: datetime | None = None) -> dict[str, int]:
    """Recompute every board's current periods (and all-time) from the sources.

    Replaces the ``LeaderboardScore`` rows in one transaction and drops the
    Redis keys (they reload from the database on the next read). Rows of
    earlier days and weeks are removed: no page reads them. Run it when the
    site is quiet: a round settled while it runs may be counted twice or not
    at all until the next rebuild.
    """
    from games.live_rps.models import LiveRating
    from games.models import GameRound

    keys = {period: period_key(period, at) for period in Period.values}
    totals: dict[tuple, int] = {}

    def current(changes: list[ScoreChange]) -> list[ScoreChange]:
        return [c for c in changes if c.period_key == keys[c.period]]

    rounds = GameRound.objects.values_list("player_id", "wager", "payout", "created_at")
    for player_id, wager, payout, created_at in rounds.iterator(chunk_size=5000):
        _accumulate(
            totals, current(round_changes(player_id=player_id, net=payout - wager, at=created_at))
        )

    # XP: the grants are the truth (play XP records no action); all-time is
    # the lifetime total on the progress row.
    for player_id, amount, created_at in xp_grant_history():
        _accumulate(
            totals,
            current(xp_changes(player_id=player_id, gained=amount, total=None, at=created_at)),
        )
    for player_id, total in xp_totals_all().items():
        _accumulate(totals, xp_changes(player_id=player_id, gained=0, total=total, at=at))

    ratings = dict(LiveRating.objects.values_list("player_id", "rating"))
    for player_id, _stake, metadata, created_at in action_history(
        type=ActionType.LIVE_MATCH_PLAYED
    ):
        rating = metadata.get("rating") if isinstance(metadata, dict) else None
        if rating is None or player_id not in ratings:
            continue
        _accumulate(
            totals,
            current(
                rating_changes(
                    player_id=player_id, rating=rating, current=ratings[player_id], at=created_at
                )
            ),
        )

    rows = [
        LeaderboardScore(board=b, period=p, period_key=k, player_id=pid, score=score)
        for (b, p, k, pid), score in totals.items()
    ]
    with transaction.atomic():
        LeaderboardScore.objects.all().delete()
        LeaderboardScore.objects.bulk_create(rows, batch_size=2000)
    redis_keys_dropped = leaderboards_redis_clear()
    counts: dict[str, int] = {}
    for board, _period, _key, _player in totals:
        counts[board] = counts.get(board, 0) + 1
    return {**counts, "redis_keys_dropped": redis_keys_dropped}


def leaderboards_redis_clear() -> int:
    """Delete every leaderboard key in Redis (they reload from the database on demand)."""
    backend = backends.redis_backend() if settings.REDIS_URL else None
    if backend is None:
        return 0
    names = list(backend.client.scan_iter(match=f"{backend.prefix}:*", count=1000))
    for start in range(0, len(names), 500):
        backend.client.delete(*names[start : start + 500])
    return len(names)
