"""The action log and the pipeline that hands it to subscribers in batches.

Apps never import their neighbours to react to each other: a service records
an action in its own transaction (:func:`action_record`), and subscribers
read the log after commit. A subscriber is a name, the action types it
handles, and a handler that receives a *batch* of actions (oldest first) and
writes its effects for the whole batch at once.

Exactly once, with O(1) rows per batch: each subscriber has a high-water mark
(:class:`~accounts.models.SubscriberMark`). A batch is read past the mark,
handled, and the mark moved, all in one transaction; a batch that fails
rolls back with its mark and is re-run whole later.

Reading in commit order. Ids are handed out when a row is inserted, not when
its transaction commits, so "every id up to N" is not a safe mark: a
transaction that took id 100 may commit after 101 was read. On PostgreSQL
each row carries the writing transaction's id (``txid``, a ``db_default``),
the log is read in (txid, id) order, and only below the oldest transaction
still running (``pg_snapshot_xmin``): every row there is final, and every
row committed later sorts after the mark. SQLite runs one writer at a time,
so there ids commit in order (``txid`` is 0).

When it runs: after each commit that recorded an action, inline in the same
process (the embedded default) or as one coalesced Celery task
(``ACTIONS_DISPATCH=worker``); and every half minute from beat, which picks
up whatever a crash, a full queue or a failing subscriber left behind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial, update_wrapper

from celery import signature
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.action_types import CLIENT_TYPES, ActionContractError, ActionMetadata, spec_for
from accounts.models import Action, SubscriberMark, User
from casino_club.kit.errors import DomainError

logger = logging.getLogger(__name__)

BatchHandler = Callable[[list[Action]], None]
Handler = Callable[[Action], None]
Position = tuple[int, int]  # (txid, action id)
BATCH_SIZE = 300
PROCESS_TASK = "accounts.process_actions"
QUEUED_KEY = "actions:process:queued"
MAX_ID = 2**63 - 1


@dataclass
class Subscriber:
    """One named consumer of the log; ``after`` names subscribers whose effects it reads."""

    name: str
    types: set[str] = field(default_factory=set)
    handler: BatchHandler | None = None
    per_action: dict[str, Handler] = field(default_factory=dict)
    after: tuple[str, ...] = ()

    @property
    def module(self) -> str:
        handler = self.handler or next(iter(self.per_action.values()))
        return handler.__module__

    def handle(self, actions: list[Action]) -> None:
        if self.handler is not None:
            self.handler(actions)
        for action in actions:
            if action.type in self.per_action:
                self.per_action[action.type](action)


_subscribers: dict[str, Subscriber] = {}


def subscribe(action_type: str, name: str) -> Callable[[Handler], Handler]:
    """Register a per-action ``handler`` for ``action_type`` under a stable name.

    For rare actions (a signup, a level-up). The handler still runs inside the
    batch's transaction; a busy type should use :func:`subscribe_batch`. The
    name keys the subscriber's mark: renaming it starts it from the beginning
    of the log. A type that is not in the catalogue is refused at import.
    """
    spec_for(action_type)

    def register(handler: Handler) -> Handler:
        subscriber = _subscribers.setdefault(name, Subscriber(name))
        subscriber.types.add(action_type)
        subscriber.per_action[action_type] = handler
        return handler

    return register


def subscribe_batch(
    name: str, *, types: Iterable[str], after: Sequence[str] = ()
) -> Callable[[BatchHandler], BatchHandler]:
    """Register ``handler(actions)`` for a batch of actions of ``types``.

    ``after``: subscribers whose effects this one reads (the pass reads the XP
    that ``progression.play`` granted); it never reads past their marks.
    """
    types = {str(spec_for(action_type).type) for action_type in types}

    def register(handler: BatchHandler) -> BatchHandler:
        subscriber = _subscribers.setdefault(name, Subscriber(name))
        subscriber.types |= types
        subscriber.handler = handler
        subscriber.after = tuple(after)
        return handler

    return register


def subscribers_for(action_type: str) -> list[str]:
    """Names of the subscribers that handle ``action_type``."""
    return sorted(name for name, sub in _subscribers.items() if action_type in sub.types)


def subscribers_ordered() -> list[Subscriber]:
    """Every subscriber, each after the ones it reads (``after``), else by name."""
    ordered: list[Subscriber] = []
    placed: set[str] = set()

    def place(name: str, path: tuple[str, ...] = ()) -> None:
        if name in placed or name not in _subscribers:
            return
        if name in path:
            raise ActionContractError(f"subscribers depend on each other: {(*path, name)}")
        for upstream in _subscribers[name].after:
            place(upstream, (*path, name))
        placed.add(name)
        ordered.append(_subscribers[name])

    for name in sorted(_subscribers):
        place(name)
    return ordered


def action_record(
    *, player: User, type: str, value: int = 0, metadata: dict | None = None
) -> Action:
    """Write an action row; subscribers get it once the caller's transaction commits.

    The type and its metadata must match the catalogue (``ActionContractError``).
    """
    spec_for(type).check(metadata or {})
    action = Action.objects.create(player=player, type=type, value=value, metadata=metadata or {})
    # A named callable: robust on_commit logs a failing hook by its __qualname__,
    # which a bare partial lacks (the AttributeError would turn a committed
    # round into a 500 while the broker is down).
    hook = update_wrapper(partial(actions_process_later, types={str(type)}), actions_process_later)
    transaction.on_commit(hook, robust=True)
    return action


def actions_process_later(*, types: set[str] | None = None) -> None:
    """After a commit: run the pipeline here, or have a worker run it (``ACTIONS_DISPATCH``).

    Inline, only the subscribers of the ``types`` just recorded run (and
    handle everything pending for them); the beat job runs the rest.

    Worker mode with a shared cache queues at most one task at a time: the
    task clears the flag before it reads the log, so an action committed
    meanwhile either is read by it or queues the next one. If the queue is unreachable the beat job
    picks the actions up later; the marks keep that exactly-once.
    """
    if settings.ACTIONS_DISPATCH != "worker":
        actions_process(types=types)
        return
    # Coalescing needs a cache the worker shares (Redis): a per-process cache
    # would never see the worker clear the flag, and an action committed
    # just after a run would wait for beat. Without one, every commit queues.
    if not _shared_cache() or cache.add(QUEUED_KEY, 1, timeout=2):
        signature(PROCESS_TASK).delay()


def _shared_cache() -> bool:
    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


def actions_process(
    *, types: set[str] | None = None, batch_size: int = BATCH_SIZE, max_batches: int = 20
) -> int:
    """Run every subscriber (of ``types``, if given) over what it has not handled yet.

    Returns the actions handled. Each subscriber's batches are its own
    transactions, so one failing subscriber (logged, retried on the next
    run) holds back only itself and the subscribers that read its effects.
    """
    horizon = log_horizon()
    handled = 0
    for subscriber in subscribers_ordered():
        if types is not None and not subscriber.types & types:
            continue
        for _ in range(max_batches):
            try:
                count, more = _batch_run(subscriber, horizon=horizon, batch_size=batch_size)
            except ActionContractError:
                # A broken contract is a bug to fix, not a failure to retry quietly.
                raise
            except Exception:
                logger.exception("subscriber %s failed; its batch will be retried", subscriber.name)
                break
            handled += count
            if not more:
                break
    return handled


def _batch_run(subscriber: Subscriber, *, horizon: Position, batch_size: int) -> tuple[int, bool]:
    """One batch for one subscriber: (actions handled, whether more are waiting)."""
    with transaction.atomic():
        mark = _mark_locked(subscriber.name)
        upper = horizon
        if subscriber.after:
            upstream = SubscriberMark.objects.filter(name__in=subscriber.after)
            marks = {m.name: (m.txid, m.action_id) for m in upstream}
            upper = min([upper, *(marks.get(name, (0, 0)) for name in subscriber.after)])
        start = (mark.txid, mark.action_id)
        if start >= upper:
            return 0, False
        actions = list(
            Action.objects.select_related("player")
            .filter(_after(start), _at_or_before(upper), type__in=sorted(subscriber.types))
            .order_by("txid", "pk")[:batch_size]
        )
        for action in actions:
            action.metadata = ActionMetadata(spec_for(action.type), action.metadata)
        if actions:
            subscriber.handle(actions)
        full = len(actions) == batch_size
        end = (actions[-1].txid, actions[-1].pk) if full else upper
        SubscriberMark.objects.filter(name=subscriber.name).update(
            txid=end[0],
            action_id=end[1],
            handled=F("handled") + len(actions),
            updated_at=timezone.now(),
        )
    return len(actions), full


def _mark_locked(name: str) -> SubscriberMark:
    """The subscriber's mark, locked until the batch's transaction ends (created at first use)."""
    marks = SubscriberMark.objects.select_for_update()
    try:
        return marks.get(name=name)
    except SubscriberMark.DoesNotExist:
        SubscriberMark.objects.get_or_create(name=name)
        return marks.get(name=name)


def _after(position: Position) -> Q:
    txid, action_id = position
    return Q(txid__gt=txid) | Q(txid=txid, pk__gt=action_id)


def _at_or_before(position: Position) -> Q:
    txid, action_id = position
    return Q(txid__lt=txid) | Q(txid=txid, pk__lte=action_id)


# The 32-bit ids of transactions running in this database's client
# sessions, other than ours. Autovacuum and other databases never write our
# rows, so they do not hold the pipeline back. (The role must see the
# sessions that write the log: the same role, or pg_read_all_stats.)
_RUNNING_SQL = """
SELECT backend_xid::text::bigint FROM pg_stat_activity
 WHERE datname = current_database() AND pid <> pg_backend_pid()
   AND backend_xid IS NOT NULL AND backend_type <> 'autovacuum worker'
