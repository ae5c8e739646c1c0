"""The nightly segment job: RFM quintiles, heavy play, the forecast, one bulk upsert.

``segments_compute`` reads every player's figures for the three 30-day windows
before the run (today's scores with their percent ranks, and the forecast's
fit and held-out month) in one query (``player_history``): one pass over the
last 90 days of rounds (the ``created_at`` index), ``GROUP BY`` player and
site day, then ``GROUP BY`` player, joined to the players, with
``PERCENT_RANK()`` windows; a player with no round in those 90 days has their
newest round looked up by the player index. Heavy play is read over the last
14 days in one query, each round in its player's time zone. Every ``PlayerSegment`` is
written with one upsert (PostgreSQL: ``COPY`` into a temporary table, then one
``INSERT ... SELECT ... ON CONFLICT``; elsewhere ``bulk_create``).
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from accounts.models import User
from games.models.core import GameRound
from games.segments import rules
from games.segments.models import ForecastFit, PlayerSegment

UPSERT_BATCH = 2000
# What the job writes per player: the key, then the fields an upsert updates.
UPDATED = [
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
]
SEGMENT_FIELDS = ["player_id", *UPDATED]


def quintile(percent_rank: float | None) -> int:
    """1..5 from a percent rank in 0..1 (ties share a rank, so they share a score)."""
    return min(5, int((percent_rank or 0.0) * 5) + 1)


@dataclass(frozen=True, slots=True)
class PlayerHistory:
    """One player's figures at the run, in whole days. Window 0 is the 30 days before
    the run, window 1 the 30 before those (cut-off ``run - 30d``), window 2 the 30
    before those (cut-off ``run - 60d``)."""

    player_id: int
    is_active: bool
    joined_days: int  # days since signing up
    joined_before: tuple[bool, bool, bool]  # signed up before the run, cut-off 1, cut-off 2
    recency: int | None  # days since the newest round before the run (None: never played)
    active_days: tuple[int, int, int]  # distinct site-time-zone dates with a round, per window
    recency_at: tuple[int | None, int | None]  # days from the newest round to cut-offs 1, 2
    wagered: int  # coins wagered in window 0
    ranks: tuple[float, float, float]  # PERCENT_RANK of recency, frequency, coins (active)


def _days(later: str, earlier: str) -> str:
    """SQL for the whole days from ``earlier`` to ``later`` (as timedelta.days)."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(DAY FROM ({later} - {earlier}))::integer"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _batch_settings(cursor) -> None:
    """For this transaction only (PostgreSQL): memory for the hash of every player's
    days (it spilled to disk at 4 MB, the default), and no JIT (the look-up's
    estimated cost per lapsed player trips its thresholds; compiling took longer than
    the whole query runs without it)."""
    cursor.execute("SET LOCAL work_mem = '64MB'")
    cursor.execute("SET LOCAL jit = off")


