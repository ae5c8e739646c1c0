"""The socket pass (accounts/socket_pass.py): a page's signed cookie lets its
``/ws/live/`` socket skip Django's session check, and whatever ends the
session for HTTP kills the pass for the next connect, in every process.

Each test drives the real site: the pass comes from an HTTP response of the
real middleware stack, the socket from the real ASGI application.
"""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.core import signing

from accounts import socket_pass
from accounts.moderation import player_suspend
from accounts.socket_sessions import socket_sessions_forget_player
from casino_club import ws_auth
from casino_club.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")


@pytest.fixture(autouse=True)
def _socket_pass(settings):
    from channels.layers import channel_layers

    channel_layers.backends.clear()  # channels_redis binds its locks to one event loop
    settings.WS_SESSION_CACHE = True
    settings.WS_SESSION_CACHE_SECONDS = 60
    settings.WS_PASS_SECONDS = 900
    yield
    channel_layers.backends.clear()


@pytest.fixture
def checks(monkeypatch):
    """Every time Django's session check (the database path) runs for a socket."""
    calls = []
    check = ws_auth._user_from_session

    def recording(scope):
        calls.append(scope["path"])
        return check(scope)

    monkeypatch.setattr(ws_auth, "_user_from_session", recording)
    return calls


def page_cookies(client, user) -> dict[str, str]:
    """Sign in and load a page, as a browser does before opening its socket."""
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return {name: morsel.value for name, morsel in client.cookies.items() if morsel.value}


async def connect(cookies: dict[str, str], path: str = "/ws/live/"):
    """The player id the socket's ``hello`` names, or ``None`` if it was refused (4401)."""
    header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    socket = WebsocketCommunicator(
        application, path, headers=[ORIGIN, (b"cookie", header.encode())]
    )
    connected, code = await socket.connect()
    if not connected:
        assert code == 4401
        return None
    hello = await socket.receive_json_from()
    await socket.disconnect()
    return hello["player"]


def test_a_signed_in_page_carries_a_pass_and_a_fresh_one_is_not_reissued(client, player):
    cookies = page_cookies(client, player)
    name = socket_pass.socket_pass_cookie()
    payload = socket_pass.socket_pass_read(cookies[name])
    assert payload["u"] == player.pk
    assert client.cookies[name]["httponly"]

    again = client.get("/")

    assert name not in again.cookies  # still fresh: nothing sent, nothing read from Redis


def test_an_anonymous_page_has_no_pass_and_a_logout_removes_it(client, player):
    name = socket_pass.socket_pass_cookie()
    assert name not in client.get("/").cookies

    page_cookies(client, player)
    response = client.post("/accounts/logout/")

    assert response.cookies[name].value == ""  # deleted


async def test_a_pass_lets_the_socket_skip_the_database(client, player, checks):
    cookies = await sync_to_async(page_cookies)(client, player)

    assert await connect(cookies) == player.pk
    assert await connect(cookies) == player.pk

    assert checks == []


async def test_without_its_pass_a_session_is_checked_by_django(client, player, checks):
    cookies = await sync_to_async(page_cookies)(client, player)
    del cookies[socket_pass.socket_pass_cookie()]

    assert await connect(cookies) == player.pk
    assert checks == ["/ws/live/"]


async def test_a_pass_is_worthless_with_another_sessions_cookie(
    client, player, other_player, checks
):
    from django.test import Client

    mine = await sync_to_async(page_cookies)(client, player)
    theirs = await sync_to_async(page_cookies)(Client(), other_player)
    name = socket_pass.socket_pass_cookie()

    # The other player's session with my pass: the pass does not hold, their own session does.
    assert await connect({"sessionid": theirs["sessionid"], name: mine[name]}) == other_player.pk
    # My pass with no session at all, or an unknown one: refused.
    assert await connect({name: mine[name]}) is None
    assert await connect({"sessionid": "not-a-session-key", name: mine[name]}) is None
    assert checks == ["/ws/live/", "/ws/live/", "/ws/live/"]


async def test_a_tampered_or_expired_pass_is_not_trusted(client, player, checks, monkeypatch):
    cookies = await sync_to_async(page_cookies)(client, player)
    name, session_key = socket_pass.socket_pass_cookie(), cookies["sessionid"]
    payload = socket_pass.socket_pass_read(cookies[name])
    vouches = sync_to_async(socket_pass.socket_pass_user_id)
    assert await vouches(token=cookies[name], session_key=session_key) == player.pk

    forged = signing.dumps({**payload, "u": payload["u"] + 1}, salt="another salt")
    tampered = cookies[name][:-2] + "xx"
    assert await vouches(token=forged, session_key=session_key) is None
    assert await vouches(token=tampered, session_key=session_key) is None
    assert await connect({**cookies, name: forged}) == player.pk  # Django's check, not the pass
    assert checks == ["/ws/live/"]

    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + 901)
    assert await vouches(token=cookies[name], session_key=session_key) is None


