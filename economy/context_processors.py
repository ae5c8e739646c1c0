"""Template context for every page: the limited-time events running now."""

from __future__ import annotations

import contextlib

from django.core.cache import cache
from django.utils import timezone

from economy.progression.selectors import events_active

EVENTS_CACHE_KEY = "progression:events:active:v2"
EVENTS_CACHE_SECONDS = 30


def events(request) -> dict:
    """Active events for the banner, cached briefly (every page renders it).

    A lazy callable: pages that never show the banner (JSON, admin) pay nothing.
    """

    def load() -> list:
        found = None
        with contextlib.suppress(Exception):
            found = cache.get(EVENTS_CACHE_KEY)
        if found is None:
            # Both languages: the cache is shared by pages in either (``|localized``).
            found = [
                {
                    "id": e.pk,
                    "name": e.name,
                    "name_ko": e.name_ko,
                    "description": e.description,
                    "description_ko": e.description_ko,
                    "ends_at": e.ends_at,
                }
                for e in events_active()[:3]
            ]
            # The cache only saves a query per page; never fail a page on it.
            with contextlib.suppress(Exception):
                cache.set(EVENTS_CACHE_KEY, found, EVENTS_CACHE_SECONDS)
        now = timezone.now()
        return [event for event in found if event["ends_at"] > now]

    return {"active_events": load}
