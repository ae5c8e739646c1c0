"""A full channel-layer pool is load, not an outage: callers wait for a connection.

Against the real Redis: 40 sockets' worth of ``group_add`` at once through a
pool of 3 connections. channels_redis's own layer fails some of them with
``MaxConnectionsError`` (which the consumers took for Redis being down and
closed with 4503); ``WaitingRedisChannelLayer`` completes every one, and
every member then receives a group message.
"""

from __future__ import annotations

import asyncio

import pytest
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import MaxConnectionsError

from casino_club.kit.channel_layer import WaitingRedisChannelLayer

pytestmark = pytest.mark.redis

BURST = 40


def host(**extra) -> dict:
    return {"address": settings.REDIS_URL, "socket_timeout": 15, "max_connections": 3, **extra}


async def burst(layer) -> list:
    channels = [await layer.new_channel() for _ in range(BURST)]
    results = await asyncio.gather(
        *(layer.group_add("pool-burst", channel) for channel in channels), return_exceptions=True
    )
    return channels, results


def test_channels_redis_own_pool_fails_a_burst_at_once():
    async def run():
        layer = RedisChannelLayer(hosts=[host()], prefix="pool-test-plain")
        try:
            _channels, results = await burst(layer)
        finally:
            await layer.flush()
            await layer.close_pools()
        return results

    results = asyncio.run(run())
    assert any(isinstance(result, MaxConnectionsError) for result in results)


def test_the_waiting_pool_completes_the_burst_and_delivers_to_all():
    async def run():
        layer = WaitingRedisChannelLayer(hosts=[host(pool_timeout=10)], prefix="pool-test-wait")
        try:
            channels, results = await burst(layer)
            await layer.group_send("pool-burst", {"type": "hello"})
            received = await asyncio.gather(*(layer.receive(channel) for channel in channels))
        finally:
            await layer.flush()
            await layer.close_pools()
        return results, received

    results, received = asyncio.run(run())
    assert [result for result in results if result is not None] == []
    assert [message["type"] for message in received] == ["hello"] * BURST


def test_the_site_uses_the_waiting_layer_with_the_configured_pool():
    layer = settings.CHANNEL_LAYERS["default"]
    assert layer["BACKEND"] == "casino_club.kit.channel_layer.WaitingRedisChannelLayer"
    (configured,) = layer["CONFIG"]["hosts"]
    assert configured["max_connections"] == 500 and configured["pool_timeout"] == 10


def test_a_pool_still_full_after_its_timeout_is_reported():
    """Waiting is bounded: a caller that cannot get a connection in time gets an
    error (the consumer then closes with 4503 and the client retries)."""

    async def run():
        layer = WaitingRedisChannelLayer(hosts=[host(pool_timeout=1)], prefix="pool-test-full")
        pool = layer.create_pool(0)
        held = [await pool.get_connection() for _ in range(3)]
        try:
            with pytest.raises(RedisConnectionError):
                await asyncio.wait_for(pool.get_connection(), timeout=5)
        finally:
            for connection in held:
                await pool.release(connection)
            await pool.disconnect()

    asyncio.run(run())
