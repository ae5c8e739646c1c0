"""Mood check-ins: the writes and reads (API, home prompt, profile, the character).

What a mood is used for: the character's tone and its suggestions (after a
low mood, calm lines and breaks or non-wager activities). Never the odds,
never offers. ``docs/insight.md`` says so to players.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.mood_models import LOW_MOODS, Mood, MoodCheckIn, MoodSettings
from casino_club.kit.errors import DomainError

HISTORY_DAYS = 30


class MoodInvalid(DomainError):
    code = "invalid_mood"
    default_message = gettext_lazy("Choose one of the listed moods.")


@dataclass(frozen=True)
class MoodToday:
    mood: str | None
    prompt_enabled: bool

    @property
    def prompt_due(self) -> bool:
        return self.prompt_enabled and self.mood is None

    @property
    def is_low(self) -> bool:
        return self.mood in LOW_MOODS


@dataclass(frozen=True)
class PastMood:
    """One row of the profile's history, as cached: the day and the mood."""

    local_date: date
    mood: str

    @property
    def label(self) -> str:
        return Mood(self.mood).label


def _cache_key(player_id: int, day: date) -> str:
    return f"mood:today:{player_id}:{day.isoformat()}"


def _history_key(player_id: int) -> str:
    return f"mood:history:{player_id}"


def _forget(player_id: int, day: date) -> None:
    # Now (this request reads it next) and again after commit, so a reader
    # that cached the old row in between does not keep it.
    keys = [_cache_key(player_id, day), _history_key(player_id)]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def mood_check_in(*, player, mood: str) -> MoodCheckIn:
    """Record today's mood (the player's local day); a second answer the same day replaces it."""
    if mood not in Mood.values:
        raise MoodInvalid(fields={"mood": [f"One of: {', '.join(Mood.values)}."]})
    day = player.local_date()
    now = timezone.now()
    with transaction.atomic():
        check_in, _ = MoodCheckIn.objects.update_or_create(
            player=player,
            local_date=day,
            defaults={"mood": mood, "updated_at": now},
            create_defaults={"mood": mood, "created_at": now, "updated_at": now},
        )
    _forget(player.pk, day)

    return check_in


def mood_prompt_set(*, player, enabled: bool) -> MoodSettings:
    settings, _ = MoodSettings.objects.update_or_create(
        player=player, defaults={"prompt_enabled": enabled}
    )
    _forget(player.pk, player.local_date())
    return settings


def mood_prompt_enabled(*, player) -> bool:
    return (
        MoodSettings.objects.filter(player=player).values_list("prompt_enabled", flat=True).first()
        is not False
    )


def mood_today(*, player) -> MoodToday:
    """Today's mood and whether the prompt is on; cached (every round's feedback reads it)."""
    day = player.local_date()
    key = _cache_key(player.pk, day)
    cached = cache.get(key)
    if cached is not None:
        return MoodToday(mood=cached["mood"], prompt_enabled=cached["prompt_enabled"])
    mood = (
        MoodCheckIn.objects.filter(player=player, local_date=day)
        .values_list("mood", flat=True)
        .first()
    )
    today = MoodToday(mood=mood, prompt_enabled=mood_prompt_enabled(player=player))
    cache.set(key, {"mood": today.mood, "prompt_enabled": today.prompt_enabled}, 6 * 3600)
    return today


def mood_history(*, player, days: int = HISTORY_DAYS):
    return MoodCheckIn.objects.filter(player=player).order_by("-local_date")[:days]


def mood_history_cached(*, player) -> list[PastMood]:
    """The profile page's history: the last ``HISTORY_DAYS`` check-ins, cached until the next one.

    A check-in (``mood_check_in``) forgets it; so the profile page reads the
    history once per check-in rather than on every view.
    """
    key = _history_key(player.pk)
    cached = cache.get(key)
    if cached is None:
        cached = [
            (day.isoformat(), value)
            for day, value in mood_history(player=player).values_list("local_date", "mood")
        ]
        cache.set(key, cached, 6 * 3600)
    return [PastMood(local_date=date.fromisoformat(day), mood=value) for day, value in cached]
