"""The ``user_actions`` event stream: the action log is the outbox, this is its relay.

A relay is one more batch subscriber of the pipeline (``accounts.actions``),
``stream.user_actions``, registered for every catalogue type. It hands each
batch, oldest first in commit-safe (txid, id) order, to a *sink*
(:class:`ActionSink`) that publishes it to a broker: by default
:class:`RedisStreamSink`, one ``XADD user_actions MAXLEN ~ N * ...`` per
action in one pipeline per batch. Another broker (Kafka) is a class with a
``publish`` method named by the ``USER_ACTIONS_SINK`` setting, no change here.

Configuration (``casino_club/settings.py``): ``USER_ACTIONS_SINK`` is the
sink's dotted path, by default the Redis sink when ``REDIS_URL`` is set and
nothing otherwise (nor under tests, which turn it on themselves). With no
sink the relay is not registered at all: no subscriber, no mark, no work.
``USER_ACTIONS_STREAM`` names the stream key, ``USER_ACTIONS_STREAM_MAXLEN``
its approximate length (Redis trims whole nodes, so a little more is kept).

At least once. ``publish`` runs inside the batch's transaction, before the
subscriber's mark moves: if it raises, the batch rolls back with the mark
and is published again on a later run. A crash after the broker accepted a
batch and before the database committed the mark (a killed process, a lost
connection at COMMIT) publishes that batch, or the part of it that reached
the broker, a second time. Duplicates happen only then, they repeat a run of
actions already in the stream, in the same order; consumers dedupe on the
action ``id`` (unique, and rising along the stream within each publication).
"""

from __future__ import annotations

import json
import time
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from accounts.action_types import CATALOGUE, ActionMetadata
from accounts.actions import subscribe_batch
from accounts.models import Action

RELAY_NAME = "stream.user_actions"
RETRY_AFTER = 5.0  # seconds a sink that lost its broker fails fast


class SinkUnavailable(Exception):
    """The broker failed a moment ago: the batch rolls back and is retried later."""


class ActionSink(Protocol):
    """Where the relay publishes: built once per process with no arguments.

    ``publish`` gets one batch, oldest first, and returns once the broker holds
    all of it, or raises (the batch is then retried whole). It reads its own
    settings (URL, topic) in ``__init__``.
    """

    def publish(self, actions: list[Action]) -> None: ...


def action_fields(action: Action) -> dict[str, str]:
    """The flat text fields one action is published as (the stream's message body)."""
    metadata = action.metadata
    data = metadata.as_dict() if isinstance(metadata, ActionMetadata) else dict(metadata or {})
    return {
        "id": str(action.pk),
        "player": str(action.player_id),
        "type": str(action.type),
        "value": str(action.value),
        "metadata": json.dumps(data, separators=(",", ":"), sort_keys=True),
        "created_at": action.created_at.isoformat(),
    }


def action_from_fields(fields: dict[str, str]) -> dict:
    """A consumer's inverse of :func:`action_fields`: typed, metadata parsed."""
    return {
        "id": int(fields["id"]),
        "player": int(fields["player"]),
        "type": fields["type"],
        "value": int(fields["value"]),
        "metadata": json.loads(fields["metadata"]),
        "created_at": fields["created_at"],
    }


class RedisStreamSink:
    """Publishes to the Redis Stream ``USER_ACTIONS_STREAM`` on ``REDIS_URL``.

    One MULTI/EXEC pipeline per batch, so a batch reaches the stream whole or
    not at all when the connection drops before EXEC; message ids are Redis's
    (``*``), so the stream's order is the order of publication. Short
    timeouts: the batch's transaction (and its mark's row lock) waits on them;
    after a connection failure it fails at once for ``RETRY_AFTER`` seconds.
    """

    def __init__(self) -> None:
        if not settings.REDIS_URL:
            raise ImproperlyConfigured("USER_ACTIONS_SINK: the Redis sink needs REDIS_URL")
        import redis

        self.key = settings.USER_ACTIONS_STREAM
        self.down_until = 0.0
        self.client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=5
        )

    def publish(self, actions: list[Action]) -> None:
        if time.monotonic() < self.down_until:
            raise SinkUnavailable("Redis failed a moment ago; the batch waits for a later run")
        import redis

        maxlen = settings.USER_ACTIONS_STREAM_MAXLEN
        pipe = self.client.pipeline(transaction=True)
        for action in actions:
            pipe.xadd(self.key, action_fields(action), maxlen=maxlen, approximate=True)
        try:
            pipe.execute()
        except (redis.ConnectionError, redis.TimeoutError):
            # Down: for a few seconds, fail at once instead of waiting on
            # timeouts inside every batch's transaction (inline mode).
            self.down_until = time.monotonic() + RETRY_AFTER
            raise


def sink_path() -> str | None:
    """The configured sink's dotted path, or None when the stream is off."""
    return getattr(settings, "USER_ACTIONS_SINK", None) or None


_sinks: dict[tuple, ActionSink] = {}


def sink_get() -> ActionSink | None:
    """This process's sink for the current settings (built on first use), or None."""
    path = sink_path()
    if path is None:
        return None
    key = (path, settings.REDIS_URL, settings.USER_ACTIONS_STREAM)
    sink = _sinks.get(key)
    if sink is None:
        sink = _sinks[key] = import_string(path)()
    return sink


def user_actions_publish(actions: list[Action]) -> None:
    """The relay's batch handler: publish inside the batch's transaction."""
    sink = sink_get()
    if sink is None:
        # Registered, then turned off: raising keeps the mark where it is.
        raise ImproperlyConfigured("USER_ACTIONS_SINK is off; the relay cannot publish")
    sink.publish(actions)


def user_actions_relay_register() -> bool:
    """Register the relay for every catalogue type if a sink is configured (app start).

    The sink's class is imported here, so a mistyped path fails at start.
    Returns whether the relay was registered.
    """
    path = sink_path()
    if path is None:
        return False
    try:
        import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(f"USER_ACTIONS_SINK: cannot import {path!r}") from error
    subscribe_batch(RELAY_NAME, types=CATALOGUE)(user_actions_publish)
    return True
