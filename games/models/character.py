"""The character that reacts to play, and its dialogue lines (edited by moderators in admin).

Lines say what happened and, after losses or a low mood, suggest a break or
something that is not a wager. They never claim a win is due or more likely
and never urge a player to keep playing after losses:
``games/tests/test_dialogue_content.py`` checks every line in the database.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Situation(models.TextChoices):
    BIG_WIN = "big_win", _("Big win")
    WIN = "win", _("Win")
    RETURN_AT_OR_BELOW_STAKE = "return_at_or_below_stake", _("Return at or below the stake")
    LOSS = "loss", _("Loss")
    LOSS_STREAK = "loss_streak", _("Loss streak")
    LEVEL_UP = "level_up", _("Level up")
    TIER_UP = "tier_up", _("Tier up")
    MISSION_COMPLETE = "mission_complete", _("Mission complete")
    PASS_TIER = "pass_tier", _("Pass tier")
    UNLOCK = "unlock", _("Unlock")
    PURCHASE = "purchase", _("Purchase")
    WELCOME_BACK = "welcome_back", _("Welcome back")
    BREAK_SUGGESTION = "break_suggestion", _("Break suggestion")


class Tone(models.TextChoices):
    CHEERFUL = "cheerful", _("Cheerful")
    CALM = "calm", _("Calm")
    PLAYFUL = "playful", _("Playful")


class Look(models.TextChoices):
    """An inline-SVG avatar (``templates/games/partials/character_<look>.svg``)."""

    FOX = "fox", _("Fox")
    OWL = "owl", _("Owl")
    CAT = "cat", _("Cat")


class Character(models.Model):
    name = models.CharField(max_length=40)
    look = models.CharField(max_length=16, choices=Look.choices, default=Look.OWL)
    is_active = models.BooleanField(
        default=True, help_text=_("The active character speaks; only one should be active.")
    )

    def __str__(self) -> str:
        return self.name


class DialogueLine(models.Model):
    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="lines")
    situation = models.CharField(max_length=32, choices=Situation.choices, db_index=True)
    tone = models.CharField(max_length=16, choices=Tone.choices)
    text_en = models.CharField(max_length=200)
    text_ko = models.CharField(max_length=200)
    animation = models.CharField(
        max_length=32, default="nod", help_text=_("A CSS animation name: nod, bounce, wave, rest.")
    )
    sound = models.CharField(
        max_length=32,
        blank=True,
        help_text=_("A sound of static/games/play.js: win, bigWin, push, loss, reward; or empty."),
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["situation", "tone", "id"]

    def __str__(self) -> str:
        return f"{self.situation}/{self.tone}: {self.text_en[:40]}"

    def text(self, language: str) -> str:
        return self.text_ko if language.startswith("ko") else self.text_en
