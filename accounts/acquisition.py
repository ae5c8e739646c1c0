"""The first visit's source in a signed first-party cookie, kept at signup; visit days.

``cc_src`` is set on the first HTML page (or redirect) a browser gets
without one: the referring site's host (never the full URL), the
``utm_source``/``utm_medium``/``utm_campaign`` values and an invite code
(``?invite=`` or an ``/join/<code>/`` path), each checked (short, a safe
character set; anything else is dropped), signed with Django's signing
(``salt="acquisition"``), kept 90 days, HttpOnly, SameSite=Lax. No third
party sees it and no script or pixel is loaded. A cookie that fails its
signature, is too large or holds anything unexpected is ignored (and
replaced), never stored and never an error.

At signup (``player_register`` through the allauth adapter) the cookie's
values become the player's ``AcquisitionSource`` (``direct`` without one).
Each later day a signed-in player opens a page is one ``VisitDay`` row,
written at most once per player and day (a cache key first, then an
``INSERT ... ON CONFLICT DO NOTHING``); API calls write nothing.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlparse

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.acquisition_models import DIRECT, AcquisitionSource, VisitDay

COOKIE = "cc_src"
SALT = "acquisition"
MAX_AGE = 90 * 86400
MAX_COOKIE_BYTES = 600
TAG = re.compile(r"[A-Za-z0-9._~+-]{1,64}")
HOST = re.compile(r"[a-z0-9.-]{1,100}")
JOIN_PATH = re.compile(r"^/join/([A-Za-z0-9_-]{1,64})/$")
FIELDS = ("source", "medium", "campaign", "referrer_host", "invite_code")


def _tag(value: str | None) -> str:
    return value if value and TAG.fullmatch(value) else ""


def source_of(request) -> dict:
    """What this request says about where the browser came from (checked, short)."""
    query = request.GET
    referrer = urlparse(request.META.get("HTTP_REFERER", "")).hostname or ""
    if not HOST.fullmatch(referrer) or referrer == request.get_host().split(":")[0]:
        referrer = ""
    join = JOIN_PATH.match(request.path)
    values = {
        "source": _tag(query.get("utm_source")) or referrer or DIRECT,
        "medium": _tag(query.get("utm_medium")),
        "campaign": _tag(query.get("utm_campaign")),
        "referrer_host": referrer,
        "invite_code": _tag(query.get("invite")) or (join.group(1) if join else ""),
        "seen": int(timezone.now().timestamp()),
    }
    return values


def cookie_source(request) -> dict | None:
    """The cookie's values if it is ours, intact, young enough and well-formed; else None."""
    raw = request.COOKIES.get(COOKIE)
    if not raw or len(raw) > MAX_COOKIE_BYTES:
        return None
    try:
        data = signing.loads(raw, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or set(data) != {*FIELDS, "seen"}:
        return None
    checks = {
        "source": lambda v: v == DIRECT or TAG.fullmatch(v) or HOST.fullmatch(v),
        "medium": lambda v: v == "" or TAG.fullmatch(v),
        "campaign": lambda v: v == "" or TAG.fullmatch(v),
        "referrer_host": lambda v: v == "" or HOST.fullmatch(v),
        "invite_code": lambda v: v == "" or TAG.fullmatch(v),
    }
    for name, check in checks.items():
        if not isinstance(data[name], str) or not check(data[name]):
            return None
    if not isinstance(data["seen"], int):
        return None
    return data


def acquisition_record(*, player, request) -> AcquisitionSource:
    """At signup: the cookie's source (or this request's, for a browser without one)."""
    data = cookie_source(request) if request is not None else None
    if data is None:
        data = source_of(request) if request is not None else {"source": DIRECT}
    seen = data.get("seen")
    return AcquisitionSource.objects.create(
        player=player,
        first_seen_at=datetime.fromtimestamp(seen, tz=timezone.get_current_timezone())
        if seen
        else None,
        **{name: data.get(name, "") or ("" if name != "source" else DIRECT) for name in FIELDS},
    )


def visit_record(*, player) -> bool:
    """Count today as a visit day of ``player``; True when this call wrote it."""
    day = timezone.localdate()
    if not cache.add(f"visit:{player.pk}:{day.isoformat()}", 1, 86400 + 3600):
        return False
    try:
        with transaction.atomic():
            VisitDay.objects.bulk_create([VisitDay(player=player, day=day)], ignore_conflicts=True)
    except IntegrityError:  # the player was deleted meanwhile
        return False
    return True


class AcquisitionMiddleware:
    """Sets ``cc_src`` on a browser's first HTML page; counts signed-in visit days."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method != "GET" or not response.get("Content-Type", "").startswith("text/html"):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if response.status_code == 200 and not user.is_staff:
                visit_record(player=user)
            return response
        # A first visit can be a redirect (an invite link to the signup page).
        if (
            response.status_code in (200, 301, 302, 303, 307, 308)
            and cookie_source(request) is None
        ):
            response.set_cookie(
                COOKIE,
                signing.dumps(source_of(request), salt=SALT, compress=True),
                max_age=MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