"""


def log_horizon() -> Position:
    """The last position of the log that can no longer change (inclusive).

    PostgreSQL: (first open id - 1, ∞), where the first open id is the
    oldest transaction still running in this database, or the next id to be
    handed out when none is. Read in this order: the next id first, then the
    running sessions, so a transaction that started in between either shows
    up as running or has finished (and its rows are visible to the next
    statement). Our own open transaction (a test, or a caller that records
    and processes in one transaction) does not hold itself back: its rows
    are ours to see and roll back together with the mark.

    SQLite: the largest id, since its writers commit one at a time.
    """
    if connection.vendor != "postgresql":
        last = Action.objects.aggregate(last=Max("pk"))["last"] or 0
        return (0, last)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint, "
            "pg_current_xact_id_if_assigned()::text::bigint"
        )
        next_id, own = cursor.fetchone()
        if connection.in_atomic_block:
            # Activity is read once per transaction unless told otherwise.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(_RUNNING_SQL)
        running = [_widen(xid, next_id) for (xid,) in cursor.fetchall()]
    first_open = min([max(next_id, own + 1) if own is not None else next_id, *running])
    if own is not None and own < first_open:
        # Our own transaction may still add rows: up to its newest one so far.
        last = Action.objects.filter(txid=own).aggregate(last=Max("pk"))["last"] or 0
        return (own, last)
    return (first_open - 1, MAX_ID)


def _widen(xid32: int, near: int) -> int:
    """A running transaction's 32-bit id as the 64-bit id it has (``near`` is later)."""
    epoch, low = near >> 32, near & 0xFFFFFFFF
    if xid32 > low:
        epoch -= 1
    return (epoch << 32) | xid32


