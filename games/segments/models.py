"""Tables of the segments: one row per player, the fitted forecast, the profile quiz."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Segment(models.TextChoices):
    NEW = "NEW", _("New")
    ENGAGED = "ENGAGED", _("Engaged")
    HIGH_ROLLER = "HIGH_ROLLER", _("High roller")
    CASUAL = "CASUAL", _("Casual")
    AT_RISK = "AT_RISK", _("At risk")


class PlayStyle(models.TextChoices):
    RELAXED = "relaxed", _("Relaxed")
    COMPETITIVE = "competitive", _("Competitive")
    COLLECTOR = "collector", _("Collector")
    SOCIAL = "social", _("Social")


class PlayerSegment(models.Model):
    """A player's scores as of the last nightly run (``games.segments.services``).

    ``recency_days`` is null for a player with no round yet. Scores are
    quintiles 1 (lowest) .. 5 (highest: most recent, most days, most coins).
    """

    player = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="segment"
    )
    segment = models.CharField(max_length=12, choices=Segment.choices)
    recency_days = models.PositiveIntegerField(null=True, blank=True)
    active_days = models.PositiveSmallIntegerField(default=0)
    coins_wagered = models.BigIntegerField(default=0)
    r_score = models.PositiveSmallIntegerField()
    f_score = models.PositiveSmallIntegerField()
    m_score = models.PositiveSmallIntegerField()
    heavy_play = models.BooleanField(default=False)
    forecast = models.FloatField(default=0.0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["segment"], name="player_segment_by_segment")]

    def __str__(self) -> str:
        return f"{self.player_id}: {self.segment}"


class ForecastFit(models.Model):
    """One fit of the engagement forecast (the newest row is the one in use).

    active days next 30 = intercept + b_frequency * active days last 30
                          + b_recency * min(days since last round, 30)
    """

    intercept = models.FloatField()
    b_frequency = models.FloatField()
    b_recency = models.FloatField()
    samples = models.PositiveIntegerField()
    holdout_mae = models.FloatField(null=True, blank=True)
    holdout_samples = models.PositiveIntegerField(default=0)
    fitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        get_latest_by = "fitted_at"

    def __str__(self) -> str:
        return f"forecast fit of {self.fitted_at:%Y-%m-%d}"


class ProfileQuiz(models.Model):
    """A player's answers to the optional play-style quiz (retaken at will)."""

    player = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile_quiz"
    )
    answers = models.JSONField(default=dict)
    style = models.CharField(max_length=12, choices=PlayStyle.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.player_id}: {self.style}"
