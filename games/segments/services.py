"""The nightly segment job: RFM quintiles in SQL, heavy play, the forecast, one bulk upsert.

``segments_compute`` reads each player's aggregates and their percent ranks
in one query (window functions over ``GROUP BY`` aggregates, on PostgreSQL
and SQLite alike), reads heavy play with one query per time zone in use,
and writes every ``PlayerSegment`` with one bulk upsert.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
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
    earlier = rules.least_squares(history_rows(at=now - 2 * month))
    fit = rules.least_squares(history_rows(at=now - month))
    if fit is None:
        return rules.DEFAULT_FIT
    mae, held_out = (None, 0)
    if earlier is not None:
        mae, held_out = rules.mean_absolute_error(earlier, history_rows(at=now - month))
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
