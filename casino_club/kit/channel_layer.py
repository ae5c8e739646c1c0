"""channels_redis with a connection pool that waits when it is full.

channels_redis builds redis-py's plain ``ConnectionPool``, which raises
``MaxConnectionsError`` (a ``ConnectionError``) the moment every connection
is in use: a burst of sockets connecting at once (each joins its groups) or
closing at once (each leaves them) looked exactly like Redis being down, and
the consumers closed those sockets with 4503 while Redis was up.

``WaitingRedisChannelLayer`` gives each host a ``BlockingConnectionPool``
instead: a caller past ``max_connections`` waits up to ``pool_timeout``
seconds (``CHANNEL_LAYER_POOL_TIMEOUT``, default 10) for a connection to come
back. A full pool is load, not an outage; only Redis failing to answer (or a
wait longer than that) is still reported as one. Set in ``CHANNEL_LAYERS``
(casino_club/settings.py); ``max_connections`` comes from
``CHANNEL_LAYER_MAX_CONNECTIONS`` (default 500 per host and process).
"""

from __future__ import annotations

from channels_redis.core import RedisChannelLayer
from redis import asyncio as aioredis


class WaitingRedisChannelLayer(RedisChannelLayer):
    def create_pool(self, index):
        host = dict(self.hosts[index])
        if "address" not in host:  # sentinels and other forms: channels_redis's own pool
            return super().create_pool(index)
        address = host.pop("address")
        timeout = host.pop("pool_timeout", 10)
        return aioredis.BlockingConnectionPool.from_url(address, timeout=timeout, **host)
