"""The boards, their periods and how a score combines with the one already there.

Periods reset in the site's time zone (``settings.TIME_ZONE``): daily at local
midnight, weekly on Monday at local midnight (ISO weeks). Keys are
``YYYY-MM-DD`` for days, ``YYYY-Www`` for ISO weeks and ``all`` for all-time.
"""

from __future__ import annotations

import enum
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Board(models.TextChoices):
    BIGGEST_WIN = "biggest_win", _("Biggest win")
    NET_WINNINGS = "net_winnings", _("Net winnings")
    XP = "xp", _("Experience")
    RPS_RATING = "rps_rating", _("Live RPS rating")


class Period(models.TextChoices):
    DAILY = "daily", _("Today")
    WEEKLY = "weekly", _("This week")
    ALLTIME = "alltime", _("All time")


class Combine(enum.Enum):
    """How a new value meets the stored score."""

    SUM = "sum"  # add (net winnings, XP gained in a period)
    MAX = "max"  # keep the larger (biggest win, peak rating in a period, lifetime XP)
    SET = "set"  # replace (current rating)


COMBINE: dict[tuple[str, str], Combine] = {
    **{(Board.BIGGEST_WIN, period): Combine.MAX for period in Period.values},
    **{(Board.NET_WINNINGS, period): Combine.SUM for period in Period.values},
    (Board.XP, Period.DAILY): Combine.SUM,
    (Board.XP, Period.WEEKLY): Combine.SUM,
    # XP_GAINED carries the lifetime total, which only grows.
    (Board.XP, Period.ALLTIME): Combine.MAX,
    # Daily and weekly rating boards show the peak rating reached in the
    # period (among players who played a live match in it); all-time shows the
    # current rating.
    (Board.RPS_RATING, Period.DAILY): Combine.MAX,
    (Board.RPS_RATING, Period.WEEKLY): Combine.MAX,
    (Board.RPS_RATING, Period.ALLTIME): Combine.SET,
}

ALLTIME_KEY = "all"
# How many rows a board shows (page, API and live pushes alike).
TOP_N = 100


def site_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def period_key(period: str, at: datetime | None = None) -> str:
    """The key of the period that contains ``at`` (now by default), in the site zone."""
    if period == Period.ALLTIME:
        return ALLTIME_KEY
    local = timezone.localtime(at or timezone.now(), site_zone())
    if period == Period.DAILY:
        return local.date().isoformat()
    if period == Period.WEEKLY:
        year, week, _weekday = local.isocalendar()
        return f"{year}-W{week:02d}"
    raise ValueError(f"unknown period {period!r}")


@dataclass(frozen=True, order=True)
class ScoreChange:
    """One value to combine into one player's score on one board and period."""

    board: str
    period: str
    period_key: str
    player_id: int
    value: int

    @property
    def combine(self) -> Combine:
        return COMBINE[(self.board, self.period)]

    @property
    def slot(self) -> tuple[str, str, str, int]:
        return (self.board, self.period, self.period_key, self.player_id)


def changes_for(board: str, player_id: int, value: int, at: datetime) -> list[ScoreChange]:
    """The same value applied to the board's three periods containing ``at``."""
    return [
        ScoreChange(board, period, period_key(period, at), player_id, value)
        for period in Period.values
    ]


def merge(changes: list[ScoreChange]) -> list[ScoreChange]:
    """One change per (board, period, key, player), sorted.

    One upsert statement may touch a row once only (PostgreSQL), and a fixed
    row order keeps two concurrent upserts from deadlocking.
    """
    merged: dict[tuple, ScoreChange] = {}
    for change in changes:
        previous = merged.get(change.slot)
        if previous is None:
            merged[change.slot] = change
            continue
        if change.combine is Combine.SUM:
            value = previous.value + change.value
        elif change.combine is Combine.MAX:
            value = max(previous.value, change.value)
        else:
            value = change.value
        merged[change.slot] = ScoreChange(*change.slot, value)
    return sorted(merged.values())


def period_ends_at(period: str, at: datetime | None = None) -> datetime | None:
    """When the period of ``at`` resets (local midnight, weeks on Monday); None if all-time."""
    if period == Period.ALLTIME:
        return None
    local = timezone.localtime(at or timezone.now(), site_zone())
    days = 1 if period == Period.DAILY else 7 - local.weekday()
    end = (local + timedelta(days=days)).date()
    return datetime(end.year, end.month, end.day, tzinfo=site_zone())
