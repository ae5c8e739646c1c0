"""Keyed hashes of where an account signed up and last signed in (docs/safety.md, "Abuse cases").

Imported by ``accounts.models`` so Django registers the table. No IP address
and no cookie value is stored: only ``HMAC-SHA256(SECRET_KEY, value)`` cut to
32 hex characters (``accounts.abuse.fingerprint``), which can be compared but
not reversed without the key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccountFingerprint(models.Model):
    """One row per player: the signup's network and device, and the last sign-in's."""

    player = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fingerprint"
    )
    signup_ip_hash = models.CharField(max_length=32, blank=True, default="")
    signup_device_hash = models.CharField(max_length=32, blank=True, default="")
    last_ip_hash = models.CharField(max_length=32, blank=True, default="", db_index=True)
    last_device_hash = models.CharField(max_length=32, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("account fingerprint")
        indexes = [
            # Signups per network / device in the last 24 hours.
            models.Index(fields=["signup_ip_hash", "created_at"], name="fingerprint_signup_ip"),
            models.Index(
                fields=["signup_device_hash", "created_at"], name="fingerprint_signup_device"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.player_id}"
