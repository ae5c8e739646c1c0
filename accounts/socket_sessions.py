"""A short-lived cache of who a session is, so ``/ws/live/`` connects skip the database.

A page's socket connects with the session cookie. Django's check reads the
session row and the user row (the user must exist, be active, and the
session's auth hash must match the user's current password). Done for every
connect, 1,000 pages reconnecting after a proxy restart make 2,000 queries,
which is most of what opening a socket costs (docs/benchmarks.md, "Live").

So once Django's check has passed for a session, its answer is kept in the
cache (Redis, shared by every process) for ``WS_SESSION_CACHE_SECONDS``
(default 60 s, never past the session's own expiry). The entry is trusted
only while two *generations* it was written under are still current:

- the session's, ``ws:session-gen:<sha256 of the key>``, replaced when that
  session row is saved or deleted (logout, ``flush``, ``cycle_key``,
  ``clearsessions``, an admin deleting it) and on ``user_logged_out``;
- the user's, ``ws:user-gen:<id>``, replaced when the user row is saved or
  deleted (a password change, ``is_active`` from a form or the admin) and by
  :func:`socket_sessions_forget_player`, which every queryset ``update`` of
  ``is_active`` or ``password`` must call (the suspension does:
  ``accounts.moderation``).

Replacements run after the change commits. A connect that misses takes both
generations *before* it reads the rows (it writes a fresh one for the
session, reads the user's), so a change that commits meanwhile leaves its
entry under an old generation, never trusted. A missing
generation (expired, evicted, Redis restarted) is a miss too: every doubt
falls back to Django's own check. Keys hold the SHA-256 of the session key,
never the key itself.

The one window left: while Redis is unreachable the replacements cannot be
written (``casino_club.cache`` answers as an empty cache), so if Redis comes
back with its data (a network partition rather than a restart), an entry
written before the outage may be trusted for up to the TTL after a change
made during it. Connects during the outage itself read the database.

Enabled by ``WS_SESSION_CACHE`` (default: on when ``REDIS_URL`` is set; the
in-process cache of the embedded default is not shared with the Celery
worker or ``manage.py``, which could change a user without this process
hearing of it).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.db import transaction

ENTRY = "ws:session:"
SESSION_GENERATION = "ws:session-gen:"
USER_GENERATION = "ws:user-gen:"
DEFAULT_SECONDS = 60


class _ProcessCache:
    """The default cache, one client for the whole process.

    ``django.core.cache.cache`` is context-local (asgiref ``Local``): each
    socket's connect runs in a context of its own, so it would make a cache
    client, a Redis connection pool and a TCP connection per connect, and
    keep them as long as the socket lives. One client is shared instead
    (redis-py's pool is thread-safe; so is ``LocMemCache``).
    """

    _client = None

    def __getattr__(self, name):
        if _ProcessCache._client is None:
            _ProcessCache._client = caches.create_connection("default")
        return getattr(_ProcessCache._client, name)


cache = _ProcessCache()


@dataclass(frozen=True)
class SocketUser:
    """The player a cached session names: the id, and nothing else.

    What ``/ws/live/`` needs (its groups, the topic check). Code that needs
    the user's row reads it, as the ``/ws/rps/`` socket does (it is never
    served from this cache).
    """

    pk: int
    is_authenticated = True
    is_anonymous = False
    is_active = True

    @property
    def id(self) -> int:
        return self.pk


def socket_session_cache_seconds() -> int:
    return int(getattr(settings, "WS_SESSION_CACHE_SECONDS", DEFAULT_SECONDS))


def socket_pass_seconds() -> int:
    """How long a socket pass (accounts/socket_pass.py) is trusted; 0 turns passes off."""
    return int(getattr(settings, "WS_PASS_SECONDS", 900))


def socket_session_cache_enabled() -> bool:
    return bool(getattr(settings, "WS_SESSION_CACHE", False)) and socket_session_cache_seconds() > 0


def session_digest(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


def generation_seconds() -> int:
    """How long a generation lives: twice the longest thing written under it.

    Entries live ``WS_SESSION_CACHE_SECONDS``, socket passes
    (accounts/socket_pass.py) ``WS_PASS_SECONDS``; a generation that expires
    first only turns them into misses.
    """
    return 2 * max(socket_session_cache_seconds(), socket_pass_seconds())


def _generation(key: str) -> str | None:
    """The current generation under ``key``, made if there is none."""
    return cache.get_or_set(key, secrets.token_urlsafe(12), timeout=generation_seconds())


def _replace_generation(key: str) -> str:
    generation = secrets.token_urlsafe(12)
    cache.set(key, generation, timeout=generation_seconds())
    return generation


# Per event loop: redis.asyncio clients belong to the loop that made them.
_async_clients: dict[int, object] = {}


def _async_client():
    """The loop's asyncio client of the cache's Redis, or ``None`` (not Redis, or Redis down)."""
    import asyncio

    location = getattr(cache, "_location", None)  # ResilientRedisCache's; None for others
    if location is None or not cache.is_available():
        return None
    loop = asyncio.get_running_loop()
    client = _async_clients.get(id(loop))
    if client is None or client._loop is not loop:
        from redis import asyncio as redis_asyncio

        options = cache._options or {}
        client = redis_asyncio.Redis.from_url(
            location,
            socket_connect_timeout=options.get("socket_connect_timeout", 2),
            socket_timeout=options.get("socket_timeout", 2),
        )
        client._loop = loop
        _async_clients.clear()  # a finished loop's client is of no use any more
        _async_clients[id(loop)] = client
    return client


async def generations_current_async(*, digest: str, user_id: int):
    """``generations_current`` on the event loop, no thread; ``None`` when it cannot ask Redis.

    Reads the keys the cache wrote (its key function, its serializer), so
    the two paths agree; any error is ``None`` and the caller takes the
    threaded path, which knows how to treat an outage.
    """
    from redis.exceptions import RedisError

    client = _async_client()
    if client is None:
        return None
    session_key, user_key = SESSION_GENERATION + digest, USER_GENERATION + str(user_id)
    try:
        raw = await client.mget(
            [cache.make_and_validate_key(session_key), cache.make_and_validate_key(user_key)]
        )
    except (RedisError, OSError, TimeoutError):  # any doubt: the threaded path decides
        return None
    serializer = cache._cache._serializer  # Django's RedisSerializer: the cache's own format
    return tuple(None if value is None else serializer.loads(value) for value in raw)


def generations_current(*, digest: str, user_id: int) -> tuple[str | None, str | None]:
    """The session's and the user's current generations (``None`` where missing), one round trip."""
    session_key, user_key = SESSION_GENERATION + digest, USER_GENERATION + str(user_id)
    found = cache.get_many([session_key, user_key])
    return found.get(session_key), found.get(user_key)


def session_user_id_cached(*, session_key: str | None) -> int | None:
    """The player id a still-trusted entry holds for ``session_key``, or ``None`` (a miss)."""
    if not session_key:
        return None
    digest = session_digest(session_key)
    found = cache.get_many([ENTRY + digest, SESSION_GENERATION + digest])
    entry = found.get(ENTRY + digest)
    if (
        not isinstance(entry, dict)
        or entry.get("session_generation") is None
        or entry["session_generation"] != found.get(SESSION_GENERATION + digest)
        or entry.get("expires", 0) <= time.time()
    ):
        return None
    user_generation = cache.get(USER_GENERATION + str(entry["user"]))
    if user_generation is None or user_generation != entry.get("user_generation"):
        return None
    return entry["user"]


@dataclass(frozen=True)
class CheckedSession:
    """Django's answer for a session, and the generations taken before its rows were read."""

    user: object
    digest: str
    session_generation: str | None
    user_generation: str | None
    session_expiry: float

    @property
    def trustworthy(self) -> bool:
        return (
            self.user.is_authenticated
            and self.session_generation is not None
            and self.user_generation is not None
        )


