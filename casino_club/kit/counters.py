"""Counters kept in the project's cache that never fail a request.

``cache_count(key, seconds)`` adds one to ``key`` and returns the new value;
the counter lives ``seconds`` from its first count. ``ResilientRedisCache.count``
(casino_club/cache.py) does it in one atomic ``INCR``+``EXPIRE``; other caches
use ``add``/``incr``. While the cache cannot count (Redis down) the answer is
0, so a caller treats the counter as fresh instead of failing: the request
throttles let the request through, the character's loss streak restarts.
"""

from __future__ import annotations

from django.core.cache import cache


def cache_count(key: str, seconds: int) -> int:
    """Count one in ``key`` (kept ``seconds``); 0 when the cache cannot count."""
    count = getattr(cache, "count", None)
    if count is not None:
        return count(key, seconds) or 0
    try:
        return cache.incr(key)
    except ValueError:
        if cache.add(key, 1, timeout=seconds):
            return 1
        try:
            return cache.incr(key)
        except ValueError:
            return 0
