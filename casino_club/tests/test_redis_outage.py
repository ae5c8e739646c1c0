"""Redis dies under a running server: pages and games keep working, sockets
are told to come back later (4503), and pushes resume once Redis is back.

One daphne process serves the pytest test database (PostgreSQL) with a
private redis-server as its cache, channel layer and broker; the test kills
that redis-server (as a crash would: its data is gone) and starts it again
on the same port. The shared Redis is never touched.
"""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client
from websockets.exceptions import ConnectionClosed, InvalidHandshake
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
PAGES = ["/", "/games/", "/games/slots/", "/wallet/"]


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def open_socket(server: Daphne, token: str):
    return connect(
        f"ws://127.0.0.1:{server.port}/ws/live/",
        origin=server.origin,
        subprotocols=["casino.v1", f"bearer.{token}"],
        open_timeout=10,
    )


def receive_until(socket, wanted, seconds: float = 5.0) -> dict:
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


def close_code(socket, seconds: float = 10.0) -> int | None:
    """Read until the server closes the socket; its close code (None if it stayed open)."""
    deadline = time.monotonic() + seconds
    try:
        while (left := deadline - time.monotonic()) > 0:
            socket.recv(timeout=left)
    except TimeoutError:
        return None
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    return None


def page(server: Daphne, path: str, cookie: str) -> int:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_the_site_keeps_working_through_a_redis_outage(private_redis, tmp_path, player):
    server = Daphne(redis_url=private_redis.url, var_dir=tmp_path).start()
    try:
        cookie = session_cookie(player)
        token = server.log_in(player.email, PASSWORD)

        # Redis up: a round plays, a push reaches the socket.
        with open_socket(server, token) as socket:
            assert json.loads(socket.recv(timeout=10))["type"] == "hello"
            assert server.request("POST", "/api/games/slots/play", SPIN, token=token)[0] == 200
            assert server.request("POST", "/api/notifications/read-all", token=token)[0] == 200
            assert receive_until(socket, lambda m: m["type"] == "notification.read")["unread"] == 0

            private_redis.stop()

            # The open socket is told to come back later rather than left deaf.
            started = time.monotonic()
            code = close_code(socket, seconds=15)
            assert code == 4503, f"{code} after {time.monotonic() - started:.1f} s"

        # Games, the API and pages keep answering.
        for _ in range(3):
            status, body = server.request("POST", "/api/games/slots/play", SPIN, token=token)
            assert status == 200, body[:300]
        assert server.request("POST", "/api/notifications/read-all", token=token)[0] == 200
        status, body = server.request(
            "GET", "/api/leaderboards/biggest_win?period=daily", token=token
        )
        assert status == 200, body[:300]
        assert server.request("GET", "/api/wallet", token=token)[0] == 200
        for path in PAGES:
            assert page(server, path, cookie) == 200, path
        assert server.log_in(player.email, PASSWORD)  # allauth's rate limiter uses the cache

        # The probes tell the truth.
        status, body = server.request("GET", "/readyz")
        assert status == 503
        assert json.loads(body)["checks"]["redis"]["ok"] is False
        assert server.request("GET", "/healthz")[0] == 200

        # A new socket is accepted only to be closed with 4503.
        with open_socket(server, token) as refused:
            assert close_code(refused) == 4503

        private_redis.start()  # same port, empty

        # A page reconnects with backoff; here: retry until the hello comes.
        deadline = time.monotonic() + 20
        while True:
            try:
                with open_socket(server, token) as socket:
                    assert json.loads(socket.recv(timeout=5))["type"] == "hello"
                    assert (
                        server.request("POST", "/api/notifications/read-all", token=token)[0] == 200
                    )
                    event = receive_until(socket, lambda m: m["type"] == "notification.read")
                    assert event["unread"] == 0
                break
            except (ConnectionClosed, InvalidHandshake, OSError, TimeoutError):
                assert time.monotonic() < deadline, (
                    f"no socket after Redis came back:\n{server.output()[-3000:]}"
                )
                time.sleep(0.5)
        assert server.request("POST", "/api/games/slots/play", SPIN, token=token)[0] == 200
    finally:
        server.stop()
