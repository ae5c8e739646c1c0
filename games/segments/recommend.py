""" "Today for you": missions and activities from segment, heavy play and quiz.

``recommendations_pick`` is pure (plain values in, plain dicts out), so a
property test can run it across every segment, style and restriction.
A restricted player (heavy play, or any registered wager block such as a
cool-off or self-exclusion) gets only items that do not push wagering.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from games.segments.models import PlayStyle, Segment

# Mission types that ask for play (and so for wagers); the rest do not.
WAGER_MISSION_TYPES = frozenset({"PLAY_ROUNDS", "WIN_ROUNDS", "WAGER_COINS", "WIN_LIVE_MATCH"})
MAX_ITEMS = 4

# Other apps (responsible play) register a check ``player -> bool`` that is True
# while the player must not be nudged towards wagering (cool-off, self-exclusion,
# a low mood). Lower layers register here without this module importing them.
_wager_blocks: list[Callable[[object], bool]] = []


def wager_block_register(check: Callable[[object], bool]) -> None:
    if check not in _wager_blocks:
        _wager_blocks.append(check)


def wager_blocked(player) -> bool:
    return any(check(player) for check in _wager_blocks)


def _on_a_break_or_at_a_limit(player) -> bool:
    """Cool-off, self-exclusion, or a daily limit reached (accounts.responsible)."""
    from accounts.responsible import play_status

    return play_status(player=player).blocked is not None


def _low_mood_today(player) -> bool:
    from accounts.mood import mood_today

    return mood_today(player=player).is_low


# Registered here, where both are importable (games may read accounts): no
# suggestion that asks for a wager reaches a player on a break, at a limit,
# or who said today they feel low or stressed.
wager_block_register(_on_a_break_or_at_a_limit)
wager_block_register(_low_mood_today)


@dataclass(frozen=True)
class MissionInfo:
    id: int
    title: str
    type: str
    done: bool


def _activities() -> dict[str, dict]:
    """Activities by code: (title, url name, pushes wagering)."""
    table = {
        "break": (_("Take a break"), "profile", False),
        "daily_bonus": (_("Claim your daily bonus"), "wallet", False),
        "gallery": (_("Browse your gallery"), "gallery", False),
        "quiz": (_("Tell us how you like to play"), "profile-quiz", False),
        "leaderboard": (_("Try today's leaderboard"), "leaderboards", True),
        "live_rps": (_("Play live rock-paper-scissors"), "live_rps:page", True),
        "calm_spin": (_("A few calm spins"), "games:lobby", True),
    }
    return {
        code: {"title": title, "url": url, "wager": wager}
        for code, (title, url, wager) in table.items()
    }


def _style_activity(style: str | None) -> tuple[str, str] | None:
    return {
        PlayStyle.RELAXED: ("calm_spin", _("You said you like to play at an easy pace.")),
        PlayStyle.COMPETITIVE: ("leaderboard", _("You said you enjoy a bit of competition.")),
        PlayStyle.COLLECTOR: ("gallery", _("You said you like collecting.")),
        PlayStyle.SOCIAL: ("live_rps", _("You said you like playing with others.")),
    }.get(style)


def recommendations_pick(
    *,
    segment: str | None,
    heavy_play: bool,
    restricted: bool,
    style: str | None,
    missions: list[MissionInfo],
) -> list[dict]:
    """Up to four items ``{kind, code, title, reason, wager, mission_id, url_name}``."""
    activities = _activities()
    no_wager = heavy_play or restricted
    items: list[dict] = []

    def add_activity(code: str, reason: str) -> None:
        activity = activities[code]
        if no_wager and activity["wager"]:
            return
        if any(item["code"] == code for item in items):
            return
        items.append(
            {
                "kind": "activity",
                "code": code,
                "title": activity["title"],
                "reason": reason,
                "wager": activity["wager"],
                "mission_id": None,
                "url_name": activity["url"],
            }
        )

    if heavy_play:
        add_activity("break", _("You have played a lot lately, at length or late at night."))
    elif restricted:
        add_activity("break", _("You asked for time away from wagering; here is what stays open."))
    # Missions that need no coins come first, for everyone.
    ordered = sorted(missions, key=lambda mission: mission.type in WAGER_MISSION_TYPES)
    for mission in ordered:
        if mission.done:
            continue
        wager = mission.type in WAGER_MISSION_TYPES
        if no_wager and wager:
            continue
        if segment == Segment.NEW:
            reason = _("A good first mission while you find your way around.")
        elif not wager:
            reason = _("This one needs no coins at all.")
        elif segment == Segment.AT_RISK:
            reason = _("Welcome back: an easy mission to pick up where you left off.")
        else:
            reason = _("It is one of your missions for this period.")
        items.append(
            {
                "kind": "mission",
                "code": mission.type,
                "title": mission.title,
                "reason": reason,
                "wager": wager,
                "mission_id": mission.id,
                "url_name": "missions:hub",
            }
        )
        if len([item for item in items if item["kind"] == "mission"]) >= 2:
            break
    picked = _style_activity(style)
    if picked:
        add_activity(*picked)
    elif style is None:
        add_activity("quiz", _("Answer three questions and the suggestions fit you better."))
    add_activity("daily_bonus", _("Free coins once a day, no play needed."))
    return items[:MAX_ITEMS]
