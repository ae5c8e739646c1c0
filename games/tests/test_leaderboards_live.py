"""Live leaderboards over /ws/live/: topic subscriptions and the throttled update push."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from accounts.live import push_to_group
from casino_club.asgi import application
from games.leaderboards.push import leaderboard_flush
from games.leaderboards.services import round_changes, scores_record
from tests.support.clients import session_headers

pytestmark = pytest.mark.django_db(transaction=True)

TOPIC = "leaderboard.net_winnings.daily"


async def open_socket(client, user) -> WebsocketCommunicator:
    headers = await sync_to_async(session_headers)(client, user)
    socket = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["type"] == "hello"
    return socket


async def subscribe(socket, topic: str, kind: str = "subscribe") -> dict:
    await socket.send_json_to({"type": kind, "topic": topic})
    return await socket.receive_json_from()


def win(player_id: int, net: int) -> None:
    with transaction.atomic():
        scores_record(changes=round_changes(player_id=player_id, net=net, at=datetime.now(UTC)))


async def test_a_page_subscribes_to_a_leaderboard_and_gets_its_events(client, player):
    socket = await open_socket(client, player)

    assert await subscribe(socket, TOPIC) == {"type": "subscribed", "topic": TOPIC}
    await sync_to_async(push_to_group)(TOPIC, {"type": "leaderboard.update", "changes": []})
    assert (await socket.receive_json_from(timeout=3))["type"] == "leaderboard.update"

    assert await subscribe(socket, TOPIC, "unsubscribe") == {"type": "unsubscribed", "topic": TOPIC}
    await sync_to_async(push_to_group)(TOPIC, {"type": "leaderboard.update", "changes": []})
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


@pytest.mark.parametrize(
    "topic",
    [
        "player.7",
        "site",
        "leaderboard.richest.daily",
        "leaderboard.xp.monthly",
        "leaderboard.xp",
        12,
    ],
)
async def test_other_topics_are_forbidden_and_the_socket_stays_usable(client, player, topic):
    socket = await open_socket(client, player)

    answer = await subscribe(socket, topic)

    assert answer["type"] == "error" and answer["code"] == "forbidden_topic"
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}
    await socket.disconnect()


async def test_another_players_group_cannot_be_joined(client, player, other_player):
    socket = await open_socket(client, player)
    assert (await subscribe(socket, f"player.{other_player.pk}"))["code"] == "forbidden_topic"

    await sync_to_async(push_to_group)(f"player.{other_player.pk}", {"type": "test.push"})

    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_a_socket_holds_at_most_ten_subscriptions(client, player):
    socket = await open_socket(client, player)
    topics = [
        f"leaderboard.{board}.{period}"
        for board in ("biggest_win", "net_winnings", "xp", "rps_rating")
        for period in ("daily", "weekly", "alltime")
    ]
    for topic in topics[:10]:
        assert (await subscribe(socket, topic))["type"] == "subscribed"

    assert (await subscribe(socket, topics[10]))["code"] == "too_many_subscriptions"
    assert (await subscribe(socket, topics[0]))["type"] == "subscribed"  # already held: fine
    assert (await subscribe(socket, topics[0], "unsubscribe"))["type"] == "unsubscribed"
    assert (await subscribe(socket, topics[10]))["type"] == "subscribed"
    await socket.disconnect()


async def test_many_changes_within_the_interval_make_one_push_with_the_last_state(
    client, settings, make_player
):
    settings.LEADERBOARD_PUSH_INTERVAL = 0.4
    alice = await sync_to_async(make_player)("Alice")
    bob = await sync_to_async(make_player)("Bob")
    socket = await open_socket(client, alice)
    await subscribe(socket, TOPIC)

    started = time.monotonic()
    for net in (10, 20, 30, 40, 50):
        await sync_to_async(win)(alice.pk, net)
    await sync_to_async(win)(bob.pk, 120)
    assert time.monotonic() - started < 0.4

    event = await socket.receive_json_from(timeout=3)
    assert event["type"] == "leaderboard.update"
    assert (event["board"], event["period"], event["size"]) == ("net_winnings", "daily", 2)
    assert event["changes"] == [
        {"rank": 1, "nickname": "Alice", "score": 150},
        {"rank": 2, "nickname": "Bob", "score": 120},
    ]
    assert await socket.receive_nothing(timeout=0.6)

    # The next change is pushed too, with only the rows that changed.
    await sync_to_async(win)(bob.pk, 100)
    event = await socket.receive_json_from(timeout=3)
    assert event["changes"] == [
        {"rank": 1, "nickname": "Bob", "score": 220},
        {"rank": 2, "nickname": "Alice", "score": 150},
    ]
    await sync_to_async(win)(alice.pk, -1)
    event = await socket.receive_json_from(timeout=3)
    assert event["changes"] == [{"rank": 2, "nickname": "Alice", "score": 149}]
    await socket.disconnect()


async def test_pushes_are_at_least_one_interval_apart(client, settings, make_player):
    settings.LEADERBOARD_PUSH_INTERVAL = 0.3
    alice = await sync_to_async(make_player)("Alice")
    socket = await open_socket(client, alice)
    await subscribe(socket, TOPIC)

    arrivals = []

    async def collect() -> None:
        while True:
            event = await socket.receive_json_from(timeout=10)
            arrivals.append((time.monotonic(), event))

    collector = asyncio.create_task(collect())
    started = time.monotonic()
    deadline = started + 1.5
    net = 0
    while time.monotonic() < deadline:
        net += 1
        await sync_to_async(win)(alice.pk, 1)
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.8)
    collector.cancel()
    elapsed = arrivals[-1][0] - started

    # Counted, not timed between arrivals (a loaded machine delays one arrival
    # and shortens the next gap): dozens of wins, yet at most one push per
    # interval over the whole run, plus the first.
    assert net >= 20
    assert 3 <= len(arrivals) <= elapsed / 0.3 + 1, (len(arrivals), elapsed)
    assert arrivals[-1][1]["changes"] == [{"rank": 1, "nickname": "Alice", "score": net}]
    await socket.disconnect()


def test_a_flush_with_nothing_new_sends_nothing(make_player):
    alice = make_player("Alice")
    win(alice.pk, 30)

    first = leaderboard_flush(board="net_winnings", period="daily")
    second = leaderboard_flush(board="net_winnings", period="daily")

    assert first["changes"] == [{"rank": 1, "nickname": "Alice", "score": 30}]
    assert second is None