def player_history(*, now: datetime) -> list[PlayerHistory]:
    """Every non-staff player who had joined by ``now``, in one query (module docstring)."""
    month = timedelta(days=rules.WINDOW_DAYS)
    cut1, cut2, since = now - month, now - 2 * month, now - 3 * month
    days = (
        GameRound.objects.filter(created_at__gte=since, created_at__lt=now)
        .order_by()
        .annotate(site_day=TruncDate("created_at"))
        .values("player_id", "site_day")
        .annotate(
            first_at=Min("created_at"),
            last_at=Max("created_at"),
            last_before1=Max("created_at", filter=Q(created_at__lt=cut1)),
            last_before2=Max("created_at", filter=Q(created_at__lt=cut2)),
            coins=Sum("wager", filter=Q(created_at__gte=cut1)),
        )
    )
    days_sql, days_params = days.query.sql_with_params()
    postgres = connection.vendor == "postgresql"
    # OFFSET 0 keeps PostgreSQL from inlining ``s`` and so from running the newest-round
    # look-up twice (once for the rank's sort, once for the output).
    fence = " OFFSET 0" if postgres else ""
    at = connection.ops.adapt_datetimefield_value
    rounds = connection.ops.quote_name(GameRound._meta.db_table)
    users = connection.ops.quote_name(User._meta.db_table)
    # A site day lies in one window or straddles one cut-off (a day is shorter than a
    # window), so it has a round in window 0 when its newest is after cut-off 1, in
    # window 1 when its oldest is before cut-off 1 and its newest after cut-off 2, and
    # in window 2 when its oldest is before cut-off 2.
    query = f"""
        SELECT s.id, s.is_active, s.joined_before_now, s.joined_before1, s.joined_before2,
               {_days("%s", "s.created_at")}, {_days("%s", "s.newest")},
               s.f0, s.f1, s.f2,
               {_days("%s", "s.last_before1")}, {_days("%s", "s.last_before2")}, s.coins,
               PERCENT_RANK() OVER (PARTITION BY s.is_active ORDER BY s.newest ASC NULLS FIRST),
               PERCENT_RANK() OVER (PARTITION BY s.is_active ORDER BY s.f0),
               PERCENT_RANK() OVER (PARTITION BY s.is_active ORDER BY s.coins)
        FROM (
            SELECT u.id, u.is_active, u.created_at, u.created_at < %s AS joined_before_now,
                   u.created_at < %s AS joined_before1, u.created_at < %s AS joined_before2,
                   COALESCE(p.newest, (SELECT MAX(r.created_at) FROM {rounds} r
                                       WHERE r.player_id = u.id AND r.created_at < %s)) AS newest,
                   COALESCE(p.f0, 0) AS f0, COALESCE(p.f1, 0) AS f1, COALESCE(p.f2, 0) AS f2,
                   p.last_before1, p.last_before2, COALESCE(p.coins, 0) AS coins
            FROM {users} u
            LEFT JOIN (
                SELECT d.player_id, MAX(d.last_at) AS newest,
                       SUM(CASE WHEN d.last_at >= %s THEN 1 ELSE 0 END) AS f0,
                       SUM(CASE WHEN d.first_at < %s AND d.last_at >= %s THEN 1 ELSE 0 END)
                           AS f1,
                       SUM(CASE WHEN d.first_at < %s THEN 1 ELSE 0 END) AS f2,
                       MAX(d.last_before1) AS last_before1, MAX(d.last_before2) AS last_before2,
                       SUM(d.coins) AS coins
                FROM ({days_sql}) d
                GROUP BY d.player_id
            ) p ON p.player_id = u.id
            WHERE u.is_staff = %s AND u.created_at < %s{fence}
        ) s
    """  # noqa: S608 (table names from _meta; every value is a parameter)
    whole_days = [at(now), at(now), at(cut1), at(cut2)]
    the_players = [at(now), at(cut1), at(cut2), at(since)]
    per_player = [at(cut1), at(cut1), at(cut2), at(cut2), *days_params]
    params = [*whole_days, *the_players, *per_player, False, at(now)]
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            _batch_settings(cursor)
        cursor.execute(query, params)
        rows = cursor.fetchall()
    return [
        PlayerHistory(
            player_id=player_id,
            is_active=bool(is_active),
            joined_days=joined_days,
            joined_before=(bool(before_now), bool(before1), bool(before2)),
            recency=recency,
            active_days=(int(f0), int(f1), int(f2)),
            recency_at=(recency1, recency2),
            wagered=int(coins),
            ranks=(r_rank, f_rank, m_rank),
        )
        for (
            player_id,
            is_active,
            before_now,
            before1,
            before2,
            joined_days,
            recency,
            f0,
            f1,
            f2,
            recency1,
            recency2,
            coins,
            r_rank,
            f_rank,
            m_rank,
        ) in rows
    ]


def heavy_players(*, now: datetime) -> set[int]:
    """Players with heavy play in the last 14 days, in their own time zone: per player
    and local day, the rounds and the night rounds (PostgreSQL: one query, each round
    in its player's zone; elsewhere one query per time zone in use)."""
    since = now - timedelta(days=rules.HEAVY_WINDOW_DAYS)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for player_id, rounds, night in _local_days(since=since, now=now):
        total = totals[player_id]
        total[0] += rounds
        total[1] += night
        total[2] = max(total[2], rounds)
    return {
        player_id
        for player_id, (rounds, night, busiest) in totals.items()
        if rules.heavy_play_for(rounds=rounds, night_rounds=night, busiest_day_rounds=busiest)
    }


