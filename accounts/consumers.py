"""The per-player live socket at ``/ws/live/``."""

from __future__ import annotations

from accounts.live import ACCOUNT_CLOSED, SITE_GROUP, player_group, topic_allowed
from casino_club.kit.sockets import (
    CHANNEL_LAYER_ERRORS,
    CLOSE_UNAUTHENTICATED,
    JsonSocketConsumer,
    accepted_subprotocol,
    close_try_again_later,
    close_unauthenticated,
)

MAX_SUBSCRIPTIONS = 10
MAX_TOPIC_LENGTH = 90


class LiveConsumer(JsonSocketConsumer):
    """Joins the signed-in player's own group and relays events pushed to it."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await close_unauthenticated(self)
            return
        self.groups_joined: list[str] = [player_group(user.pk), SITE_GROUP]
        self.topics: set[str] = set()
        try:
            for group in self.groups_joined:
                await self.channel_layer.group_add(group, self.channel_name)
        except CHANNEL_LAYER_ERRORS as error:
            self.groups_joined = []
            await close_try_again_later(self, error)
            return
        await self.accept(subprotocol=accepted_subprotocol(self.scope))
        await self.send_json({"type": "hello", "player": user.pk})

    async def disconnect(self, code: int) -> None:
        try:
            for group in [*getattr(self, "groups_joined", []), *getattr(self, "topics", [])]:
                await self.channel_layer.group_discard(group, self.channel_name)
        except CHANNEL_LAYER_ERRORS:
            pass  # Redis is down; channels_redis expires stale group entries (group_expiry).

    async def receive_message(self, message: dict) -> None:
        if message["type"] == "ping":
            await self.send_json({"type": "pong"})
        elif message["type"] in ("subscribe", "unsubscribe"):
            await self.change_subscription(message)
        else:
            await self.send_error("unknown_type", f"Unknown message type {message['type']!r}.")

    async def change_subscription(self, message: dict) -> None:
        """Join or leave a topic's group; topics are checked against the registered validators."""
        topic = message.get("topic")
        if (
            not isinstance(topic, str)
            or len(topic) > MAX_TOPIC_LENGTH
            or not topic_allowed(topic, self.scope["user"])
        ):
            await self.send_error("forbidden_topic", "You cannot subscribe to that topic.")
            return
        if message["type"] == "unsubscribe":
            if topic in self.topics:
                self.topics.discard(topic)
                await self.channel_layer.group_discard(topic, self.channel_name)
            await self.send_json({"type": "unsubscribed", "topic": topic})
            return
        if topic not in self.topics:
            if len(self.topics) >= MAX_SUBSCRIPTIONS:
                await self.send_error(
                    "too_many_subscriptions",
                    f"At most {MAX_SUBSCRIPTIONS} topics per socket; unsubscribe from one first.",
                )
                return
            self.topics.add(topic)
            await self.channel_layer.group_add(topic, self.channel_name)
        await self.send_json({"type": "subscribed", "topic": topic})

    async def live_event(self, message: dict) -> None:
        await self.send_json(message["event"])
        if message["event"].get("type") == ACCOUNT_CLOSED:
            # The player deleted their account (accounts/privacy.py): every
            # open page is signed out; 4401 tells it not to reconnect.
            await self.close(code=CLOSE_UNAUTHENTICATED)
