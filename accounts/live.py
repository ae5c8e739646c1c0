"""The one helper that pushes live events to open pages.

Services call :func:`push_to_player` or :func:`push_to_group`; the message is
sent only after the current transaction commits, so a page never sees an
event for a change that rolled back. Nothing else calls ``group_send``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


# Every open page of every signed-in player (site-wide banners, broadcasts).
SITE_GROUP = "site"


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


def _send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": "live.event", "event": event})
    except (ConnectionError, TimeoutError, RedisError) as error:
        # A push is a courtesy: pages catch up from the API. An unreachable
        # channel layer (Redis down) must never fail the player's action; one
        # line per push, not a traceback, while it lasts.
        logger.warning("live push to %s failed: %s: %s", group, type(error).__name__, error)
    except Exception:
        logger.warning("live push to %s failed", group, exc_info=True)


def push_to_group(group: str, event: dict) -> None:
    """Send ``event`` (a dict with a ``type`` key) to ``group`` after commit."""
    if "type" not in event:
        raise ValueError("live events carry a 'type' key")
    transaction.on_commit(lambda: _send(group, event))


def push_to_player(player_id: int, event: dict) -> None:
    push_to_group(player_group(player_id), event)
