"""Where a player came from, and which days they visited (the original design's ``site_visits``).

Imported by ``accounts.models`` so Django registers the tables. Nothing here
holds a URL or an IP address: a referrer is kept as its host only, campaign
tags as the short values the link carried, a visit as a date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DIRECT = "direct"


class AcquisitionSource(models.Model):
    """The first visit's source of the browser a player signed up in."""

    player = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="acquisition"
    )
    source = models.CharField(
        max_length=64,
        default=DIRECT,
        help_text=_("utm_source, else the referring site's host, else direct."),
    )
    medium = models.CharField(max_length=64, blank=True, default="")
    campaign = models.CharField(max_length=64, blank=True, default="")
    referrer_host = models.CharField(max_length=100, blank=True, default="")
    invite_code = models.CharField(max_length=64, blank=True, default="")
    first_seen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("acquisition source")

    def __str__(self) -> str:
        return f"{self.player_id}: {self.source}"


class VisitDay(models.Model):
    """A day (site time zone) on which a signed-in player opened a page."""

    player = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visit_days"
    )
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["player", "day"], name="visit_day_once_per_player")
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.player_id}: {self.day}"