def session_check(*, session, check) -> CheckedSession | None:
    """Django's check of ``session`` (``check(session)`` → a user) under fresh generations.

    ``None`` when the session has no key (nothing to remember). The
    generations are taken before the rows are read (see the module's
    docstring), so what is remembered under them is never newer than a
    change that replaced them. ``session`` must not be loaded yet.
    """
    session_key = session.session_key
    if not session_key:
        return None
    digest = session_digest(session_key)
    # A fresh session generation (one write, no read): it can only distrust
    # older entries and passes of this session, and this check reads the rows anyway.
    session_generation = _replace_generation(SESSION_GENERATION + digest)
    session_expiry = _session_load(session)  # reads the session row
    user_id = session.get(SESSION_KEY)
    user_generation = None
    if user_id is not None:
        user_generation = _generation(USER_GENERATION + str(user_id))
        cache.touch(USER_GENERATION + str(user_id), generation_seconds())
    user = check(session)  # reads the user row, compares the auth hash
    return CheckedSession(user, digest, session_generation, user_generation, session_expiry)


def session_user_resolve(*, session, check):
    """Django's check of ``session`` (``check(session)`` → a user), remembered when it passes."""
    checked = session_check(session=session, check=check)
    if checked is None:
        return check(session)
    if not checked.trustworthy:
        return checked.user
    expires = min(time.time() + socket_session_cache_seconds(), checked.session_expiry)
    if expires > time.time():
        cache.set(
            ENTRY + checked.digest,
            {
                "user": checked.user.pk,
                "session_generation": checked.session_generation,
                "user_generation": checked.user_generation,
                "expires": expires,
            },
            timeout=max(1, int(expires - time.time())),
        )
    return checked.user


