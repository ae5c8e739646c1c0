"""What the character says: pick a dialogue line for a situation, for one player.

Rules, in order:

1. A low mood today (``accounts.mood``: low or stressed) makes the tone calm,
   and turns a loss, a loss streak or a return at or below the stake into a
   break suggestion (rest, the gallery, missions: never a wager).
2. A return at or below the stake is never celebrated: it has its own lines,
   and a round only counts as a win when the payout is above the wager.
3. The player's last few lines are not repeated while another line fits
   (their ids are kept in the cache, per player, for a day).

The mood changes tone and suggestions only; nothing here touches odds.
Lines are read once and cached (``dialogue_lines_forget`` after an admin edit).
"""

from __future__ import annotations

import random

from django.core.cache import cache
from django.utils.translation import get_language, gettext_lazy

from accounts.mood import mood_today
from casino_club.kit.counters import cache_count
from casino_club.kit.errors import DomainError
from games.models import DialogueLine
from games.models.character import Situation, Tone

RECENT = 4
LOSS_STREAK = 3
_LINES_KEY = "dialogue:lines:v1"
CHARACTER_KEY = "dialogue:character:v1"
_CALMING = {
    Situation.LOSS,
    Situation.LOSS_STREAK,
    Situation.RETURN_AT_OR_BELOW_STAKE,
}

# POST /api/feedback: the action types and the outcomes each accepts.
ROUND_OUTCOMES = (
    Situation.BIG_WIN,
    Situation.WIN,
    Situation.RETURN_AT_OR_BELOW_STAKE,
    Situation.LOSS,
    Situation.LOSS_STREAK,
)
ACTION_SITUATIONS = {
    "level_up": Situation.LEVEL_UP,
    "tier_up": Situation.TIER_UP,
    "mission_complete": Situation.MISSION_COMPLETE,
    "pass_tier": Situation.PASS_TIER,
    "unlock": Situation.UNLOCK,
    "purchase": Situation.PURCHASE,
    "welcome_back": Situation.WELCOME_BACK,
    "break": Situation.BREAK_SUGGESTION,
}
ACTION_TYPES = ("round", *ACTION_SITUATIONS)
DONE = "done"


class FeedbackInvalid(DomainError):
    code = "invalid_feedback"
    default_message = gettext_lazy("Unknown action type or outcome.")


def situation_for(*, action_type: str, outcome: str) -> str:
    """The situation an (action type, outcome) pair names; FeedbackInvalid for anything else."""
    if action_type == "round":
        if outcome in ROUND_OUTCOMES:
            return outcome
        raise FeedbackInvalid(fields={"outcome": [f"One of: {', '.join(ROUND_OUTCOMES)}."]})
    if action_type in ACTION_SITUATIONS:
        if outcome == DONE:
            return ACTION_SITUATIONS[action_type]
        raise FeedbackInvalid(fields={"outcome": [f'"{DONE}" for {action_type}.']})
    raise FeedbackInvalid(fields={"action_type": [f"One of: {', '.join(ACTION_TYPES)}."]})


def dialogue_lines_forget() -> None:
    """After an edit in admin: the next pick (and page) reads the lines and character anew."""
    cache.delete_many([_LINES_KEY, CHARACTER_KEY])


def _lines() -> list[dict]:
    lines = cache.get(_LINES_KEY)
    if lines is None:
        lines = list(
            DialogueLine.objects.filter(is_active=True, character__is_active=True).values(
                "id", "situation", "tone", "text_en", "text_ko", "animation", "sound"
            )
        )
        cache.set(_LINES_KEY, lines, 3600)
    return lines


def _recent_key(player_id: int) -> str:
    return f"dialogue:recent:{player_id}"


def _streak_key(player_id: int) -> str:
    return f"dialogue:losses:{player_id}"


def round_situation(*, player_id: int, wager: int, payout: int, count: bool = True) -> str:
    """A round's situation; counts consecutive losses (in the cache) for the loss streak.

    ``count=False`` (a replayed request) names the situation without counting.
    """
    if payout > 0:
        if count:
            cache.delete(_streak_key(player_id))
        if payout >= 10 * wager:
            return Situation.BIG_WIN
        return Situation.WIN if payout > wager else Situation.RETURN_AT_OR_BELOW_STAKE
    if not count:
        return Situation.LOSS
    # 0 while the cache is down: the streak restarts, the round still answers.
    losses = cache_count(_streak_key(player_id), 86400)
    return Situation.LOSS_STREAK if losses >= LOSS_STREAK else Situation.LOSS


def dialogue_pick(*, player, situation: str, language: str | None = None) -> dict:
    """A line for the player in this situation: ``{message, animation, sound, situation, tone}``."""
    is_low = mood_today(player=player).is_low
    if is_low and situation in _CALMING:
        situation = Situation.BREAK_SUGGESTION
    candidates = [line for line in _lines() if line["situation"] == situation]
    if is_low:
        candidates = [line for line in candidates if line["tone"] == Tone.CALM]
    if not candidates:
        return {"message": "", "animation": "", "sound": "", "situation": situation, "tone": ""}
    recent = cache.get(_recent_key(player.pk)) or []
    fresh = [line for line in candidates if line["id"] not in recent] or candidates
    # Not a game outcome: the ordinary random module is enough for variety.
    line = random.choice(fresh)
    cache.set(_recent_key(player.pk), [line["id"], *recent][:RECENT], 86400)
    language = language or get_language() or "en"
    return {
        "message": line["text_ko"] if language.startswith("ko") else line["text_en"],
        "animation": line["animation"],
        "sound": line["sound"],
        "situation": situation,
        "tone": line["tone"],
    }


def round_line(*, player, round_id: int, wager: int, payout: int, replayed: bool) -> dict:
    """The line for a round; remembered for a day so an idempotent retry answers the same."""
    key = f"dialogue:round:{round_id}"
    if replayed:
        line = cache.get(key)
        if line is not None:
            return line
    situation = round_situation(player_id=player.pk, wager=wager, payout=payout, count=not replayed)
    line = dialogue_pick(player=player, situation=situation)
    cache.set(key, line, 86400)
    return line
