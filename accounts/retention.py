"""How long the action log keeps its rows, and what it keeps once they are gone.

The log is read by the pipeline (accounts.actions) and by selectors that
look back at most a month (active players, missions). Older rows are pruned
by :func:`actions_prune`, run daily from beat (``accounts.prune_actions``)
with ``ACTIONS_RETENTION_DAYS`` (0 keeps everything):

- only *processed* actions go: every registered subscriber's mark is at or
  past them (the smallest mark, and never past the log's horizon). A
  subscriber that is behind, or has no mark yet, holds the log back from its
  position on;
- a day (site time zone) goes whole or not at all, oldest first: the first
  day that still holds an action some subscriber has not handled, and every
  later day, are kept. Before the first row of a day is deleted, the day's
  totals per type are written to :class:`~accounts.models.ActionDaily`
  (count, distinct players, sum of values) from one grouped query over the
  day, in the same transaction as the first batch. Distinct players do not
  add up across batches, hence a whole day at once;
- rows are deleted in batches of at most ``batch`` by id range, each batch
  its own transaction, so the job never holds a long lock or a huge undo.

Idempotent: a day whose totals exist was started by an earlier run, which
may have stopped half-way; the rest of its rows are deleted without counting
them again.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, QuerySet, Sum
from django.utils import timezone

from accounts.actions import Position, _after, _at_or_before, log_horizon, subscribers_ordered
from accounts.models import Action, ActionDaily, SubscriberMark

logger = logging.getLogger(__name__)

PRUNE_JOB = "prune_actions"


def processed_position() -> Position:
    """The log position every registered subscriber has handled (inclusive).

    The smallest mark over the subscribers registered in this process; one
    without a mark has handled nothing, (0, 0). Never past the horizon.
    """
    names = [subscriber.name for subscriber in subscribers_ordered()]
    marks = {m.name: (m.txid, m.action_id) for m in SubscriberMark.objects.filter(name__in=names)}
    return min([log_horizon(), *(marks.get(name, (0, 0)) for name in names)])


def _day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def prunable_before(
    *, older_than_days: int, position: Position, now: datetime | None = None
) -> datetime:
    """Where pruning stops: local midnight ``older_than_days`` ago, or earlier,
    at the start of the day of the oldest action past ``position``."""
    zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localtime(now or timezone.now(), zone).date()
    limit, _ = _day_bounds(today - timedelta(days=older_than_days), zone)
    oldest_waiting = Action.objects.filter(_after(position)).aggregate(at=Min("created_at"))["at"]
    if oldest_waiting is not None:
        waiting_day = timezone.localtime(oldest_waiting, zone).date()
        limit = min(limit, _day_bounds(waiting_day, zone)[0])
    return limit


def _rollup(rows: QuerySet, day: date) -> int:
    """Write the day's totals per type (one grouped query, one upsert)."""
    totals = [
        ActionDaily(
            day=day,
            type=row["type"],
            count=row["count"],
            players=row["players"],
            value_sum=row["value_sum"] or 0,
        )
        for row in rows.order_by()
        .values("type")
        .annotate(count=Count("id"), players=Count("player", distinct=True), value_sum=Sum("value"))
    ]
    # Replace, not add: two runs racing on the same day write the same totals.
    ActionDaily.objects.bulk_create(
        totals,
        update_conflicts=True,
        unique_fields=["day", "type"],
        update_fields=["count", "players", "value_sum"],
    )
    return len(totals)


def _day_prune(day: date, *, position: Position, batch: int) -> int:
    """Roll up, then delete, every action of ``day`` at or before ``position``."""
    start, end = _day_bounds(day, ZoneInfo(settings.TIME_ZONE))
    rows = Action.objects.filter(_at_or_before(position), created_at__gte=start, created_at__lt=end)
    deleted = 0
    counted = ActionDaily.objects.filter(day=day).exists()
    while True:
        with transaction.atomic():
            if not counted:
                _rollup(rows, day)
                counted = True
            ids = list(rows.order_by("pk").values_list("pk", flat=True)[:batch])
            if not ids:
                return deleted
            done, _ = rows.filter(pk__gte=ids[0], pk__lte=ids[-1]).delete()
            deleted += done
        if len(ids) < batch:
            return deleted


def actions_prune(*, older_than_days: int, batch: int = 5000, now: datetime | None = None) -> int:
    """Delete processed actions of days older than ``older_than_days``; returns rows deleted.

    Each pruned day leaves its totals in ``ActionDaily`` (see the module).
    ``older_than_days`` 0 (or less) keeps everything.
    """
    if older_than_days <= 0:
        return 0
    zone = ZoneInfo(settings.TIME_ZONE)
    position = processed_position()
    limit = prunable_before(older_than_days=older_than_days, position=position, now=now)
    deleted = 0
    since = None
    while True:
        remaining = Action.objects.filter(created_at__lt=limit)
        if since is not None:
            remaining = remaining.filter(created_at__gte=since)
        oldest = remaining.aggregate(at=Min("created_at"))["at"]
        if oldest is None:
            break
        day = timezone.localtime(oldest, zone).date()
        deleted += _day_prune(day, position=position, batch=batch)
        since = _day_bounds(day, zone)[1]
    if deleted:
        logger.info("pruned %d actions older than %s", deleted, limit.isoformat())
    return deleted
