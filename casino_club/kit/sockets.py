"""What every WebSocket consumer shares: the accepted subprotocol, the close
codes, behaviour while the channel layer (Redis) is unreachable, and the
JSON message preamble (size, JSON object, string ``type``).

Close codes (docs/live.md): 4401 not signed in or the token is invalid (do
not retry with the same credentials); 4429 too many messages, sent on after
being told to slow down (docs/safety.md, "Throttles"); 4503 the channel layer
(Redis) cannot be reached — reconnect with backoff. 4503 rather than RFC 6455's 1013 "Try
Again Later" because daphne's websocket engine (autobahn) refuses to send any
close code other than 1000 and 3000–4999.
"""

from __future__ import annotations

import json
import logging
import time

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# The subprotocol app clients offer (next to their ``bearer.<token>`` entry).
APP_SUBPROTOCOL = "casino.v1"
MAX_MESSAGE_BYTES = 4096

CLOSE_UNAUTHENTICATED = 4401
CLOSE_TOO_MANY_MESSAGES = 4429
CLOSE_TRY_AGAIN_LATER = 4503
# What channels_redis raises when Redis is down or unreachable: redis-py's
# errors, and bare timeouts/refusals from the socket underneath.
CHANNEL_LAYER_ERRORS = (RedisConnectionError, RedisTimeoutError, TimeoutError, ConnectionError)


def accepted_subprotocol(scope) -> str | None:
    """The subprotocol to accept with: ``casino.v1`` when the client offered it.

    Never a ``bearer.`` entry: ``SubprotocolJWTAuthMiddleware`` has removed
    those from the scope, so the token is not echoed in the handshake.
    """
    return APP_SUBPROTOCOL if APP_SUBPROTOCOL in (scope.get("subprotocols") or ()) else None


async def close_unauthenticated(consumer) -> None:
    """Refuse a socket without a signed-in user, with close code 4401.

    An app client (one that offered ``casino.v1``) is accepted first and then
    closed: a handshake refused before ``accept`` reaches a real client as
    HTTP 403 with no close code, and the app needs 4401 to know it should
    refresh its token rather than retry. Browsers keep the plain refusal.
    """
    subprotocol = accepted_subprotocol(consumer.scope)
    if subprotocol is not None:
        await consumer.accept(subprotocol=subprotocol)
    await consumer.close(code=CLOSE_UNAUTHENTICATED)


async def close_try_again_later(consumer, error: BaseException) -> None:
    """Close with 4503 because the channel layer could not be reached.

    Accepted first (see :func:`close_unauthenticated`) so the page or app sees
    4503 and reconnects with backoff.
    """
    _log_outage(consumer.scope, error)
    await consumer.accept(subprotocol=accepted_subprotocol(consumer.scope))
    await consumer.close(code=CLOSE_TRY_AGAIN_LATER)


def _log_outage(scope, error: BaseException) -> None:
    logger.warning(
        "websocket %s: channel layer unavailable (%s: %s); closing with 4503",
        scope.get("path"),
        type(error).__name__,
        error,
    )


class ChannelLayerOutageMixin:
    """Ends an open socket with 4503 when the channel layer fails under it.

    When Redis goes away, channels_redis's receive for this consumer's channel
    raises (``redis.exceptions.ConnectionError``) and the consumer would die
    with a traceback and an abrupt close. A socket cannot simply wait it out:
    a restarted Redis has forgotten the groups this socket joined, so pushes
    would silently stop. Closing with 4503 makes the client reconnect (with
    backoff) and join its groups again. The consumer's ``disconnect`` still
    runs (a live match is left, stakes refunded), so it must tolerate the
    channel layer being down itself.
    """

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        except CHANNEL_LAYER_ERRORS as error:
            _log_outage(scope, error)
            try:
                await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})
            except Exception as send_error:  # e.g. the client is already gone
                logger.warning("websocket %s: could not close: %s", scope.get("path"), send_error)
            await self.disconnect(CLOSE_TRY_AGAIN_LATER)


class JsonSocketConsumer(ChannelLayerOutageMixin, AsyncWebsocketConsumer):
    """A socket that speaks small JSON objects with a string ``type``.

    ``receive`` refuses binary frames, text over ``MAX_MESSAGE_BYTES`` (UTF-8),
    invalid JSON and anything but an object with a string ``type``, each with
    an ``error`` message, and hands the rest to :meth:`receive_message`.

    Every connection has a token bucket: ``SOCKET_MESSAGE_BURST`` tokens,
    refilled at ``SOCKET_MESSAGE_RATE`` per second, one per message of any
    kind. A message without a token is dropped with an ``error`` frame of
    code ``throttled`` (and ``retry_after`` in seconds); a client that sends
    on regardless — ``SOCKET_MESSAGE_BURST`` dropped messages in a row — is
    closed with 4429. The bucket lives in the connection (no cache, no I/O):
    it limits what one socket costs its process, not a player's sockets.
    """

    async def dispatch(self, message) -> None:
        """channels' ``dispatch`` without its hop to the shared thread before every handler.

        Since channels 4.2 ``AsyncConsumer.dispatch`` awaits
        ``aclose_old_connections()`` (``close_old_connections`` in the one
        thread every ``sync_to_async`` call shares) before each message: a
        connect, each frame received, and each group message delivered, so a
        push to 1,000 sockets queued 1,000 calls through one thread. Our
        consumers reach the database only through ``database_sync_to_async``,
        whose thread closes stale connections before and after each call
        itself (``channels.db.DatabaseSyncToAsync.thread_handler``), so the hop
        is pure cost here. Rule for subclasses: no ORM in plain ``sync_to_async``.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    _tokens: float | None = None
    _refilled_at = 0.0
    _dropped_in_a_row = 0

    def _take_token(self) -> bool:
        rate, burst = settings.SOCKET_MESSAGE_RATE, settings.SOCKET_MESSAGE_BURST
        now = time.monotonic()
        if self._tokens is None:
            self._tokens = float(burst)
        else:
            self._tokens = min(float(burst), self._tokens + (now - self._refilled_at) * rate)
        self._refilled_at = now
        if self._tokens >= 1:
            self._tokens -= 1
            self._dropped_in_a_row = 0
            return True
        self._dropped_in_a_row += 1
        return False

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not self._take_token():
            if self._dropped_in_a_row == settings.SOCKET_MESSAGE_BURST:
                await self.close(code=CLOSE_TOO_MANY_MESSAGES)
            if self._dropped_in_a_row >= settings.SOCKET_MESSAGE_BURST:
                return  # closing: what was already in flight is ignored
            wait = (1 - self._tokens) / settings.SOCKET_MESSAGE_RATE
            await self.send_json(
                {
                    "type": "error",
                    "code": "throttled",
                    "message": "Too many messages; slow down.",
                    "retry_after": round(wait, 3),
                }
            )
            return
        if (
            bytes_data is not None
            or text_data is None
            or len(text_data.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES
        ):
            await self.send_error("bad_message", "Send JSON text messages under 4 KB.")
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            await self.send_error("bad_json", "Messages must be JSON objects.")
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.send_error("bad_message", "Messages need a string 'type'.")
            return
        await self.receive_message(message)

    async def receive_message(self, message: dict) -> None:
        raise NotImplementedError  # every subclass answers its own message types

    async def send_json(self, data: dict) -> None:
        await self.send(text_data=json.dumps(data, default=str))

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})
