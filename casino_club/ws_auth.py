"""WebSocket authentication for app clients: the allauth JWT in a subprotocol.

Browsers authenticate their sockets with the session cookie
(``AuthMiddlewareStack``). App clients have an allauth headless access token
instead (``POST /_allauth/app/v1/auth/login`` → ``meta.access_token``), and a
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
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser

BEARER_PREFIX = "bearer."


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


user_from_access_token = database_sync_to_async(_user_from_access_token)


class SubprotocolJWTAuthMiddleware(BaseMiddleware):
    """Authenticates a socket from a ``bearer.<token>`` subprotocol entry, if offered.

    Sits inside ``AuthMiddlewareStack`` so that, when a token is offered, it
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
