"""Mood check-ins: how a player says they feel today, and whether to ask.

Imported by ``accounts.models`` so Django registers the tables. A check-in is
one row per player per local day (the player's own time zone); a second
answer the same day replaces the first (the player changed their mind).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Mood(models.TextChoices):
    GREAT = "great", _("Great")
    GOOD = "good", _("Good")
    OKAY = "okay", _("Okay")
    LOW = "low", _("Low")
    STRESSED = "stressed", _("Stressed")
    SKIPPED = "skipped", _("Skipped")


# Moods after which the character is calm and suggests breaks, never a wager.
LOW_MOODS = frozenset({Mood.LOW, Mood.STRESSED})


class MoodCheckIn(models.Model):
    player = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mood_check_ins"
    )
    mood = models.CharField(max_length=16, choices=Mood.choices)
    local_date = models.DateField(help_text=_("The day in the player's own time zone."))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-local_date"]
        constraints = [
            models.UniqueConstraint(fields=["player", "local_date"], name="mood_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.player_id} {self.local_date} {self.mood}"


class MoodSettings(models.Model):
    """A player's mood settings; no row means the defaults (the prompt is on)."""

    player = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mood_settings"
    )
    prompt_enabled = models.BooleanField(
        _("ask how I feel once a day"),
        default=True,
        help_text=_("Your answer only changes the tone and suggestions, never the odds."),
    )

    def __str__(self) -> str:
        return f"{self.player_id} prompt={'on' if self.prompt_enabled else 'off'}"
