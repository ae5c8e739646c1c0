"""The baseline for ``benchmarks/live.py``: a bare Channels broadcast server.

An ASGI application with nothing but one ``AsyncWebsocketConsumer`` that
joins the group ``bare`` and relays whatever is sent to it, on the same
channels_redis layer (same capacity and expiry) as the site. No Django apps,
no authentication, no database: what a push costs in Channels itself.

Served by its own daphne process:
``REDIS_URL=redis://... daphne benchmarks.bare_broadcast:application``.
"""

from __future__ import annotations

import os

import django
from django.conf import settings

settings.configure(
    CHANNEL_LAYERS={
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # As casino_club/settings.py configures the site's layer (socket
            # timeout above channels_redis's 5 s blocking receive).
            "CONFIG": {
                "hosts": [{"address": os.environ["REDIS_URL"], "socket_timeout": 15}],
                "capacity": 1500,
                "expiry": 30,
            },
        }
    },
    INSTALLED_APPS=["channels"],
)
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter  # noqa: E402

GROUP = "bare"


class BroadcastConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def bare_message(self, message: dict) -> None:
        await self.send(text_data=message["text"])


application = ProtocolTypeRouter({"websocket": BroadcastConsumer.as_asgi()})
