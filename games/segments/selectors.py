"""Reads of the segments: a player's own row, the active-hours window, segment sizes."""

from __future__ import annotations

import zoneinfo
from collections import Counter

from django.db.models import Count

from economy.progression.selectors import missions_for
from games.models.core import GameRound
from games.segments import rules
from games.segments.models import PlayerSegment, ProfileQuiz, Segment
from games.segments.recommend import MissionInfo, recommendations_pick, wager_blocked

WINDOW_ROUNDS = 500  # the newest rounds read for the active-hours window
WINDOW_HOURS = 2


def segment_of(player) -> PlayerSegment | None:
    return PlayerSegment.objects.filter(player=player).first()


def style_of(player) -> str | None:
    return ProfileQuiz.objects.filter(player=player).values_list("style", flat=True).first()


def active_window(player) -> dict | None:
    """The player's most active two local hours, from their newest rounds; night
    hours (00-05) are never suggested. None when there is nothing to go on."""
    zone = zoneinfo.ZoneInfo(player.time_zone or "UTC")
    stamps = (
        GameRound.objects.filter(player=player)
        .order_by("-id")
        .values_list("created_at", flat=True)[:WINDOW_ROUNDS]
    )
    hours = Counter(stamp.astimezone(zone).hour for stamp in stamps)
    for hour in rules.NIGHT_HOURS:
        hours.pop(hour, None)
    if not hours:
        return None
    start = max(range(24), key=lambda h: (hours[h] + hours[(h + 1) % 24], -h))
    end = (start + WINDOW_HOURS) % 24
    return {"start": f"{start:02d}:00", "end": f"{end:02d}:00", "time_zone": str(zone)}


def missions_info(player) -> list[MissionInfo]:
    return [
        MissionInfo(
            id=mission.pk,
            title=mission.template.title,
            type=mission.template.type,
            done=mission.completed_at is not None,
        )
        for mission in missions_for(player=player)
    ]


def recommendations_for(player, *, row: PlayerSegment | None = None) -> list[dict]:
    row = row if row is not None else segment_of(player)
    return recommendations_pick(
        segment=row.segment if row else None,
        heavy_play=bool(row and row.heavy_play),
        restricted=wager_blocked(player),
        style=style_of(player),
        missions=missions_info(player),
    )


def segment_sizes() -> list[dict]:
    counts = dict(PlayerSegment.objects.values_list("segment").annotate(n=Count("id")).order_by())
    heavy = PlayerSegment.objects.filter(heavy_play=True).count()
    sizes = [
        {"segment": value, "label": label, "players": counts.get(value, 0)}
        for value, label in Segment.choices
    ]
    return [*sizes, {"segment": "HEAVY_PLAY", "label": "Heavy play (flag)", "players": heavy}]