async def test_a_logout_kills_the_pass(client, player):
    cookies = await sync_to_async(page_cookies)(client, player)
    assert await connect(cookies) == player.pk

    await sync_to_async(client.logout)()

    assert await connect(cookies) is None


async def test_a_deleted_session_kills_the_pass(client, player):
    from django.contrib.sessions.models import Session

    cookies = await sync_to_async(page_cookies)(client, player)
    assert await connect(cookies) == player.pk

    # As the admin or clearsessions would: no logout signal, only the row's delete.
    await sync_to_async(lambda: Session.objects.filter(session_key=cookies["sessionid"]).delete())()

    assert await connect(cookies) is None


async def test_a_suspension_kills_the_pass(client, player, moderator):
    cookies = await sync_to_async(page_cookies)(client, player)
    assert await connect(cookies) == player.pk

    await sync_to_async(player_suspend)(actor=moderator, player=player, reason="test")

    assert await connect(cookies) is None


async def test_a_password_change_kills_the_pass(client, player):
    cookies = await sync_to_async(page_cookies)(client, player)
    assert await connect(cookies) == player.pk

    def change_password():
        player.set_password("a different horse battery staple")
        player.save(update_fields=["password"])

    await sync_to_async(change_password)()

    assert await connect(cookies) is None


async def test_lost_generations_turn_a_pass_into_a_database_check(client, player, checks):
    from django.core.cache import cache

    cookies = await sync_to_async(page_cookies)(client, player)

    await sync_to_async(cache.clear)()  # Redis restarted, or evicted them

    assert await connect(cookies) == player.pk
    assert checks == ["/ws/live/"]


async def test_the_rps_socket_never_takes_a_pass(client, player, checks):
    cookies = await sync_to_async(page_cookies)(client, player)

    assert await connect(cookies, "/ws/rps/") == player.pk
    assert checks == ["/ws/rps/"]


def test_a_change_committed_while_a_pass_is_issued_leaves_it_untrusted(client, player, monkeypatch):
    """The generations are taken before the rows are read, so the pass names the old one."""
    client.force_login(player)
    session_key = client.cookies["sessionid"].value
    real_get_user = socket_pass.get_user

    def check_while_a_suspension_commits(request):
        user = real_get_user(request)
        socket_sessions_forget_player(player_id=player.pk)  # commits meanwhile
        return user

    monkeypatch.setattr(socket_pass, "get_user", check_while_a_suspension_commits)
    token = socket_pass.socket_pass_issue(session_key=session_key)
    monkeypatch.setattr(socket_pass, "get_user", real_get_user)

    assert socket_pass.socket_pass_read(token)["u"] == player.pk  # well signed, but:
    assert socket_pass.socket_pass_user_id(token=token, session_key=session_key) is None
    fresh = socket_pass.socket_pass_issue(session_key=session_key)
    assert socket_pass.socket_pass_user_id(token=fresh, session_key=session_key) == player.pk


def test_a_pass_past_half_its_life_is_reissued(client, player, monkeypatch):
    name = socket_pass.socket_pass_cookie()
    first = page_cookies(client, player)[name]
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + 451)

    response = client.get("/")

    renewed = response.cookies[name].value
    assert renewed and renewed != first
    assert socket_pass.socket_pass_read(renewed)["u"] == player.pk


def test_api_calls_and_redirects_never_spend_a_check_on_a_pass(client, player):
    name = socket_pass.socket_pass_cookie()
    client.force_login(player)

    assert client.get("/api/users/me").status_code == 200
    assert name not in client.cookies
    assert client.get("/wallet").status_code in (301, 302)  # APPEND_SLASH
    assert name not in client.cookies


def test_no_pass_without_the_session_cache(client, player, settings):
    settings.WS_SESSION_CACHE = False
    client.force_login(player)

    assert socket_pass.socket_pass_cookie() not in client.get("/").cookies


async def test_with_redis_a_pass_is_checked_on_the_event_loop(client, player, monkeypatch):
    """No hop to the authentication threads at all: the signature, then one Redis MGET."""
    from django.conf import settings

    if "Redis" not in settings.CACHES["default"]["BACKEND"]:
        pytest.skip("the event-loop check needs the Redis cache")
    threaded = []
    real = ws_auth._user_from_session_cached

    def recording(scope, **kwargs):
        threaded.append(scope["path"])
        return real(scope, **kwargs)

    monkeypatch.setattr(ws_auth, "_user_from_session_cached", recording)
    cookies = await sync_to_async(page_cookies)(client, player)

    assert await connect(cookies) == player.pk
    assert threaded == []
    await sync_to_async(client.logout)()
    assert await connect(cookies) is None
    assert threaded == ["/ws/live/"]  # a dead pass: Django's check decides
