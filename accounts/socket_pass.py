"""The socket pass: a signed cookie that lets ``/ws/live/`` trust a session without the database.

A page opens its live socket right after it was served. Serving it, Django
already checked the session; the socket's connect would check it again
(two queries: the session row, the user row). So an HTTP response to a
player signed in by session carries a pass, a cookie ``WS_PASS_COOKIE``
(default ``cc_live``):

    signed (SECRET_KEY, salt "accounts.socket_pass", with its time) {
        "u": player id,
        "s": SHA-256 of the session key (the first 32 hex digits),
        "sg": the session's generation, "ug": the user's generation,
    }

Issuing it is a fresh check on purpose: the generations are taken, then the
session and user rows are read again (``socket_sessions.session_check``), so
a change that commits meanwhile replaces a generation the pass already
names, and the pass is never trusted. A connect trusts a pass when the
signature holds, it is younger than ``WS_PASS_SECONDS`` (default 900 s, the
lifetime of an app's access token), it names the hash of the session cookie
sent with it (a pass without its session cookie is worthless), and both
generations are still current in Redis (one round trip). Anything else
falls back to the cache entry, then to Django's check.

Revocation is the generations' (accounts/socket_sessions.py): a logout,
a flushed or deleted session, a password change, a suspension replace one
of them after commit, and every pass naming the old one is dead at once, in
every process. The window the module docstring there describes (Redis
partitioned away with its data while a change commits) is as long as a
pass lives: at most ``WS_PASS_SECONDS``, never longer than an app's JWT,
which cannot be revoked at all.

Only pages carry a pass (a ``GET`` answered 200 with HTML: what opens a
socket next); API calls, redirects and errors never spend a check on one.
The pass is re-issued when missing, foreign (another session or player), or
past half its life, so an active page keeps a valid one; the check on an
ordinary page is a signature check in memory (no Redis, no database).
A response to a request without a signed-in session deletes a stale pass.
Off with ``WS_SESSION_CACHE`` (which also needs Redis).
"""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user
from django.core import signing
from django.utils.module_loading import import_string

from accounts.socket_sessions import (
    generations_current,
    generations_current_async,
    session_check,
    session_digest,
    socket_pass_seconds,
    socket_session_cache_enabled,
)

SALT = "accounts.socket_pass"
DEFAULT_COOKIE = "cc_live"
DIGEST_LENGTH = 32


def socket_pass_cookie() -> str:
    return getattr(settings, "WS_PASS_COOKIE", DEFAULT_COOKIE)


def socket_pass_enabled() -> bool:
    return socket_session_cache_enabled() and socket_pass_seconds() > 0


def _short(digest: str) -> str:
    return digest[:DIGEST_LENGTH]


def socket_pass_read(token: str | None, *, max_age: int | None = None) -> dict | None:
    """The payload of a well-signed, unexpired pass, else ``None``."""
    if not token:
        return None
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age or socket_pass_seconds())
    except signing.BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    return payload


def _own_pass(token: str | None, session_key: str | None) -> tuple[dict, str] | None:
    """A well-signed, unexpired pass naming this session cookie: (payload, digest) or ``None``."""
    if not session_key:
        return None
    payload = socket_pass_read(token)
    if payload is None:
        return None
    digest = session_digest(session_key)
    if payload.get("s") != _short(digest):
        return None
    return payload, digest


def _vouches(payload: dict, generations: tuple[str | None, str | None]) -> int | None:
    """The pass's player if both generations it names are still current, else ``None``."""
    session_generation, user_generation = generations
    if session_generation is None or session_generation != payload.get("sg"):
        return None
    if user_generation is None or user_generation != payload.get("ug"):
        return None
    return payload["u"]


def socket_pass_user_id(*, token: str | None, session_key: str | None) -> int | None:
    """The player a pass vouches for, if it holds for this session cookie now; else ``None``."""
    own = _own_pass(token, session_key)
    if own is None:
        return None
    payload, digest = own
    return _vouches(payload, generations_current(digest=digest, user_id=payload["u"]))


NOT_CHECKED = object()  # the async check could not ask Redis: take the threaded one


async def socket_pass_user_id_async(*, token: str | None, session_key: str | None):
    """``socket_pass_user_id`` on the event loop; ``NOT_CHECKED`` when Redis cannot be asked so.

    No thread hop: the signature is checked in memory and the generations
    are read with the loop's own Redis client (``generations_current_async``).
    """
    own = _own_pass(token, session_key)
    if own is None:
        return None
    payload, digest = own
    found = await generations_current_async(digest=digest, user_id=payload["u"])
    return NOT_CHECKED if found is None else _vouches(payload, found)


def socket_pass_issue(*, session_key: str) -> str | None:
    """A new pass for the session ``session_key`` after a fresh check, or ``None`` if it fails."""
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")(session_key)
    checked = session_check(
        session=store, check=lambda session: get_user(SimpleNamespace(session=session))
    )
    if checked is None or not checked.trustworthy:
        return None
    payload = {
        "u": checked.user.pk,
        "s": _short(checked.digest),
        "sg": checked.session_generation,
        "ug": checked.user_generation,
    }
    return signing.dumps(payload, salt=SALT, compress=False)


def _holds_for(token: str | None, *, user_id: int, session_key: str) -> bool:
    """Is this request's pass its own and younger than half its life (no Redis)?"""
    payload = socket_pass_read(token, max_age=max(1, socket_pass_seconds() // 2))
    return (
        payload is not None
        and payload["u"] == user_id
        and payload.get("s") == _short(session_digest(session_key))
    )


def _opens_a_socket(request, response) -> bool:
    """A page served whole (an HTML ``GET``): what opens a live socket next."""
    return (
        request.method == "GET"
        and response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
    )


class SocketPassMiddleware:
    """Keeps a signed-in page's socket pass fresh; removes a stale one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not socket_pass_enabled():
            return response
        name = socket_pass_cookie()
        token = request.COOKIES.get(name)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is None or session is None:
            return response  # answered before authentication ran
        session_key = session.session_key
        if not user.is_authenticated or not session_key:
            if token:
                response.delete_cookie(name, samesite="Lax")
            return response
        if not _opens_a_socket(request, response) or _holds_for(
            token, user_id=user.pk, session_key=session_key
        ):
            return response
        issued = socket_pass_issue(session_key=session_key)
        if issued is None:
            if token:
                response.delete_cookie(name, samesite="Lax")
            return response
        response.set_cookie(
            name,
            issued,
            max_age=socket_pass_seconds(),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response
