"""The address recorded with an attestation."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied


def client_ip(request) -> str | None:
    """The client's IP as allauth sees it for its rate limits: ``REMOTE_ADDR``,
    or the proxy header named by ``ALLAUTH_TRUSTED_PROXY_COUNT`` /
    ``ALLAUTH_TRUSTED_CLIENT_IP_HEADER`` when a deployment sets them. None
    when there is no usable address (the attestation is still recorded)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None
