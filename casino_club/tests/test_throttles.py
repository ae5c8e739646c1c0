"""Throttles: play, claims and shop purchases answer 429 with Retry-After and
the error JSON once over the real default limits (per player, per IP for
anonymous requests); sockets drop messages over their bucket and close a
client that sends on; a cache outage lets requests through instead of 500s.

The suite runs with relaxed limits (conftest ``_relaxed_throttles``); each
test here puts the real defaults back (``casino_club.config.THROTTLE_DEFAULTS``).
"""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from rest_framework.test import APIClient

from casino_club import cache as resilient
from casino_club.asgi import application
from casino_club.config import THROTTLE_DEFAULTS, ConfigError, parse_throttles, read_config
from casino_club.kit.rates import parse_rates
from casino_club.kit.sockets import CLOSE_TOO_MANY_MESSAGES
from economy.models import ShopPurchase
from economy.selectors import player_balance
from games.models import GameRound
from tests.support.clients import session_headers
from tests.support.throttles import assert_throttled, within_one_window

SPIN = {"bet_per_line": 1, "lines": 20}


@pytest.fixture
def real_limits(settings):
    settings.THROTTLE_RATES = dict(THROTTLE_DEFAULTS)
    settings.SOCKET_MESSAGE_RATE = 10
    settings.SOCKET_MESSAGE_BURST = 20


# --- rates and configuration ---------------------------------------------------


def test_rates_parse_bursts_periods_and_off():
    assert parse_rates("5/s,3000/h") == ((5, 1), (3000, 3600))
    assert parse_rates(" 20/10s , 7/d ") == ((20, 10), (7, 86400))
    assert parse_rates("off") == ()
    for bad in ("5", "5/x", "0/s", "-1/s", "5/s;3/h", "five/s"):
        with pytest.raises(ValueError):
            parse_rates(bad)


def test_throttle_variables_are_checked_one_by_one(tmp_path):
    assert parse_throttles({}) == THROTTLE_DEFAULTS
    assert parse_throttles({"THROTTLE_PLAY": "off", "THROTTLE_SHOP": " "})["play"] == "off"
    with pytest.raises(ConfigError, match="THROTTLE_CLAIM"):
        parse_throttles({"THROTTLE_CLAIM": "3 per second"})
    with pytest.raises(ConfigError, match="SOCKET_MESSAGE_BURST"):
        read_config({"SOCKET_MESSAGE_BURST": "0"}, tmp_path)
    with pytest.raises(ConfigError, match="NUM_PROXIES"):
        read_config({"NUM_PROXIES": "many"}, tmp_path)


# --- HTTP scopes -------------------------------------------------------------------


@pytest.mark.django_db
def test_play_is_refused_over_five_spins_a_second(real_limits, player, player_client, fund):
    fund(player, 10_000)
    sent = []

    def spin():
        sent.append(player_client.post("/api/games/slots/play", SPIN, format="json"))
        return sent[-1]

    responses = within_one_window(spin, 6)

    assert [r.status_code for r in responses[:5]] == [200] * 5
    assert_throttled(responses[5])
    played = sum(1 for r in sent if r.status_code == 200)
    assert GameRound.objects.filter(player=player).count() == played  # refused spins play nothing


@pytest.mark.django_db
def test_claims_are_refused_over_three_a_second(real_limits, player_client):
    responses = within_one_window(lambda: player_client.post("/api/bonus/daily/claim"), 4)

    assert [r.status_code for r in responses[:3]] == [201, 409, 409]  # claimed, then already
    assert_throttled(responses[3])


@pytest.mark.django_db
def test_shop_buys_are_refused_over_three_a_second(real_limits, player, player_client, fund):
    fund(player, 1000)
    sent = []

    def buy():
        sent.append(player_client.post("/api/shop/buy", {"item": "emote-wave"}, format="json"))
        return sent[-1]

    responses = within_one_window(buy, 4)

    # One emote per player: the first buy succeeds, the next two conflict.
    assert [r.status_code for r in responses[:3]] == [201, 409, 409]
    assert_throttled(responses[3])
    bought = sum(1 for r in sent if r.status_code == 201)
    assert ShopPurchase.objects.filter(player=player).count() == bought  # refused buys buy nothing
    assert player_balance(player=player) == 1000 - bought * 150


