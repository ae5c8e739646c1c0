"""Browser sockets are authenticated by Django's own session check, run in the
authentication threads (``casino_club.ws_auth.SocketAuthStack``).

Every connect reads the session and the user afresh (there is no cache of
either), so whatever ends a session for HTTP ends it for the next socket
too: logging out, a password change, a suspension, an unknown cookie.
"""

from __future__ import annotations

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from accounts.moderation import player_suspend
from casino_club import ws_auth
from casino_club.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    # channels_redis binds its locks to the event loop that first used them.
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def login_cookie(client, user) -> str:
    client.force_login(user)
    return client.cookies["sessionid"].value


def live_socket(cookie: str, path: str = "/ws/live/", subprotocols=None):
    headers = [ORIGIN, (b"cookie", f"sessionid={cookie}".encode())]
    return WebsocketCommunicator(application, path, headers=headers, subprotocols=subprotocols)


async def connects(cookie: str, path: str = "/ws/live/") -> bool:
    socket = live_socket(cookie, path)
    connected, code = await socket.connect()
    if connected:
        hello = await socket.receive_json_from()
        assert hello["type"] == "hello"
        await socket.disconnect()
        return True
    assert code == 4401
    return False


async def test_the_session_is_read_in_an_authentication_thread(client, player, monkeypatch):
    threads = []
    check = ws_auth._user_from_session

    def recording(scope):
        threads.append(threading.current_thread().name)
        return check(scope)

    monkeypatch.setattr(ws_auth, "_user_from_session", recording)
    cookie = await sync_to_async(login_cookie)(client, player)

    assert await connects(cookie)
    assert len(threads) == 1 and threads[0].startswith("ws-auth")


async def test_many_sockets_connect_at_once(player, other_player):
    from django.test import Client

    cookies = [
        await sync_to_async(login_cookie)(Client(), user) for user in [player, other_player] * 5
    ]
    sockets = [live_socket(cookie) for cookie in cookies]

    results = await asyncio.gather(*(socket.connect(timeout=10) for socket in sockets))
    hellos = await asyncio.gather(*(socket.receive_json_from(timeout=10) for socket in sockets))

    assert all(connected for connected, _ in results)
    assert [hello["player"] for hello in hellos] == [player.pk, other_player.pk] * 5
    await asyncio.gather(*(socket.disconnect() for socket in sockets))


async def test_an_unknown_or_malformed_cookie_is_refused(client, player):
    cookie = await sync_to_async(login_cookie)(client, player)

    assert not await connects("not-a-session-key")
    assert not await connects(cookie[:-1] + ("a" if cookie[-1] != "a" else "b"))
    assert await connects(cookie)


async def test_a_logged_out_session_cannot_connect_again(client, player):
    cookie = await sync_to_async(login_cookie)(client, player)
    assert await connects(cookie)

    await sync_to_async(client.logout)()

    assert not await connects(cookie)


async def test_a_suspended_player_cannot_connect(client, player, moderator):
    cookie = await sync_to_async(login_cookie)(client, player)
    assert await connects(cookie)
    assert await connects(cookie, "/ws/rps/")

    # player_suspend switches is_active off with a queryset update (no signal).
    await sync_to_async(player_suspend)(actor=moderator, player=player, reason="test")

    assert not await connects(cookie)
    assert not await connects(cookie, "/ws/rps/")


async def test_a_password_change_drops_the_old_session_on_reconnect(client, player):
    cookie = await sync_to_async(login_cookie)(client, player)
    assert await connects(cookie)

    def change_password():
        player.set_password("a different horse battery staple")
        player.save(update_fields=["password"])

    await sync_to_async(change_password)()

    assert not await connects(cookie)


async def test_a_bearer_token_skips_the_session(client, player, monkeypatch):
    calls = []
    monkeypatch.setattr(ws_auth, "_user_from_session", lambda scope: calls.append(scope))
    cookie = await sync_to_async(login_cookie)(client, player)
    socket = live_socket(cookie, subprotocols=["casino.v1", "bearer.not-a-token"])

    connected, _ = await socket.connect()
    if connected:  # an app client is accepted, then closed with 4401
        assert (await socket.receive_output())["code"] == 4401

    assert calls == []
