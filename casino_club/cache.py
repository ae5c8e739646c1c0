"""A Redis cache that keeps the site up while Redis is down.

Django's ``RedisCache`` raises ``redis.exceptions.ConnectionError`` (or
``TimeoutError``) from every call when Redis is unreachable, which turns a
cache outage into 500s on every page that reads the cache, including
allauth's login (its rate limits live in the cache). The cache is an
optimisation here, never the source of truth, so during an outage
``ResilientRedisCache`` answers as an empty cache that stores nothing:

- ``get``/``get_many``/``has_key`` miss, ``incr``/``decr`` raise ``ValueError``
  as for a missing key;
- ``set``/``set_many``/``delete``/``delete_many``/``touch``/``clear`` do nothing;
- ``add`` answers ``True`` ("stored"), so code that takes a lock with it
  (allauth's rate limiter) proceeds instead of waiting for a lock that can
  never be taken. Rate limits are therefore not enforced while Redis is down
  (docs/live.md, "When Redis is down").

After a failure the cache does not try Redis again for ``RETRY_AFTER``
seconds (shared by every thread of the process), so a blackholed Redis costs
one socket timeout per interval rather than one per call. The start and the
end of an outage are logged once each.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

T = TypeVar("T")
REDIS_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER = 5.0

# location -> monotonic time before which Redis is not tried again. Django
# makes one cache object per thread, so the state lives at module level.
_down_until: dict[str, float] = {}
_state_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    """``RedisCache`` that degrades to a miss/no-op on connection errors."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)

    def is_available(self) -> bool:
        """False while a recent failure keeps this process from trying Redis."""
        return time.monotonic() >= _down_until.get(self._location, 0.0)

    def _call(self, action: Callable[[], T], fallback: Callable[[], T]) -> T:
        if not self.is_available():
            return fallback()
        try:
            result = action()
        except REDIS_UNAVAILABLE as error:
            with _state_lock:
                first = self._location not in _down_until
                _down_until[self._location] = time.monotonic() + RETRY_AFTER
            if first:
                logger.warning(
                    "cache: Redis unavailable (%s in %s: %s); serving as an empty cache, "
                    "retrying every %.0f s",
                    type(error).__name__,
                    getattr(action, "func", action).__name__,
                    error,
                    RETRY_AFTER,
                )
            return fallback()
        if self._location in _down_until:
            with _state_lock:
                if _down_until.pop(self._location, None) is not None:
                    logger.warning("cache: Redis is back")
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._call(partial(super().add, key, value, timeout, version), _true)

    def get(self, key, default=None, version=None) -> Any:
        return self._call(partial(super().get, key, default, version), lambda: default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self._call(partial(super().set, key, value, timeout, version), _none)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._call(partial(super().touch, key, timeout, version), _false)

    def delete(self, key, version=None) -> bool:
        return self._call(partial(super().delete, key, version), _false)

    def get_many(self, keys, version=None) -> dict:
        return self._call(partial(super().get_many, keys, version), dict)

    def has_key(self, key, version=None) -> bool:
        return self._call(partial(super().has_key, key, version), _false)

    def incr(self, key, delta=1, version=None) -> int:
        def missing() -> int:
            raise ValueError(f"Key '{key}' not found (cache unavailable).")

        return self._call(partial(super().incr, key, delta, version), missing)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        # Django's contract: set_many returns the keys that were not stored.
        return self._call(partial(super().set_many, data, timeout, version), lambda: list(data))

    def delete_many(self, keys, version=None) -> None:
        self._call(partial(super().delete_many, keys, version), _none)

    def clear(self) -> bool:
        return self._call(super().clear, _false)

    def count(self, key, timeout: int, version=None) -> int | None:
        """Add one to the counter ``key`` and return it, in one round trip.

        ``INCR`` creates a missing key at 1 and ``EXPIRE ... NX`` gives it its
        time to live only then, so a counter can never outlive ``timeout``
        (Django's ``incr`` checks for the key first and cannot give it one).
        ``None`` while Redis is unavailable. Used by the request throttles
        (casino_club/kit/throttles.py).
        """
        key = self.make_and_validate_key(key, version=version)

        def action() -> int:
            pipeline = self._cache.get_client(key, write=True).pipeline()
            pipeline.incr(key)
            pipeline.expire(key, timeout, nx=True)
            return pipeline.execute()[0]

        action.__name__ = "count"
        return self._call(action, _none)


def _true() -> bool:
    return True


def _false() -> bool:
    return False


def _none() -> None:
    return None