@pytest.mark.django_db
def test_gallery_unlocks_answer_429_over_the_unlock_limit(real_limits, player, settings, tmp_path):
    """The real POST /api/unlock: reads are never counted; a fourth unlock in a second is
    refused before it runs, so its item stays locked and its coins stay put."""
    import itertools
    import uuid

    from economy.models import GalleryUnlock
    from tests.support.gallery import give_key, make_collection, make_item
    from tests.support.ledger import give_coins

    settings.GALLERY_MEDIA_ROOT = tmp_path / "gallery"
    collection = make_collection()
    items = [make_item(collection, title=f"Item {n}", seed=n) for n in range(4)]
    give_key(player)
    give_coins(player, 1000)
    client = APIClient()
    client.force_authenticate(player)
    assert {client.get("/api/unlock").status_code for _ in range(10)} == {200}
    turn = itertools.cycle(items)

    def unlock():
        return client.post(
            "/api/unlock",
            {"item_id": next(turn).pk},
            format="json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )

    before = player_balance(player=player)
    responses = within_one_window(unlock, 4)

    assert [r.status_code for r in responses[:3]] == [201] * 3
    assert_throttled(responses[3])
    assert GalleryUnlock.objects.filter(player=player).count() == 3
    assert player_balance(player=player) == before - 300


@pytest.mark.django_db
def test_page_forms_share_the_players_limit(real_limits, alice_client, player_client):
    # The wallet page's claim button and the API count against one limit.
    def claim_both_ways():
        return [
            player_client.post("/api/bonus/daily/claim"),
            alice_client.post("/wallet/claim/daily/"),
        ]

    responses = within_one_window(lambda: claim_both_ways(), 2)
    flat = [response for pair in responses for response in pair]

    assert [r.status_code for r in flat[:3]] == [201, 302, 409]
    assert flat[3].status_code == 429 and int(flat[3]["Retry-After"]) >= 1
    assert "Too many requests" in flat[3].content.decode()


@pytest.mark.django_db
def test_anonymous_requests_are_counted_per_ip(real_limits, player, player_client, fund):
    fund(player, 1000)
    crowd = APIClient(REMOTE_ADDR="203.0.113.7")

    responses = within_one_window(
        lambda: crowd.post("/api/games/slots/play", SPIN, format="json"), 11
    )

    assert [r.status_code for r in responses[:10]] == [401] * 10
    assert_throttled(responses[10])
    # Another address, and a signed-in player behind the same one, are not limited.
    assert APIClient(REMOTE_ADDR="203.0.113.8").post("/api/games/slots/play").status_code == 401
    player_client.defaults["REMOTE_ADDR"] = "203.0.113.7"
    assert player_client.post("/api/games/slots/play", SPIN, format="json").status_code == 200


@pytest.mark.django_db
def test_x_forwarded_for_is_not_trusted_without_proxies(real_limits):
    def spoofed(number: int):
        client = APIClient(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
        return client.post("/api/bonus/daily/claim")

    counter = iter(range(100))
    responses = within_one_window(lambda: spoofed(next(counter)), 11)

    assert_throttled(responses[10])


@pytest.mark.django_db
def test_players_are_limited_separately(real_limits, player, other_player, fund):
    fund(player, 10_000)
    fund(other_player, 10_000)
    alice, bob = APIClient(), APIClient()
    alice.force_login(player)
    bob.force_login(other_player)

    responses = within_one_window(
        lambda: alice.post("/api/games/slots/play", SPIN, format="json"), 6
    )
    assert_throttled(responses[5])
    assert bob.post("/api/games/slots/play", SPIN, format="json").status_code == 200


@pytest.mark.slow
@pytest.mark.django_db
def test_a_cache_outage_lets_requests_through(
    real_limits, settings, private_redis, monkeypatch, player, player_client, fund
):
    settings.CACHES = {
        "default": {
            "BACKEND": "casino_club.cache.ResilientRedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    monkeypatch.setattr(resilient, "_down_until", {})
    fund(player, 10_000)
    spin = lambda: player_client.post("/api/games/slots/play", SPIN, format="json")  # noqa: E731
    assert_throttled(within_one_window(spin, 6)[5])  # counted in Redis while it is up

    private_redis.stop()
    responses = within_one_window(spin, 7)

    assert [r.status_code for r in responses] == [200] * 7
    assert cache.get("anything") is None


# --- sockets -------------------------------------------------------------------------


async def open_socket(client, user, path: str) -> WebsocketCommunicator:
    headers = await sync_to_async(session_headers)(client, user)
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["type"] == "hello"
    return communicator


async def flood(communicator: WebsocketCommunicator, count: int) -> list[dict]:
    for number in range(count):
        await communicator.send_json_to({"type": "no-such-type", "n": number})
    answers = []
    for _ in range(count):
        answers.append(await communicator.receive_json_from(timeout=5))
    return answers


@pytest.mark.usefixtures("fresh_channel_layer")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/ws/live/", "/ws/rps/"])
async def test_a_socket_drops_messages_over_its_bucket_then_closes(
    real_limits, client, player, path
):
    communicator = await open_socket(client, player, path)

    answers = await flood(communicator, 25)

    assert [a["code"] for a in answers[:20]] == ["unknown_type"] * 20  # the burst
    throttled = [a for a in answers[20:] if a["code"] == "throttled"]
    assert throttled, answers[20:]
    assert throttled[0]["type"] == "error" and throttled[0]["retry_after"] > 0

    # Sending on regardless: 20 dropped in a row close the socket with 4429.
    for number in range(60):
        await communicator.send_json_to({"type": "no-such-type", "n": number})
    while True:
        output = await communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
    assert output["code"] == CLOSE_TOO_MANY_MESSAGES
    await communicator.wait()


@pytest.mark.usefixtures("fresh_channel_layer")
@pytest.mark.django_db(transaction=True)
async def test_a_socket_within_its_rate_is_never_throttled(real_limits, client, player):
    communicator = await open_socket(client, player, "/ws/live/")

    answers = []
    for number in range(30):  # 30 messages over 3 s: the rate, not a burst
        await communicator.send_json_to({"type": "no-such-type", "n": number})
        answers.append(await communicator.receive_json_from(timeout=5))
        await asyncio.sleep(0.1)

    assert {a["code"] for a in answers} == {"unknown_type"}
    await communicator.disconnect()
