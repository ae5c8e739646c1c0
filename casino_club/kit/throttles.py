"""Request throttles for the API's writes that cost the most: play, claims,
unlocks and shop purchases (docs/safety.md, "Throttles").

Each throttled view names a scope (``throttle_scope = "play"``); the scope's
limits are a list of rates, ``settings.THROTTLE_RATES[scope]``, such as
``"5/s,3000/h"`` (a burst and a sustained limit), counted per player. An
anonymous request is counted per client IP address against
``THROTTLE_RATES["anonymous"]``, in a separate bucket per scope. A request over
any of the limits is refused with DRF's ``Throttled`` (429, ``Retry-After``,
error code ``throttled``).

Counting is a fixed window per rate: one counter per (scope, who, rate,
window), created with the window's length as its time to live and
incremented by every request, refused ones included (a client that keeps
retrying too fast stays refused). A fixed window lets up to twice a rate
through across a window boundary; that is accepted for a simple, constant
cost of one cache round trip per rate. ``ResilientRedisCache.count`` makes
it one atomic ``INCR``+``EXPIRE`` in Redis; other caches use ``incr``/``add``.

The counters live in the project's cache (Redis when ``REDIS_URL`` is set),
so every process shares them. When the cache is unavailable the throttles
let requests through (``ResilientRedisCache`` answers as an empty cache): an
outage never turns into 500s or into refusing every player.

Views check throttles before permissions (:class:`ThrottledViewMixin`), so an
anonymous flood on a player endpoint is refused with 429 once over its
per-IP limit rather than answered with 401 for ever.
"""

from __future__ import annotations

import math
import time
from functools import wraps
from types import SimpleNamespace

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import ScopedRateThrottle

from casino_club.kit.counters import cache_count
from casino_club.kit.rates import parse_rates

# The scopes are the keys of casino_club.config.THROTTLE_DEFAULTS ("play",
# "claim", "shop", "unlock": the gallery's POST /api/unlock); this one is the
# per-IP limit of anonymous requests.
ANONYMOUS = "anonymous"


class ScopedThrottle(ScopedRateThrottle):
    """DRF's scoped throttle with several rates per scope, read at request time.

    ``THROTTLE_RATES`` is read on every request (not at import, as DRF's
    ``DEFAULT_THROTTLE_RATES`` is), so ``override_settings`` and tests see the
    limits they set. Only unsafe methods are counted unless the view sets
    ``throttle_safe_methods = True``.
    """

    def __init__(self) -> None:  # DRF's would parse one rate at construction
        self.wait_seconds: float | None = None

    def allow_request(self, request, view) -> bool:
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        if request.method in SAFE_METHODS and not getattr(view, "throttle_safe_methods", False):
            return True
        user = request.user
        if user is not None and user.is_authenticated:
            who, rates = f"player:{user.pk}", settings.THROTTLE_RATES.get(self.scope, "")
        else:
            who, rates = f"ip:{self.get_ident(request)}", settings.THROTTLE_RATES.get(ANONYMOUS, "")
        now = time.time()
        waits = []
        for limit, seconds in parse_rates(rates):
            window = int(now // seconds)
            key = f"throttle:{self.scope}:{who}:{seconds}:{window}"
            if cache_count(key, seconds + settings.THROTTLE_COUNTER_GRACE_SECONDS) > limit:
                waits.append((window + 1) * seconds - now)
        self.wait_seconds = max(waits) if waits else None
        return not waits

    def wait(self) -> float | None:
        return self.wait_seconds


class ThrottledViewMixin:
    """Put first in a view's bases and set ``throttle_scope``.

    Throttles are checked before permissions (DRF checks them after), so an
    anonymous request counts against its IP's limit even though it is then
    refused with 401.
    """

    throttle_scope: str = ""
    throttle_classes = [ScopedThrottle]

    def check_permissions(self, request) -> None:
        self.check_throttles(request)
        self._throttles_checked = True
        super().check_permissions(request)

    def check_throttles(self, request) -> None:
        if getattr(self, "_throttles_checked", False):
            return  # already checked, before the permissions
        super().check_throttles(request)


def throttled_page(scope: str):
    """The same limits for a page's form view (the wallet's claims, the shop's
    buy button), which calls the services directly rather than the API: over
    a limit, 429 with ``Retry-After`` and a short plain-text answer."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            throttle = ScopedThrottle()
            if not throttle.allow_request(request, SimpleNamespace(throttle_scope=scope)):
                response = HttpResponse(
                    _("Too many requests. Wait a moment, then try again."),
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(math.ceil(throttle.wait() or 1))
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