def _session_load(session) -> float:
    """Load ``session`` and return its row's ``expire_date`` as a timestamp (0 if none).

    For the database engine this is its own ``load`` (one query) keeping the
    row's ``expire_date``, which ``load`` drops; other engines load as usual
    and their expiry is read once more from their model, if they have one.
    """
    read_row = getattr(session, "_get_session_from_db", None)
    if read_row is not None and not hasattr(session, "_session_cache"):
        row = read_row()
        session._session_cache = session.decode(row.session_data) if row else {}
        return row.expire_date.timestamp() if row else 0.0
    session.get(SESSION_KEY)  # loads it
    model = getattr(session, "get_model_class", None)
    if model is None:
        return time.time() + socket_session_cache_seconds()
    expire_date = (
        model()
        .objects.filter(session_key=session.session_key)
        .values_list("expire_date", flat=True)
        .first()
    )
    return expire_date.timestamp() if expire_date is not None else 0.0


def socket_sessions_forget_player(*, player_id: int) -> None:
    """Distrust every cached session of the player, once the current transaction commits.

    Call it from any change of ``is_active`` or ``password`` that bypasses
    ``User.save`` (a queryset ``update``); saves and deletes call it through
    the signals below.
    """
    transaction.on_commit(lambda: _replace_generation(USER_GENERATION + str(player_id)))


def socket_session_forget(*, session_key: str | None) -> None:
    """Distrust the cached entry of one session, once the current transaction commits."""
    if session_key:
        digest = session_digest(session_key)
        transaction.on_commit(lambda: _replace_generation(SESSION_GENERATION + digest))


# --- signal receivers (connected in accounts.apps) ------------------------------


def on_user_changed(sender, instance, **kwargs) -> None:
    if instance.pk is not None:
        socket_sessions_forget_player(player_id=instance.pk)


def on_session_changed(sender, instance, **kwargs) -> None:
    socket_session_forget(session_key=instance.session_key)


def on_logged_out(sender, request=None, user=None, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        socket_session_forget(session_key=session.session_key)
