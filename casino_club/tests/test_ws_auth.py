"""App clients authenticate sockets with the allauth JWT in Sec-WebSocket-Protocol.

The client offers ``["casino.v1", "bearer.<access token>"]``; the server
accepts with ``casino.v1`` only, so the token is never echoed, and never
appears in the path or the query string.
"""

from __future__ import annotations

import time

import jwt
import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import transaction

from accounts.live import push_to_player
from casino_club.asgi import application
from casino_club.ws_auth import SubprotocolJWTAuthMiddleware
from tests.support.clients import PASSWORD

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

ORIGIN = (b"origin", b"http://localhost")


def app_login(client, email: str) -> dict:
    response = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]


def resigned(token: str, *, key, **changes) -> str:
    """The token's own claims with ``changes``, signed with ``key``."""
    claims = jwt.decode(token, options={"verify_signature": False})
    return jwt.encode({**claims, **changes}, key, algorithm="RS256")


def socket_for(subprotocols: list[str], headers=None, path: str = "/ws/live/"):
    return WebsocketCommunicator(
        application, path, headers=headers or [ORIGIN], subprotocols=subprotocols
    )


async def test_app_client_connects_with_a_jwt_and_receives_a_push(client, player):
    token = (await sync_to_async(app_login)(client, player.email))["access_token"]
    alice = socket_for(["casino.v1", f"bearer.{token}"])

    connected, subprotocol = await alice.connect()

    assert connected is True
    assert subprotocol == "casino.v1"  # the bearer entry is never echoed
    assert await alice.receive_json_from() == {"type": "hello", "player": player.pk}

    def push_after_commit():
        with transaction.atomic():
            push_to_player(player.pk, {"type": "test.push", "text": "hi Alice"})

    await sync_to_async(push_after_commit)()
    assert await alice.receive_json_from(timeout=3) == {"type": "test.push", "text": "hi Alice"}
    await alice.disconnect()


async def test_the_live_rps_socket_accepts_a_jwt_too(client, player):
    token = (await sync_to_async(app_login)(client, player.email))["access_token"]
    alice = socket_for(["casino.v1", f"bearer.{token}"], path="/ws/rps/")

    connected, subprotocol = await alice.connect()

    assert (connected, subprotocol) == (True, "casino.v1")
    hello = await alice.receive_json_from()
    assert hello["type"] == "hello"
    assert hello["player"] == player.pk
    await alice.disconnect()


@pytest.mark.parametrize("path", ["/ws/live/", "/ws/rps/"])
async def test_an_expired_token_is_closed_with_4401(client, player, path):
    token = (await sync_to_async(app_login)(client, player.email))["access_token"]
    # Genuinely signed with the site's key, but out of date.
    expired = resigned(token, key=settings.HEADLESS_JWT_PRIVATE_KEY, exp=int(time.time()) - 60)
    alice = socket_for(["casino.v1", f"bearer.{expired}"], path=path)

    connected, subprotocol = await alice.connect()

    # Accepted then closed, so an app client sees the code and refreshes.
    assert (connected, subprotocol) == (True, "casino.v1")
    assert await alice.receive_output(timeout=1) == {"type": "websocket.close", "code": 4401}


async def test_a_forged_token_is_closed_with_4401(client, player):
    token = (await sync_to_async(app_login)(client, player.email))["access_token"]
    mallory_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = resigned(
        token,
        key=mallory_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    alice = socket_for(["casino.v1", f"bearer.{forged}"])

    connected, _ = await alice.connect()

    assert connected is True
    assert await alice.receive_output(timeout=1) == {"type": "websocket.close", "code": 4401}


async def test_a_refresh_token_is_not_an_access_token(client, player):
    refresh = (await sync_to_async(app_login)(client, player.email))["refresh_token"]
    alice = socket_for(["casino.v1", f"bearer.{refresh}"])

    await alice.connect()

    assert await alice.receive_output(timeout=1) == {"type": "websocket.close", "code": 4401}


async def test_a_bad_token_is_not_rescued_by_a_session_cookie(client, player):
    """When a bearer entry is offered it decides alone."""

    def cookie_header():
        client.force_login(player)
        return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())

    alice = socket_for(
        ["casino.v1", "bearer.not-a-token"], [ORIGIN, await sync_to_async(cookie_header)()]
    )

    await alice.connect()

    assert await alice.receive_output(timeout=1) == {"type": "websocket.close", "code": 4401}


async def test_a_browser_session_still_works_without_subprotocols(client, player):
    def cookie_header():
        client.force_login(player)
        return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())

    alice = socket_for([], [ORIGIN, await sync_to_async(cookie_header)()])

    connected, subprotocol = await alice.connect()

    assert (connected, subprotocol) == (True, None)
    assert (await alice.receive_json_from())["type"] == "hello"
    await alice.disconnect()


async def test_a_handshake_without_origin_is_refused(client, player):
    """channels' AllowedHostsOriginValidator denies a missing Origin unless
    ALLOWED_HOSTS holds "*": app clients send the site's origin."""
    token = (await sync_to_async(app_login)(client, player.email))["access_token"]
    alice = WebsocketCommunicator(
        application, "/ws/live/", headers=[], subprotocols=["casino.v1", f"bearer.{token}"]
    )

    connected, _ = await alice.connect()

    assert connected is False


async def test_the_token_never_reaches_the_consumer_or_the_path(client, player):
    token = (await sync_to_async(app_login)(client, player.email))["access_token"]
    seen: dict = {}

    async def recording_app(scope, receive, send):
        seen.update(scope)
        await receive()
        await send({"type": "websocket.accept", "subprotocol": "casino.v1"})

    socket = WebsocketCommunicator(
        SubprotocolJWTAuthMiddleware(recording_app),
        "/ws/live/",
        headers=[ORIGIN, (b"sec-websocket-protocol", f"casino.v1, bearer.{token}".encode())],
        subprotocols=["casino.v1", f"bearer.{token}"],
    )
    await socket.connect()

    assert seen["user"].pk == player.pk
    assert seen["auth_method"] == "jwt"
    assert seen["subprotocols"] == ["casino.v1"]
    assert seen["path"] == "/ws/live/"
    assert token not in repr(seen)
    await socket.disconnect()
