"""WebSocket authentication for app clients: the allauth JWT in a subprotocol.

Browsers authenticate their sockets with the session cookie
(``SocketAuthStack`` below, channels' ``AuthMiddlewareStack`` with the
session read in a pool of threads). App clients have an allauth headless
access token instead (``POST /_allauth/app/v1/auth/login`` → ``meta.access_token``), and a
WebSocket handshake cannot carry an ``Authorization`` header from a browser
API, while a token in the query string ends up in every access log on the
way (proxy, ASGI server). So the token travels in ``Sec-WebSocket-Protocol``:

    client offers   Sec-WebSocket-Protocol: casino.v1, bearer.<access token>
    server answers  Sec-WebSocket-Protocol: casino.v1

The server never selects (so never echoes) the ``bearer.`` entry, and
:class:`SubprotocolJWTAuthMiddleware` removes it from the scope before the
consumer runs, so no consumer, log line or error report downstream sees it.
When a bearer entry is offered it decides alone: a valid token sets
``scope["user"]``, anything else (expired, forged, unknown user) leaves an
anonymous user and ``scope["auth_error"] = "invalid_token"``; the session
cookie is not consulted then. Consumers accept with
``casino_club.kit.sockets.accepted_subprotocol`` and refuse with 4401
(``close_unauthenticated``), so an app sees the code and refreshes its token
(``POST /_allauth/app/v1/tokens/refresh``).

The token is checked once, at connect: an open socket outlives its access
token (15 minutes), as a session socket outlives a logout in another tab.

``AllowedHostsOriginValidator`` (outermost in ``asgi.py``) refuses a
handshake without an ``Origin`` header unless ``ALLOWED_HOSTS`` holds ``"*"``
(channels/security/websocket.py: ``parsed_origin is None`` → denied), so app
clients send ``Origin: https://<the site>`` like a browser does.

Both the session and the token are resolved in a small pool of threads of
their own (``WS_AUTH_THREADS``, default 4), not in the one thread that
``database_sync_to_async`` shares with every consumer of the process: a
burst of connects (a proxy restart, 1,000 pages reconnecting) then reads
sessions and users from the database in parallel instead of one at a time.
The check itself is Django's, unchanged (docs/live.md, "How a socket is
authenticated").
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from channels.auth import AuthMiddleware, get_user
from channels.db import DatabaseSyncToAsync
from channels.middleware import BaseMiddleware
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

BEARER_PREFIX = "bearer."
DEFAULT_AUTH_THREADS = 4

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def auth_executor() -> ThreadPoolExecutor:
    """The process's socket-authentication threads (made on first use).

    Each thread holds at most one database connection (closed or returned to
    the pool by ``close_old_connections`` as for any request), so the pool's
    size bounds the connections a burst of connects can take.
    """
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=int(getattr(settings, "WS_AUTH_THREADS", DEFAULT_AUTH_THREADS)),
                thread_name_prefix="ws-auth",
            )
        return _executor


def in_auth_thread(func):
    """``func`` as a coroutine run in one of the authentication threads.

    ``DatabaseSyncToAsync`` (what ``database_sync_to_async`` is) with
    ``thread_sensitive=False``: the call is self-contained (reads, and at
    most the session flush Django does for a stale auth hash, in autocommit),
    so it needs none of the shared thread's guarantees.
    """
    return DatabaseSyncToAsync(func, thread_sensitive=False, executor=auth_executor())


def offers_bearer(scope) -> bool:
    return any(entry.startswith(BEARER_PREFIX) for entry in scope.get("subprotocols") or ())


def _user_from_access_token(token: str):
    """The active user an allauth access token names, or ``None``.

    The same validation as allauth's ``JWTTokenAuthentication`` for DRF
    (signature, expiry, ``token_use == "access"``).
    """
    from allauth.headless.tokens.strategies.jwt.internal import validate_access_token
    from django.core.exceptions import ObjectDoesNotExist

    result = validate_access_token(token)
    if result is None:
        return None
    lazy_user, _payload = result
    try:
        is_active = lazy_user.is_active  # loads the row
    except ObjectDoesNotExist:
        return None
    if not is_active:
        return None
    return getattr(lazy_user, "_wrapped", lazy_user)


async def user_from_access_token(token: str):
    return await in_auth_thread(_user_from_access_token)(token)


# channels.auth.get_user is Django's session check (session → user id and
# backend → the user, active, whose session auth hash matches) wrapped in
# database_sync_to_async; its function runs here in the pool instead.
_user_from_session = get_user.func


# Sockets whose consumer needs only the player's id: their sessions may be
# answered from the cache (accounts/socket_sessions.py) with a SocketUser.
CACHED_SESSION_PATHS = frozenset({"/ws/live/"})


def _user_from_session_cached(scope, *, pass_checked: bool = False):
    """A socket pass's or a trusted cache entry's ``SocketUser``, else Django's check.

    The pass (accounts/socket_pass.py) is the page's own signed cookie, checked
    with one Redis round trip; Django's check is remembered when it passes.
    """
    from accounts.socket_pass import socket_pass_cookie, socket_pass_enabled, socket_pass_user_id
    from accounts.socket_sessions import SocketUser, session_user_id_cached, session_user_resolve

    session = scope["session"]
    if socket_pass_enabled() and not pass_checked:
        token = (scope.get("cookies") or {}).get(socket_pass_cookie())
        user_id = socket_pass_user_id(token=token, session_key=session.session_key)
        if user_id is not None:
            return SocketUser(user_id)
    user_id = session_user_id_cached(session_key=session.session_key)
    if user_id is not None:
        return SocketUser(user_id)
    return session_user_resolve(session=session, check=lambda _session: _user_from_session(scope))


class SessionAuthMiddleware(AuthMiddleware):
    """channels' ``AuthMiddleware`` resolving the session in the pool.

    When the handshake offers a ``bearer.`` token the session is not read at
    all: the token decides alone (``SubprotocolJWTAuthMiddleware``). On
    ``CACHED_SESSION_PATHS``, with ``WS_SESSION_CACHE`` on, a session Django's
    check passed recently is answered from the cache without the database.
    """

    async def resolve_scope(self, scope):
        from accounts.socket_pass import (
            NOT_CHECKED,
            socket_pass_cookie,
            socket_pass_enabled,
            socket_pass_user_id_async,
        )
        from accounts.socket_sessions import SocketUser, socket_session_cache_enabled

        if scope["type"] == "websocket" and offers_bearer(scope):
            scope["user"]._wrapped = AnonymousUser()
            return
        resolve = _user_from_session
        if scope.get("path") in CACHED_SESSION_PATHS and socket_session_cache_enabled():
            # The page's socket pass first, on the event loop: a signature and
            # one Redis round trip, no thread (accounts/socket_pass.py).
            pass_checked = False
            if socket_pass_enabled():
                token = (scope.get("cookies") or {}).get(socket_pass_cookie())
                user_id = await socket_pass_user_id_async(
                    token=token, session_key=scope["session"].session_key
                )
                if user_id is not NOT_CHECKED and user_id is not None:
                    scope["user"]._wrapped = SocketUser(user_id)
                    return
                pass_checked = user_id is not NOT_CHECKED

            def resolve(scope):
                return _user_from_session_cached(scope, pass_checked=pass_checked)

        scope["user"]._wrapped = await in_auth_thread(resolve)(scope)


def SocketAuthStack(inner):
    """Cookies, the session, the session's user (in the pool), then the JWT."""
    return CookieMiddleware(SessionMiddleware(SessionAuthMiddleware(inner)))


class SubprotocolJWTAuthMiddleware(BaseMiddleware):
    """Authenticates a socket from a ``bearer.<token>`` subprotocol entry, if offered.

    Sits inside ``SocketAuthStack`` so that, when a token is offered, it
    replaces the session's user; without one the session's user stands.
    """

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.inner(scope, receive, send)
        offered = list(scope.get("subprotocols") or [])
        tokens = [e.removeprefix(BEARER_PREFIX) for e in offered if e.startswith(BEARER_PREFIX)]
        if not tokens:
            return await self.inner(scope, receive, send)
        kept = [entry for entry in offered if not entry.startswith(BEARER_PREFIX)]
        headers = [
            (name, value)
            for name, value in scope.get("headers", [])
            if name != b"sec-websocket-protocol"
        ]
        if kept:
            headers.append((b"sec-websocket-protocol", ", ".join(kept).encode("latin1")))
        user = await user_from_access_token(tokens[0]) if len(tokens) == 1 else None
        scope = {
            **scope,
            "subprotocols": kept,
            "headers": headers,
            "user": user or AnonymousUser(),
            "auth_method": "jwt",
            "auth_error": None if user else "invalid_token",
        }
        return await self.inner(scope, receive, send)