def _local_days(*, since: datetime, now: datetime):
    """(player, rounds, night rounds) per player and local day, rounds in [since, now)."""
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        local = "(r.created_at AT TIME ZONE u.time_zone)"
        query = f"""
            SELECT r.player_id, COUNT(*),
                   COUNT(*) FILTER (WHERE EXTRACT(HOUR FROM {local}) < %s)
            FROM {quote(GameRound._meta.db_table)} r
            JOIN {quote(User._meta.db_table)} u ON u.id = r.player_id
            WHERE r.created_at >= %s AND r.created_at < %s
            GROUP BY r.player_id, {local}::date
        """  # noqa: S608 (table names from _meta; every value is a parameter)
        with transaction.atomic(), connection.cursor() as cursor:
            _batch_settings(cursor)
            cursor.execute(query, [rules.NIGHT_HOURS.stop, since, now])
            rows = cursor.fetchall()
        yield from rows
        return
    recent = GameRound.objects.filter(created_at__gte=since, created_at__lt=now)
    for name in User.objects.order_by().values_list("time_zone", flat=True).distinct():
        zone = zoneinfo.ZoneInfo(name)
        yield from (
            recent.filter(player__time_zone=name)
            .annotate(hour=ExtractHour("created_at", tzinfo=zone))
            .values("player_id", day=TruncDate("created_at", tzinfo=zone))
            .annotate(
                rounds=Count("id"), night=Count("id", filter=Q(hour__lt=rules.NIGHT_HOURS.stop))
            )
            .values_list("player_id", "rounds", "night")
        )


def history_rows(history: list[PlayerHistory], *, months_back: int):
    """(frequency in the 30 days before the cut-off ``run - months_back * 30d``, capped
    recency at the cut-off, active days in the 30 days from it) for every player who
    had joined by the cut-off; ``months_back`` is 1 or 2."""
    for player in history:
        if not player.joined_before[months_back]:
            continue
        recency = player.recency_at[months_back - 1]
        # An older round (or none) caps the recency anyway.
        recency = rules.RECENCY_CAP if recency is None else min(recency, rules.RECENCY_CAP)
        yield player.active_days[months_back], recency, player.active_days[months_back - 1]


def forecast_refit(*, now: datetime, history: list[PlayerHistory] | None = None) -> rules.Fit:
    """Fit on the last complete month (features before ``now - 30d``, outcome the
    30 days after); the accuracy is that of the fit made one month earlier, measured
    on that same last month, which it never saw (mean absolute error in days)."""
    history = player_history(now=now) if history is None else history
    last_month = list(history_rows(history, months_back=1))
    fit = rules.least_squares(last_month)
    if fit is None:
        return rules.DEFAULT_FIT
    earlier = rules.least_squares(history_rows(history, months_back=2))
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
    history = player_history(now=now)
    training = list(history_rows(history, months_back=2))
    held_out = list(history_rows(history, months_back=1))
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
    history = player_history(now=now)
    fit = forecast_refit(now=now, history=history) if refit else forecast_current()
    heavy = heavy_players(now=now)
    rows = []  # one tuple per player, in the order of SEGMENT_FIELDS
    for player in history:
        if not (player.is_active and player.joined_before[0]):
            continue
        recency, active_days = player.recency, player.active_days[0]
        r, f, m = (quintile(rank) for rank in player.ranks)
        if recency is None:
            r = 1  # never played: the least recent, whatever the ties
        segment = rules.segment_for(
            joined_days=player.joined_days, recency_days=recency, r_score=r, f_score=f, m_score=m
        )
        rows.append(
            (
                player.player_id,
                segment,
                recency,
                active_days,
                player.wagered,
                r,
                f,
                m,
                player.player_id in heavy,
                fit.predict(frequency=active_days, recency_days=recency),
                now,
            )
        )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _upsert_copy(rows)
        else:
            PlayerSegment.objects.bulk_create(
                [PlayerSegment(**dict(zip(SEGMENT_FIELDS, row, strict=True))) for row in rows],
                batch_size=UPSERT_BATCH,
                update_conflicts=True,
                unique_fields=["player"],
                update_fields=UPDATED,
            )
    return len(rows)


def _upsert_copy(rows: list[tuple]) -> None:
    """``COPY`` the rows into a temporary table, then one ``INSERT ... SELECT ... ON
    CONFLICT (player) DO UPDATE`` (PostgreSQL): no parameter per value to render."""
    if not rows:
        return
    fields = [PlayerSegment._meta.get_field(name) for name in SEGMENT_FIELDS]
    quote = connection.ops.quote_name
    table = quote(PlayerSegment._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    updates = ", ".join(f"{quote(f.column)} = EXCLUDED.{quote(f.column)}" for f in fields[1:])
    with connection.cursor() as cursor:
        # Inside an outer transaction (a second run before it commits) it still exists.
        cursor.execute("DROP TABLE IF EXISTS pg_temp.segment_rows")
        cursor.execute(
            f"CREATE TEMPORARY TABLE segment_rows ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY segment_rows ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM segment_rows "  # noqa: S608
            f"ON CONFLICT ({quote(fields[0].column)}) DO UPDATE SET {updates}"
        )
