"""The one helper that pushes live events to open pages.

Services call :func:`push_to_player` or :func:`push_to_group`; the message is
sent only after the current transaction commits, so a page never sees an
event for a change that rolled back. Nothing else calls ``group_send``.

With the in-process channel layer (the embedded default, no Redis) a
``group_send`` reaches only the sockets of the process that makes it. The
Celery worker holds no sockets, so there (and only there: it declares itself
with :func:`relay_pushes_from_this_process` when it starts) a push is written
to the :class:`~accounts.models.LivePush` table instead, and the web process
drains the table into its own layer (:func:`relay_drain_start`, started by the
ASGI application on its first connection). With Redis every process sends
straight to the shared layer and the table stays empty.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction
from django.utils import timezone
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


# Every open page of every signed-in player (site-wide banners, broadcasts).
SITE_GROUP = "site"


# Pushed to a player's own group when they delete their account: the live
# socket closes with 4401 after relaying it.
ACCOUNT_CLOSED = "account_closed"


def player_group(player_id: int) -> str:
    return f"player.{player_id}"


# Topics a page may subscribe to over /ws/live/, by prefix. Apps register
# their own (games registers "leaderboard.") so accounts imports none of them.
TopicValidator = Callable[[str, object], bool]
_topic_validators: dict[str, TopicValidator] = {}


def register_topic_validator(prefix: str, validator: TopicValidator) -> None:
    """Allow subscriptions to topics starting with ``prefix`` that ``validator`` accepts.

    ``validator(topic, user)`` must be cheap and do no I/O (it runs in the
    consumer's event loop). The topic is also the channel-layer group name.
    """
    _topic_validators[prefix] = validator


def topic_allowed(topic: str, user) -> bool:
    for prefix, validator in _topic_validators.items():
        if topic.startswith(prefix):
            return bool(validator(topic, user))
    return False


# Set in the Celery worker (casino_club/celery.py): its pushes go through the
# LivePush table when the channel layer is in-process.
_relay_pushes = False
# The drain runs at most once per process; tests turn it off (their
# in-process communicators share the test's own layer, nothing to relay).
relay_drain_enabled = True
_drain_task: asyncio.Task | None = None

RELAY_POLL_SECONDS = 0.5
RELAY_BATCH = 200
# A push older than this is dropped, not sent: nobody may have drained for a
# while (the web process was down) and pages re-read their state on connect.
RELAY_MAX_AGE = timedelta(seconds=60)


def relay_pushes_from_this_process() -> None:
    """Declare that this process holds no sockets (the Celery worker)."""
    global _relay_pushes
    _relay_pushes = True


def _relayed(layer) -> bool:
    return _relay_pushes and isinstance(layer, InMemoryChannelLayer)


def _send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        if _relayed(layer):
            from accounts.models import LivePush

            LivePush.objects.create(group=group, event=event)
        else:
            async_to_sync(layer.group_send)(group, {"type": "live.event", "event": event})
    except (ConnectionError, TimeoutError, RedisError) as error:
        # A push is a courtesy: pages catch up from the API. An unreachable
        # channel layer (Redis down) must never fail the player's action; one
        # line per push, not a traceback, while it lasts.
        logger.warning("live push to %s failed: %s: %s", group, type(error).__name__, error)
    except Exception:
        logger.warning("live push to %s failed", group, exc_info=True)


def _relay_take() -> list[tuple[int, str, dict, bool]]:
    """The oldest waiting relayed pushes, in the order they were made, each
    with whether it is still fresh enough to send.

    A read only: an idle drain never writes (SQLite has one writer at a time).
    """
    from accounts.models import LivePush

    stale_before = timezone.now() - RELAY_MAX_AGE
    rows = LivePush.objects.order_by("pk").values_list("pk", "group", "event", "created_at")
    return [
        (pk, group, event, created_at >= stale_before)
        for pk, group, event, created_at in rows[:RELAY_BATCH]
    ]


def _relay_forget(ids: list[int]) -> None:
    from accounts.models import LivePush

    LivePush.objects.filter(pk__in=ids).delete()


async def relay_drain_once(layer) -> int:
    """Send one batch of relayed pushes to ``layer``'s groups, then delete them.

    Returns how many rows it took (sent, or dropped as stale).
    """
    rows = await database_sync_to_async(_relay_take)()
    for _, group, event, fresh in rows:
        if fresh:
            await layer.group_send(group, {"type": "live.event", "event": event})
    if rows:
        await database_sync_to_async(_relay_forget)([row[0] for row in rows])
    return len(rows)


async def _relay_drain_forever(layer) -> None:
    while True:
        try:
            sent = await relay_drain_once(layer)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The database was busy or away: try again on the next tick.
            logger.warning("live relay drain failed", exc_info=True)
            sent = 0
        if sent < RELAY_BATCH:
            await asyncio.sleep(RELAY_POLL_SECONDS)


def relay_drain_start() -> bool:
    """Start draining relayed pushes in the running event loop, once per process.

    Called by the ASGI application (casino_club/asgi.py) from its event loop,
    the one whose in-process layer holds this process's sockets. Does nothing
    with a shared (Redis) layer. True if the drain runs now.
    """
    global _drain_task
    if _drain_task is not None and not _drain_task.done():
        return True
    layer = get_channel_layer()
    if not relay_drain_enabled or not isinstance(layer, InMemoryChannelLayer):
        return False
    _drain_task = asyncio.get_running_loop().create_task(_relay_drain_forever(layer))
    return True


def push_to_group(group: str, event: dict) -> None:
    """Send ``event`` (a dict with a ``type`` key) to ``group`` after commit."""
    if "type" not in event:
        raise ValueError("live events carry a 'type' key")
    transaction.on_commit(lambda: _send(group, event))


def push_to_player(player_id: int, event: dict) -> None:
    push_to_group(player_group(player_id), event)
