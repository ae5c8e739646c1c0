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


# --- the cache of recent session checks (accounts/socket_sessions.py) -----------


@pytest.fixture
def session_cache(settings):
    settings.WS_SESSION_CACHE = True
    settings.WS_SESSION_CACHE_SECONDS = 60


@pytest.fixture
def checks(monkeypatch):
    """Every time Django's session check (the database path) runs."""
    calls = []
    check = ws_auth._user_from_session

    def recording(scope):
        calls.append(scope["path"])
        return check(scope)

    monkeypatch.setattr(ws_auth, "_user_from_session", recording)
    return calls


def cached_entry(cookie: str):
    from django.core.cache import cache

    from accounts.socket_sessions import ENTRY, session_digest

    return cache.get(ENTRY + session_digest(cookie))


async def test_a_recent_check_is_reused_without_the_database(client, player, session_cache, checks):
    cookie = await sync_to_async(login_cookie)(client, player)

    assert await connects(cookie)
    assert await connects(cookie)
    assert await connects(cookie)

    assert checks == ["/ws/live/"]
    assert (await sync_to_async(cached_entry)(cookie))["user"] == player.pk


async def test_the_rps_socket_never_uses_the_cache(client, player, session_cache, checks):
    cookie = await sync_to_async(login_cookie)(client, player)

    assert await connects(cookie, "/ws/rps/")
    assert await connects(cookie, "/ws/rps/")

    assert checks == ["/ws/rps/", "/ws/rps/"]


async def test_the_cache_is_off_without_the_setting(client, player, settings, checks):
    settings.WS_SESSION_CACHE = False
    cookie = await sync_to_async(login_cookie)(client, player)

    assert await connects(cookie)
    assert await connects(cookie)

    assert checks == ["/ws/live/", "/ws/live/"]


async def test_a_suspended_player_cannot_connect_with_a_cached_session(
    client, player, moderator, session_cache, checks
):
    cookie = await sync_to_async(login_cookie)(client, player)
    assert await connects(cookie)
    assert await sync_to_async(cached_entry)(cookie) is not None

    await sync_to_async(player_suspend)(actor=moderator, player=player, reason="test")

    assert not await connects(cookie)
    assert checks == ["/ws/live/", "/ws/live/"]  # the entry was not trusted


async def test_a_logged_out_session_cannot_connect_with_a_cached_entry(
    client, player, session_cache
):
    cookie = await sync_to_async(login_cookie)(client, player)
    assert await connects(cookie)
    assert await sync_to_async(cached_entry)(cookie) is not None

    await sync_to_async(client.logout)()

    assert not await connects(cookie)


async def test_a_deleted_session_cannot_connect_with_a_cached_entry(client, player, session_cache):
    from django.contrib.sessions.models import Session

    cookie = await sync_to_async(login_cookie)(client, player)
    assert await connects(cookie)

    # As an admin or clearsessions would: no logout signal, only the row's delete.
    await sync_to_async(lambda: Session.objects.filter(session_key=cookie).delete())()

    assert not await connects(cookie)


async def test_a_password_change_drops_a_cached_session(client, player, session_cache):
    cookie = await sync_to_async(login_cookie)(client, player)
    assert await connects(cookie)
    assert await sync_to_async(cached_entry)(cookie) is not None

    def change_password():
        player.set_password("a different horse battery staple")
        player.save(update_fields=["password"])

    await sync_to_async(change_password)()

    assert not await connects(cookie)


async def test_a_wrong_cookie_is_refused_with_the_cache_on(client, player, session_cache):
    from django.core.cache import cache

    from accounts.socket_sessions import ENTRY, session_digest

    cookie = await sync_to_async(login_cookie)(client, player)
    assert await connects(cookie)
    wrong = cookie[:-1] + ("a" if cookie[-1] != "a" else "b")
    # Even an entry for the wrong key is not enough without its generations.
    entry = {"user": player.pk, "session_generation": "x", "user_generation": "y", "expires": 1e12}
    await sync_to_async(cache.set)(ENTRY + session_digest(wrong), entry)

    assert not await connects(wrong)
    assert not await connects("not-a-session-key")
    assert await connects(cookie)


def test_a_change_committed_during_a_miss_leaves_its_entry_untrusted(client, player, settings):
    """The generations are read before the rows, so the entry carries the old one."""
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.socket_sessions import (
        session_user_id_cached,
        session_user_resolve,
        socket_sessions_forget_player,
    )

    settings.WS_SESSION_CACHE = True
    cookie = login_cookie(client, player)

    def check_while_a_suspension_commits(session):
        user = ws_auth._user_from_session({"session": session})
        socket_sessions_forget_player(player_id=player.pk)  # commits meanwhile
        return user

    user = session_user_resolve(
        session=SessionStore(cookie), check=check_while_a_suspension_commits
    )

    assert user.pk == player.pk
    assert session_user_id_cached(session_key=cookie) is None
    session_user_resolve(session=SessionStore(cookie), check=lambda s: player)
    assert session_user_id_cached(session_key=cookie) == player.pk


def test_an_entry_is_not_trusted_past_its_expiry_or_without_its_generations(
    client, player, settings
):
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.cache import cache

    from accounts.socket_sessions import (
        ENTRY,
        SESSION_GENERATION,
        USER_GENERATION,
        session_digest,
        session_user_id_cached,
        session_user_resolve,
    )

    settings.WS_SESSION_CACHE = True
    cookie = login_cookie(client, player)
    session_user_resolve(session=SessionStore(cookie), check=lambda s: player)
    assert session_user_id_cached(session_key=cookie) == player.pk

    entry = cache.get(ENTRY + session_digest(cookie))
    cache.set(ENTRY + session_digest(cookie), {**entry, "expires": 1.0})
    assert session_user_id_cached(session_key=cookie) is None

    cache.set(ENTRY + session_digest(cookie), entry)
    cache.delete(USER_GENERATION + str(player.pk))  # evicted
    assert session_user_id_cached(session_key=cookie) is None

    cache.set(USER_GENERATION + str(player.pk), entry["user_generation"])
    cache.delete(SESSION_GENERATION + session_digest(cookie))
    assert session_user_id_cached(session_key=cookie) is None


def test_an_entry_never_outlives_its_session(client, player, settings):
    import time

    from django.contrib.sessions.backends.db import SessionStore

    from accounts.socket_sessions import session_user_id_cached, session_user_resolve

    settings.WS_SESSION_CACHE = True
    cookie = login_cookie(client, player)
    session = SessionStore(cookie)
    session.set_expiry(5)
    session.save()
    session_user_resolve(session=SessionStore(cookie), check=lambda s: player)

    assert cached_entry(cookie)["expires"] <= time.time() + 5
    assert session_user_id_cached(session_key=cookie) == player.pk
