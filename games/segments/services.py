"""The nightly segment job: RFM quintiles in SQL, heavy play, the forecast, one bulk upsert.

``segments_compute`` reads each player's aggregates and their percent ranks
in one query (window functions over ``GROUP BY`` aggregates, on PostgreSQL
and SQLite alike), reads heavy play with one query per time zone in use,
and writes every ``PlayerSegment`` with one bulk upsert.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum, Window
from django.db.models.functions import Coalesce, ExtractHour, PercentRank, TruncDate
from django.utils import timezone

from accounts.models import User
from games.models.core import GameRound
from games.segments import rules
from games.segments.models import ForecastFit, PlayerSegment

UPSERT_BATCH = 2000


def quintile(percent_rank: float | None) -> int:
    """1..5 from a percent rank in 0..1 (ties share a rank, so they share a score)."""
    return min(5, int((percent_rank or 0.0) * 5) + 1)


def players_scored(*, now: datetime):
    """Each player's recency, frequency and coins wagered in the 30 days before ``now``,
    with their percent ranks over all players (the quintiles' input)."""
    since = now - timedelta(days=rules.WINDOW_DAYS)
    in_window = Q(game_rounds__created_at__gte=since, game_rounds__created_at__lt=now)
    return (
        User.objects.filter(is_staff=False, is_active=True, created_at__lt=now)
        .annotate(
            last_round=Max("game_rounds__created_at", filter=Q(game_rounds__created_at__lt=now)),
            active_days=Count(
                TruncDate("game_rounds__created_at"), distinct=True, filter=in_window
            ),
            wagered=Coalesce(Sum("game_rounds__wager", filter=in_window), 0),
        )
        .annotate(
            r_rank=Window(PercentRank(), order_by=F("last_round").asc(nulls_first=True)),
            f_rank=Window(PercentRank(), order_by=F("active_days").asc()),
            m_rank=Window(PercentRank(), order_by=F("wagered").asc()),
        )
        .values_list(
            "id", "created_at", "last_round", "active_days", "wagered", "r_rank", "f_rank", "m_rank"
        )
    )


def heavy_players(*, now: datetime) -> set[int]:
    """Players with heavy play in the last 14 days, in their own time zone (one
    query per time zone in use: the local hour and day need the zone)."""
    since = now - timedelta(days=rules.HEAVY_WINDOW_DAYS)
    recent = GameRound.objects.filter(created_at__gte=since, created_at__lt=now)
    zones = recent.order_by().values_list("player__time_zone", flat=True).distinct()
    heavy: set[int] = set()
    for name in zones:
        zone = zoneinfo.ZoneInfo(name)
        days = (
            recent.filter(player__time_zone=name)
            .annotate(hour=ExtractHour("created_at", tzinfo=zone))
            .values("player_id", day=TruncDate("created_at", tzinfo=zone))
            .annotate(rounds=Count("id"), night=Count("id", filter=Q(hour__lt=5)))
            .values_list("player_id", "rounds", "night")
        )
        totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for player_id, rounds, night in days:
            total = totals[player_id]
            total[0] += rounds
            total[1] += night
            total[2] = max(total[2], rounds)
        heavy.update(
            player_id
            for player_id, (rounds, night, busiest) in totals.items()
            if rules.heavy_play_for(rounds=rounds, night_rounds=night, busiest_day_rounds=busiest)
        )
    return heavy


def history_rows(*, at: datetime):
    """(frequency in the 30 days before ``at``, capped recency at ``at``, active days in
    the 30 days from ``at``) for every player who had joined by ``at``."""
    before = Q(
        game_rounds__created_at__gte=at - timedelta(days=rules.WINDOW_DAYS),
        game_rounds__created_at__lt=at,
    )
    after = Q(
        game_rounds__created_at__gte=at,
        game_rounds__created_at__lt=at + timedelta(days=rules.WINDOW_DAYS),
    )
    rows = (
        User.objects.filter(is_staff=False, created_at__lt=at)
        .annotate(
            last_round=Max("game_rounds__created_at", filter=Q(game_rounds__created_at__lt=at)),
            before=Count(TruncDate("game_rounds__created_at"), distinct=True, filter=before),
            after=Count(TruncDate("game_rounds__created_at"), distinct=True, filter=after),
        )
        .values_list("before", "last_round", "after")
        .iterator(chunk_size=5000)
    )
    for frequency, last_round, active_next in rows:
        recency = rules.RECENCY_CAP if last_round is None else (at - last_round).days
        yield frequency, min(recency, rules.RECENCY_CAP), active_next


def forecast_refit(*, now: datetime) -> rules.Fit:
    """Fit on the last complete month (features before ``now - 30d``, outcome the
    30 days after); the accuracy is that of the fit made one month earlier, measured
    on that same last month, which it never saw (mean absolute error in days)."""
    month = timedelta(days=rules.WINDOW_DAYS)
    last_month = list(history_rows(at=now - month))  # read once: fitted on and scored on
    fit = rules.least_squares(last_month)
    if fit is None:
        return rules.DEFAULT_FIT
    earlier = rules.least_squares(history_rows(at=now - 2 * month))
    mae, held_out = (None, 0)
    if earlier is not None:
        mae, held_out = rules.mean_absolute_error(earlier, last_month)
    ForecastFit.objects.create(
        intercept=fit.intercept,
        b_frequency=fit.b_frequency,
        b_recency=fit.b_recency,
        samples=fit.samples,
        holdout_mae=mae,
        holdout_samples=held_out,
        fitted_at=now,
    )
    return fit


@dataclass(frozen=True)
class ForecastAccuracy:
    """The forecast fitted one month before the last, scored on the last month."""

    now: datetime
    fit: rules.Fit | None  # None: too little history to fit
    samples: int  # players scored on the held-out month
    mae: float | None  # the forecast's mean absolute error, in active days
    naive_mae: float  # "as many active days as in the last 30" (the default fit)
    mean_mae: float  # "everyone the fitting month's average"
    mean_active: float  # the held-out month's average active days

    def lines(self) -> list[str]:
        month = timedelta(days=rules.WINDOW_DAYS)
        held_out = f"{self.now - month:%Y-%m-%d} .. {self.now:%Y-%m-%d}"
        if self.fit is None:
            return [f"not enough history to fit before {self.now - month:%Y-%m-%d}"]
        fit = self.fit
        return [
            f"fitted on {fit.samples:,} players: features {self.now - 3 * month:%Y-%m-%d} .. "
            f"{self.now - 2 * month:%Y-%m-%d}, outcome the next 30 days",
            f"forecast = {fit.intercept:.3f} + {fit.b_frequency:.3f} * frequency "
            f"{fit.b_recency:+.3f} * min(recency, 30)",
            f"held-out month {held_out}: {self.samples:,} players, "
            f"{self.mean_active:.2f} active days on average",
            f"mean absolute error, forecast:                      {self.mae:.3f} days",
            f"mean absolute error, same as the last 30 days:      {self.naive_mae:.3f} days",
            f"mean absolute error, everyone the average:          {self.mean_mae:.3f} days",
        ]


def forecast_accuracy(*, now: datetime | None = None) -> ForecastAccuracy:
    """How well the forecast does on the site's own data: fitted as the nightly job
    would have fitted it a month ago (outcome month ``now - 60d .. now - 30d``), scored
    on the month up to ``now``, which that fit never saw, next to two naive forecasts.
    Reads only; stores nothing (``manage.py forecast_accuracy``)."""
    now = now or timezone.now()
    month = timedelta(days=rules.WINDOW_DAYS)
    training = list(history_rows(at=now - 2 * month))
    held_out = list(history_rows(at=now - month))
    fit = rules.least_squares(training)
    average = sum(y for _, _, y in training) / len(training) if training else 0.0
    mean_fit = rules.Fit(intercept=average, b_frequency=0.0, b_recency=0.0, samples=0)
    naive_mae, samples = rules.mean_absolute_error(rules.DEFAULT_FIT, held_out)
    return ForecastAccuracy(
        now=now,
        fit=fit,
        samples=samples,
        mae=None if fit is None else rules.mean_absolute_error(fit, held_out)[0],
        naive_mae=naive_mae,
        mean_mae=rules.mean_absolute_error(mean_fit, held_out)[0],
        mean_active=sum(y for _, _, y in held_out) / len(held_out) if held_out else 0.0,
    )


def forecast_current() -> rules.Fit:
    latest = ForecastFit.objects.order_by("-fitted_at", "-id").first()
    if latest is None:
        return rules.DEFAULT_FIT
    return rules.Fit(latest.intercept, latest.b_frequency, latest.b_recency, latest.samples)


def segments_compute(*, now: datetime | None = None, refit: bool = True) -> int:
    """Recompute every player's segment (the nightly job). Returns the rows written."""
    now = now or timezone.now()
    fit = forecast_refit(now=now) if refit else forecast_current()
    heavy = heavy_players(now=now)
    rows = []
    for (
        player_id,
        joined,
        last_round,
        active_days,
        wagered,
        r_rank,
        f_rank,
        m_rank,
    ) in players_scored(now=now):
        recency = None if last_round is None else (now - last_round).days
        r, f, m = quintile(r_rank), quintile(f_rank), quintile(m_rank)
        if last_round is None:
            r = 1  # never played: the least recent, whatever the ties
        rows.append(
            PlayerSegment(
                player_id=player_id,
                segment=rules.segment_for(
                    joined_days=(now - joined).days,
                    recency_days=recency,
                    r_score=r,
                    f_score=f,
                    m_score=m,
                ),
                recency_days=recency,
                active_days=active_days,
                coins_wagered=wagered,
                r_score=r,
                f_score=f,
                m_score=m,
                heavy_play=player_id in heavy,
                forecast=fit.predict(frequency=active_days, recency_days=recency),
                computed_at=now,
            )
        )
    with transaction.atomic():
        PlayerSegment.objects.bulk_create(
            rows,
            batch_size=UPSERT_BATCH,
            update_conflicts=True,
            unique_fields=["player"],
            update_fields=[
                "segment",
                "recency_days",
                "active_days",
                "coins_wagered",
                "r_score",
                "f_score",
                "m_score",
                "heavy_play",
                "forecast",
                "computed_at",
            ],
        )
    return len(rows)
