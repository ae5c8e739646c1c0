"""Live leaderboard updates, throttled to one push per board and period per interval.

Design (docs/live.md, "Throttling"):

1. After a change commits, ``leaderboards_touched`` tries to take a gate per
   (board, period) in the shared cache (``cache.add`` = Redis ``SET NX``).
   Whoever takes it schedules one flush ``LEADERBOARD_PUSH_INTERVAL`` seconds
   later in its own process (a daemon timer); everyone else does nothing, as
   a flush is already on its way.
2. The flush first deletes the gate, then reads the current top rows and
   pushes only the rows that differ from the last push (a snapshot kept in
   the cache per period key).

So a push leaves at most once per interval (a new flush can only be armed
after the previous one deleted the gate, and it waits a full interval), and
the last change is never lost: a change either finds the gate gone and arms a
flush itself, or finds it held, meaning the flush has not yet deleted it and
so will read that change (the change was written before it looked at the
gate). Because each push is a diff against the snapshot of what was last
sent, an extra or a missed flush only moves rows later, never loses them.

The flush runs in the process that saw the change, not in a Celery worker:
with the embedded in-memory channel layer a worker's ``group_send`` would
never reach the pages (STACK.md), and it keeps live updates working without
a worker. Under ASGI it waits on the server's event loop; elsewhere (WSGI
workers, Celery, commands) in a daemon timer thread. If that process dies
within the interval, the gate expires after ``GATE_TTL_FACTOR`` intervals and
the next change pushes everything since.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import threading

from asgiref.sync import SyncToAsync, sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import connections

from accounts.live import push_to_group
from games.leaderboards.boards import TOP_N, Board, Period, period_key

logger = logging.getLogger(__name__)

GATE_TTL_FACTOR = 5
SNAPSHOT_TTL = 9 * 86_400


def leaderboard_group(board: str, period: str) -> str:
    return f"leaderboard.{board}.{period}"


def leaderboard_topic_allowed(topic: str, user) -> bool:
    """``leaderboard.<board>.<period>`` for a known board and period (public to every player)."""
    parts = topic.split(".")
    return len(parts) == 3 and parts[1] in Board.values and parts[2] in Period.values


def push_interval() -> float:
    return float(getattr(settings, "LEADERBOARD_PUSH_INTERVAL", 1.0))


# Armed flushes of this process (timer threads or loop handles), so tests can cancel them.
_timers: set = set()
_timers_lock = threading.Lock()


def leaderboard_flushes_cancel() -> int:
    """Cancel this process's armed flushes (tests; shutdown); returns how many."""
    with _timers_lock:
        timers = list(_timers)
        _timers.clear()
    for timer in timers:
        timer.cancel()
    return len(timers)


def _gate(board: str, period: str) -> str:
    return f"lb:gate:{board}:{period}"


def leaderboards_touched(boards: set[tuple[str, str]]) -> None:
    """Arm one flush per (board, period) unless one is already armed. Call after commit."""
    interval = push_interval()
    for board, period in sorted(boards):
        try:
            armed = cache.add(
                _gate(board, period), 1, timeout=max(2, math.ceil(interval * GATE_TTL_FACTOR))
            )
        except Exception:
            # The cache is Redis: when it is down, so is the channel layer.
            logger.warning("leaderboard push gate unavailable", exc_info=True)
            continue
        if armed:
            _arm(board, period, interval)


def _main_event_loop() -> asyncio.AbstractEventLoop | None:
    """The server's event loop when called from one of its sync_to_async threads (ASGI)."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


def _arm(board: str, period: str, interval: float) -> None:
    loop = _main_event_loop()
    if loop is not None:
        # Under ASGI the flush waits on the server's own loop, so its push
        # reaches the in-memory channel layer from the loop that reads it
        # (asyncio queues are not thread-safe).
        def schedule() -> None:
            handle = loop.call_later(
                interval, lambda: loop.create_task(_flush_async(board, period, handle))
            )
            with _timers_lock:
                _timers.add(handle)

        loop.call_soon_threadsafe(schedule)
        return
    # WSGI workers, Celery workers, commands: a daemon timer thread.
    timer = threading.Timer(interval, _flush_in_thread)
    timer.args = (board, period, timer)
    timer.daemon = True
    with _timers_lock:
        _timers.add(timer)
    timer.start()


async def _flush_async(board: str, period: str, handle) -> None:
    await sync_to_async(_flush_in_thread, thread_sensitive=False)(board, period, handle)


def _flush_in_thread(board: str, period: str, timer) -> None:
    with _timers_lock:
        _timers.discard(timer)
    try:
        leaderboard_flush(board=board, period=period)
    except Exception:
        logger.exception("leaderboard flush %s/%s failed", board, period)
    finally:
        connections.close_all()


def leaderboard_flush(*, board: str, period: str) -> dict | None:
    """Push the rows of the current top that changed since the last push; returns the event."""
    from games.leaderboards.selectors import leaderboard_top

    cache.delete(_gate(board, period))
    key = period_key(period)
    rows = leaderboard_top(board=board, period=period, key=key, limit=TOP_N)
    snapshot_key = f"lb:sent:{board}:{period}:{key}"
    previous = cache.get(snapshot_key) or []
    current = [[row["rank"], row["nickname"], row["score"]] for row in rows]
    changes = [
        {"rank": rank, "nickname": nickname, "score": score}
        for index, (rank, nickname, score) in enumerate(current)
        if index >= len(previous) or previous[index] != [rank, nickname, score]
    ]
    if not changes and len(current) == len(previous):
        return None
    cache.set(snapshot_key, current, timeout=SNAPSHOT_TTL)
    event = {
        "type": "leaderboard.update",
        "board": board,
        "period": period,
        "period_key": key,
        "size": len(current),
        "changes": changes,
    }
    push_to_group(leaderboard_group(board, period), event)
    return event
