"""Multi-account farming (OWASP OAT-019 account creation): signups counted
per network and per device, and which accounts share either (docs/safety.md,
"Abuse cases").

What is counted
    The client's IP address (``accounts.age.client_ip``: ``REMOTE_ADDR`` or
    the proxy header allauth trusts), an IPv6 address cut to its /64 (one
    household's prefix, which a client can change within at will), and the
    ``cc_dev`` device cookie: a random token in a first-party cookie signed
    with Django's signing (``salt="device"``), HttpOnly, SameSite=Lax, kept
    two years and set by :class:`DeviceCookieMiddleware` on the first page a
    browser gets without a valid one. An app client that keeps no cookies is
    counted by its network only.

What is stored
    Never the address or the token: :func:`fingerprint` is
    ``HMAC-SHA256(key derived from SECRET_KEY, value)`` cut to 32 hex
    characters. One ``AccountFingerprint`` row per player holds the signup's
    two hashes and the last sign-in's two; it is in the player's export and
    deleted with the account.

The rule
    A signup from a network (or device) from which ``SIGNUPS_PER_IP_PER_DAY``
    (``SIGNUPS_PER_DEVICE_PER_DAY``) accounts were created in the last 24
    hours is refused with a form error (``AccountAdapter.clean_email``), so
    nothing is created and no signup grant is paid; 0 turns a limit off.
    The count and the insert are not one atomic step: signups from one place
    at the very same moment can pass the limit by the number racing, which
    the signup rate limit (``SIGNUP_RATE_LIMIT``) keeps small.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.abuse_models import AccountFingerprint
from accounts.age.client_ip import client_ip
from accounts.models import User

DEVICE_COOKIE = "cc_dev"
DEVICE_SALT = "device"
DEVICE_MAX_AGE = 2 * 365 * 86400
DEVICE_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
WINDOW = timedelta(days=1)
SHARED_IP = "ip"
SHARED_DEVICE = "device"


def fingerprint(kind: str, value: str | None) -> str:
    """The keyed hash stored instead of ``value`` ("" for no value)."""
    if not value:
        return ""
    return salted_hmac(f"accounts.abuse.{kind}", value).hexdigest()[:32]


def network_of(ip: str | None) -> str:
    """The address as counted: IPv4 whole, IPv6 as its /64; "" if unusable."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ""
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def device_token(request) -> str | None:
    """The device cookie's token if it is ours and intact; else None."""
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw or len(raw) > 200:
        return None
    try:
        token = signing.loads(raw, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return None
    return token if isinstance(token, str) and DEVICE_TOKEN.fullmatch(token) else None


def request_fingerprints(request) -> tuple[str, str]:
    """(network hash, device hash) of a request; "" where there is none."""
    if request is None:
        return "", ""
    ip = ""
    if hasattr(request, "META"):
        ip = network_of(client_ip(request))
    return fingerprint(SHARED_IP, ip), fingerprint(SHARED_DEVICE, device_token(request))


def signups_since(*, ip_hash: str, device_hash: str, now=None) -> tuple[int, int]:
    """Accounts created in the last 24 hours from this network and this device."""
    since = (now or timezone.now()) - WINDOW
    recent = AccountFingerprint.objects.filter(created_at__gte=since)
    by_ip = recent.filter(signup_ip_hash=ip_hash).count() if ip_hash else 0
    by_device = recent.filter(signup_device_hash=device_hash).count() if device_hash else 0
    return by_ip, by_device


def signup_check(request) -> None:
    """Refuse a signup past the per-network or per-device limit (a form error)."""
    ip_hash, device_hash = request_fingerprints(request)
    by_ip, by_device = signups_since(ip_hash=ip_hash, device_hash=device_hash)
    ip_limit = settings.SIGNUPS_PER_IP_PER_DAY
    device_limit = settings.SIGNUPS_PER_DEVICE_PER_DAY
    if (ip_limit and by_ip >= ip_limit) or (device_limit and by_device >= device_limit):
        raise forms.ValidationError(
            _(
                "Too many accounts were created from this network or device today. "
                "Sign in to your existing account, or try again tomorrow."
            ),
            code="too_many_signups",
        )


def signup_record(*, player: User, request) -> AccountFingerprint:
    """At signup, in its transaction: the hashes the next signups are counted by."""
    ip_hash, device_hash = request_fingerprints(request)
    now = timezone.now()
    return AccountFingerprint.objects.create(
        player=player,
        signup_ip_hash=ip_hash,
        signup_device_hash=device_hash,
        last_ip_hash=ip_hash,
        last_device_hash=device_hash,
        created_at=now,
        last_seen_at=now,
    )


def login_record(*, player: User, request) -> None:
    """At each sign-in: the last network and device (one row per player, updated)."""
    ip_hash, device_hash = request_fingerprints(request)
    if not ip_hash and not device_hash:
        return
    updates = {"last_seen_at": timezone.now()}
    if ip_hash:
        updates["last_ip_hash"] = ip_hash
    if device_hash:
        updates["last_device_hash"] = device_hash
    if not AccountFingerprint.objects.filter(player=player).update(**updates):
        # Players made outside a signup (admin, demo data) get their row now.
        AccountFingerprint.objects.get_or_create(player=player, defaults=updates)


def _hashes(row: AccountFingerprint | None, kind: str) -> set[str]:
    if row is None:
        return set()
    values = {getattr(row, f"signup_{kind}_hash"), getattr(row, f"last_{kind}_hash")}
    return values - {""}


def shared_signals(*, player: User, other: User) -> list[str]:
    """What two accounts share: ``"ip"`` and/or ``"device"`` (signup or last sign-in)."""
    rows = {
        row.player_id: row
        for row in AccountFingerprint.objects.filter(player_id__in=[player.pk, other.pk])
    }
    mine, theirs = rows.get(player.pk), rows.get(other.pk)
    return [
        kind for kind in (SHARED_IP, SHARED_DEVICE) if _hashes(mine, kind) & _hashes(theirs, kind)
    ]


def _sharing_query(kind: str, hashes: set[str]) -> Q:
    return Q(**{f"fingerprint__signup_{kind}_hash__in": hashes}) | Q(
        **{f"fingerprint__last_{kind}_hash__in": hashes}
    )


def accounts_sharing(*, player: User, kind: str) -> QuerySet[User]:
    """Other accounts that signed up or last signed in on the player's network/device."""
    row = AccountFingerprint.objects.filter(player=player).first()
    hashes = _hashes(row, kind)
    if not hashes:
        return User.objects.none()
    return User.objects.filter(_sharing_query(kind, hashes)).exclude(pk=player.pk).order_by("pk")


def with_shared(queryset: QuerySet[User], kind: str) -> QuerySet[User]:
    """``queryset`` narrowed to accounts that share a network/device with another one."""
    pairs = [
        (mine, theirs)
        for mine in (f"signup_{kind}_hash", f"last_{kind}_hash")
        for theirs in (f"signup_{kind}_hash", f"last_{kind}_hash")
    ]
    match = Q()
    for mine, theirs in pairs:
        match |= Q(**{theirs: OuterRef(f"fingerprint__{mine}")}) & ~Q(**{theirs: ""})
    others = AccountFingerprint.objects.exclude(player_id=OuterRef("pk")).filter(match)
    return queryset.filter(Exists(others))


class DeviceCookieMiddleware:
    """Sets ``cc_dev`` on a browser's first HTML page without a valid one."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.get("Content-Type", "").startswith("text/html")
            and response.status_code < 400
            and device_token(request) is None
        ):
            response.set_cookie(
                DEVICE_COOKIE,
                signing.dumps(secrets.token_urlsafe(16), salt=DEVICE_SALT),
                max_age=DEVICE_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