def subscriber_lag() -> dict[str, dict]:
    """For operators: each subscriber's mark, and how many actions of its types wait."""
    horizon = log_horizon()
    marks = {m.name: m for m in SubscriberMark.objects.all()}
    lag = {}
    for subscriber in subscribers_ordered():
        mark = marks.get(subscriber.name)
        start = (mark.txid, mark.action_id) if mark else (0, 0)
        waiting = Action.objects.filter(
            _after(start), _at_or_before(horizon), type__in=sorted(subscriber.types)
        )
        lag[subscriber.name] = {
            "waiting": waiting.count(),
            "handled": mark.handled if mark else 0,
            "updated_at": mark.updated_at.isoformat() if mark else None,
        }
    return lag


class ActionNotAllowed(DomainError):
    code = "action_not_allowed"
    default_message = gettext_lazy("This action type cannot be reported by a client.")


def client_action_record(*, player: User, type: str, metadata: dict | None = None) -> Action:
    """Record a client event (the catalogue's client types); anything else is refused.

    Rounds, coins and claims are recorded by the server only.
    """
    if type not in CLIENT_TYPES:
        raise ActionNotAllowed(fields={"type": [f"Allowed: {', '.join(sorted(CLIENT_TYPES))}."]})
    return action_record(player=player, type=type, metadata=metadata or {})
