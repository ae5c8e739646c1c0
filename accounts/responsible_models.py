"""Responsible play: a player's limits, cool-off or self-exclusion, and play counters.

Kept apart from ``accounts/models.py`` (module size); imported there so
Django finds the models. ``games`` never reads these tables: it calls
``accounts.responsible`` before a wager and after settlement.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExclusionKind(models.TextChoices):
    COOL_OFF = "cool_off", _("Cool-off")
    SELF_EXCLUSION = "self_exclusion", _("Self-exclusion")


class PlaySettings(models.Model):
    """One row per player who has played or set something.

    Limits: ``None`` means no limit. A raised or removed limit waits in
    ``pending_*`` until ``*_pending_at`` (24 hours later); ``*_pending_set``
    tells "pending removal" (pending value None) from "nothing pending".
    The row is also the per-player lock of the wager gate (select_for_update).
    """

    player = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="play_settings"
    )
    wager_limit = models.PositiveBigIntegerField(null=True, blank=True)
    wager_pending = models.PositiveBigIntegerField(null=True, blank=True)
    wager_pending_set = models.BooleanField(default=False)
    wager_pending_at = models.DateTimeField(null=True, blank=True)
    minutes_limit = models.PositiveIntegerField(null=True, blank=True)
    minutes_pending = models.PositiveIntegerField(null=True, blank=True)
    minutes_pending_set = models.BooleanField(default=False)
    minutes_pending_at = models.DateTimeField(null=True, blank=True)
    reality_check_minutes = models.PositiveSmallIntegerField(default=60)
    exclusion_kind = models.CharField(max_length=20, choices=ExclusionKind.choices, blank=True)
    exclusion_started_at = models.DateTimeField(null=True, blank=True)
    # None with a kind set means permanent self-exclusion.
    exclusion_until = models.DateTimeField(null=True, blank=True)
    session_started_at = models.DateTimeField(null=True, blank=True)
    session_last_play_at = models.DateTimeField(null=True, blank=True)
    session_seconds = models.PositiveIntegerField(default=0)
    session_net = models.BigIntegerField(default=0)
    session_rounds = models.PositiveIntegerField(default=0)
    reality_check_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("play settings")
        verbose_name_plural = _("play settings")

    def __str__(self) -> str:
        return f"play settings of {self.player_id}"

    def excluded(self, at=None) -> bool:
        if not self.exclusion_kind:
            return False
        return self.exclusion_until is None or self.exclusion_until > (at or timezone.now())


class PlayDay(models.Model):
    """What a player played on one of their local days (their own time zone)."""

    player = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="play_days"
    )
    day = models.DateField()
    wagered = models.PositiveBigIntegerField(default=0)
    paid_out = models.PositiveBigIntegerField(default=0)
    rounds = models.PositiveIntegerField(default=0)
    seconds = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["player", "day"], name="play_day_unique"),
        ]
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.player_id} on {self.day}"

    @property
    def net(self) -> int:
        return self.paid_out - self.wagered
