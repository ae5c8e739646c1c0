"""Two ASGI processes behind one Redis channel layer: a push that starts in
one process reaches a socket held by the other.

Both daphne processes serve the pytest test database (PostgreSQL) and use a
Redis database of their own (/9), as two web processes behind a proxy would.
The sockets are real (the ``websockets`` client), so is the HTTP.
"""

from __future__ import annotations

import json
import time

import pytest
from django.conf import settings
from django.test import Client
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.support.clients import PASSWORD
from tests.support.servers import Daphne

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
]

SPIN = {"bet_per_line": 1, "lines": 20}


def own_redis_db(number: int = 9) -> str:
    return settings.REDIS_URL.rsplit("/", 1)[0] + f"/{number}"


@pytest.fixture
def two_servers(tmp_path):
    import redis

    # A Redis database of this test's own: start from nothing (no leftover
    # throttle gates or push snapshots from an earlier run).
    redis.Redis.from_url(own_redis_db()).flushdb()
    servers = [
        Daphne(redis_url=own_redis_db(), var_dir=tmp_path, name=f"web{number}") for number in (1, 2)
    ]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def receive_until(socket, wanted, seconds: float = 5.0) -> dict:
    """The first JSON message for which ``wanted(message)`` holds, within ``seconds``."""
    deadline = time.monotonic() + seconds
    seen = []
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = json.loads(socket.recv(timeout=left))
        except TimeoutError:
            break
        if wanted(message):
            return message
        seen.append(message)
    raise AssertionError(f"no matching message within {seconds} s; got {seen}")


def play_until_a_win(server: Daphne, token: str, attempts: int = 150) -> dict:
    """Spins until one pays more than its wager (a net win, which biggest_win ranks)."""
    for _ in range(attempts):
        status, body = server.request("POST", "/api/games/slots/play", SPIN, token=token)
        assert status == 200, body[:300]
        played = json.loads(body)
        if played["round"]["payout"] > played["round"]["wager"]:
            return played
    raise AssertionError(f"no winning spin in {attempts} rounds")


def test_a_push_crosses_from_one_server_process_to_a_socket_on_another(two_servers, player):
    web1, web2 = two_servers
    token = web2.log_in(player.email, PASSWORD)

    with connect(
        f"ws://127.0.0.1:{web1.port}/ws/live/",
        origin=web1.origin,
        additional_headers={"Cookie": session_cookie(player)},
        open_timeout=10,
    ) as browser:
        assert json.loads(browser.recv(timeout=10)) == {"type": "hello", "player": player.pk}

        # A plain player push (accounts.live) that starts in web2's request.
        status, _ = web2.request("POST", "/api/notifications/read-all", token=token)
        assert status == 200
        event = receive_until(browser, lambda m: m["type"] == "notification.read")
        assert event == {"type": "notification.read", "unread": 0}

        # The leaderboard: a win committed in web2 reaches the subscriber on web1.
        browser.send(json.dumps({"type": "subscribe", "topic": "leaderboard.biggest_win.daily"}))
        assert receive_until(browser, lambda m: m["type"] != "hello")["type"] == "subscribed"
        win = play_until_a_win(web2, token)
        try:
            update = receive_until(browser, lambda m: m["type"] == "leaderboard.update")
        except AssertionError as error:
            raise AssertionError(f"{error}\nweb2 log:\n{web2.output()[-3000:]}") from None
        assert (update["board"], update["period"]) == ("biggest_win", "daily")
        mine = [row for row in update["changes"] if row["nickname"] == player.nickname]
        # biggest_win ranks the net win of one round (payout minus wager).
        assert mine and mine[0]["score"] == win["round"]["payout"] - win["round"]["wager"], update


def test_an_app_client_authenticates_over_a_real_server_without_logging_its_token(
    two_servers, player
):
    web1, web2 = two_servers
    token = web2.log_in(player.email, PASSWORD)

    with connect(
        f"ws://127.0.0.1:{web1.port}/ws/live/",
        origin=web1.origin,
        subprotocols=["casino.v1", f"bearer.{token}"],
        open_timeout=10,
    ) as app:
        assert app.subprotocol == "casino.v1"
        assert json.loads(app.recv(timeout=10))["player"] == player.pk

        status, _ = web2.request("POST", "/api/notifications/read-all", token=token)
        assert status == 200
        assert receive_until(app, lambda m: m["type"] == "notification.read")["unread"] == 0

    with connect(
        f"ws://127.0.0.1:{web1.port}/ws/live/",
        origin=web1.origin,
        subprotocols=["casino.v1", "bearer.forged.token.value"],
        open_timeout=10,
    ) as forged:
        with pytest.raises(ConnectionClosed) as closed:
            forged.recv(timeout=5)
        assert closed.value.rcvd.code == 4401

    web1.stop()  # flushes its access log
    log = web1.output()
    assert "/ws/live/" in log  # daphne logs the handshakes...
    assert token not in log  # ...but never the token
