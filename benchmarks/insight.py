"""The nightly segment job and the moderators' reports on a large synthetic site, next to
one ``GROUP BY`` over the rounds table; and the forecast's error on a held-out month.

Run with ``make bench-insight`` (or ``.venv/bin/python benchmarks/insight.py``
with ``DATABASE_URL`` pointing at PostgreSQL). It creates a scratch database
``bench_insight``, migrates it and generates, in SQL (``INSERT ... SELECT``
over ``generate_series``, not the ORM), ``--players`` players (default
100,000) with ``--days`` days of history (default 120) and about ``--rounds``
rounds (default 5,000,000), each with its ``ROUND_PLAYED`` action and its
ledger transactions (a wager, a payout when it won; daily bonuses, signup
grants and shop purchases from the mint and to the shop sink).

The population is synthetic: each player has a join day, a daily chance of
playing (``0.02 + 0.6 u^2``), a day they stop (exponential, mean 90 days;
a quarter never stop), a usual local hour and a number of rounds per active
day. Foreign-key triggers are off while loading and the secondary indexes
are rebuilt afterwards; then ``VACUUM ANALYZE``.

Timed, each next to the floor (``SELECT player_id, count(*), sum(wager),
max(created_at) FROM games_gameround GROUP BY player_id``: one pass over the
same table; best of three):

- ``segments_compute`` as the nightly task runs it (refit with its held-out
  month, heavy play, RFM quintiles, the upsert of every ``PlayerSegment``):
  the first run (inserting the rows) and the second (updating them), and its
  two reads (``player_history``, ``heavy_players``) on their own;
- the reports ``retention``, ``economy`` and ``spend`` (30 days, by day).

Then ``forecast_accuracy`` (the function behind ``manage.py
forecast_accuracy``): the forecast fitted on the earlier months, its mean
absolute error on the last month (which it never saw), next to "as many days
as in the last 30" and "everyone the average". The database is dropped at
the end (``--keep`` keeps it, to ``EXPLAIN`` by hand).
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import time
from datetime import UTC, datetime

from common import (
    database_url,
    django_migrate,
    drop_database,
    recreate_database,
    with_database,
)

BENCH_DB = "bench_insight"
# Player time zones and their December UTC offsets (hours), for the usual local hour.
ZONES = [("UTC", 0), ("Asia/Seoul", 9), ("Europe/Berlin", 1), ("America/New_York", -5)]
LOADED = ["games_gameround", "accounts_action", "economy_ledgertransaction", "economy_entry"]
FLOOR_SQL = (
    "SELECT player_id, count(*), sum(wager), max(created_at) "
    "FROM games_gameround GROUP BY player_id"
)


def sql(cursor, statement: str, params=None, label: str | None = None) -> float:
    started = time.perf_counter()
    cursor.execute(statement, params)
    seconds = time.perf_counter() - started
    if label:
        print(f"  {label}: {seconds:.1f} s", flush=True)
    return seconds


def secondary_indexes_drop(cursor) -> list[str]:
    """Drop the loaded tables' indexes that back no constraint; their definitions."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [LOADED],
    )
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def generate(*, players: int, rounds: int, days: int, now: datetime) -> dict[str, int]:
    """The synthetic site, in SQL. Returns the row counts."""
    from django.db import connection, transaction

    from economy.services import GAME_BANK_PREFIX, MINT, SHOP_SINK, system_account
    from games.models.core import GameConfig
    from games.services import game_configs_active

    game_configs_active()
    mint = system_account(code=MINT).id
    shop = system_account(code=SHOP_SINK).id
    configs = dict(GameConfig.objects.filter(is_active=True).values_list("game", "id"))
    games = sorted(configs)
    banks = [system_account(code=GAME_BANK_PREFIX + game).id for game in games]
    game_banks = "ARRAY[" + ",".join(str(bank) for bank in banks) + "]"
    zone_names = "ARRAY[" + ",".join(f"'{name}'" for name, _ in ZONES) + "]"
    zone_offsets = "ARRAY[" + ",".join(str(offset) for _, offset in ZONES) + "]"
    game_names = "ARRAY[" + ",".join(f"'{game}'" for game in games) + "]"
    game_configs = "ARRAY[" + ",".join(str(configs[game]) for game in games) + "]"
    start = f"(TIMESTAMPTZ '{now.isoformat()}' - INTERVAL '{days} days')"

    with transaction.atomic(), connection.cursor() as cursor:
        sql(cursor, "SET LOCAL session_replication_role = replica")  # no FK triggers
        sql(cursor, "SET LOCAL work_mem = '256MB'")
        sql(cursor, "SET LOCAL maintenance_work_mem = '512MB'")
        sql(cursor, "SELECT setseed(0.42)")
        indexes = secondary_indexes_drop(cursor)
        sql(
            cursor,
            f"""
            CREATE TEMP TABLE bench_player ON COMMIT DROP AS
            SELECT g AS id,
                   -- six in ten joined before the history starts, the rest during it
                   CASE WHEN random() < 0.6 THEN -1 - floor(random() * 60)::int
                        ELSE floor(random() * {days})::int END AS join_day,
                   0.02 + 0.6 * random() ^ 2 AS p,
                   CASE WHEN random() < 0.25 THEN 100000
                        ELSE floor(-ln(1 - random()) * 90)::int END AS lifetime,
                   -ln(1 - random()) AS intensity,
                   floor(random() * 24)::int AS local_hour,
                   1 + floor(random() * {len(ZONES)})::int AS zone
            FROM generate_series(1, %s) g
            """,
            [players],
            label="players' parameters",
        )
        sql(
            cursor,
            f"""
            INSERT INTO accounts_user (id, password, last_login, is_superuser, email, nickname,
                date_of_birth, time_zone, is_active, is_staff, created_at,
                show_on_leaderboards, language)
            SELECT id, '!bench', NULL, false, 'p' || id || '@bench.example', 'p' || id,
                   DATE '1990-01-01', ({zone_names})[zone], true, false,
                   {start} + join_day * INTERVAL '1 day' + random() * INTERVAL '1 day',
                   true, 'en'
            FROM bench_player
            """,
            label="accounts_user",
        )
        sql(
            cursor,
            """
            INSERT INTO games_seedpair (id, server_seed, server_seed_hash, client_seed, nonce,
                is_active, created_at, player_id)
            SELECT id, md5(id::text) || md5('s' || id), md5(id::text || 'h') || md5('h'),
                   md5('c' || id), 0, true, now(), id
            FROM bench_player
            """,
            label="games_seedpair",
        )
        sql(
            cursor,
            f"""
            CREATE TEMP TABLE bench_day ON COMMIT DROP AS
            SELECT b.id AS player_id, d AS day, b.intensity, b.local_hour, b.zone
            FROM bench_player b,
                 generate_series(greatest(b.join_day, 0),
                                 least(b.join_day + b.lifetime, {days - 1})) d
            WHERE random() + 0 * d < b.p  -- per day: a qual on b alone would run per player
            """,
            label="active days",
        )
        cursor.execute("SELECT count(*) FROM bench_day")
        active_days = cursor.fetchone()[0]
        # Rounds beyond the first per day; floor() below takes about half a round off.
        extra = max(rounds / max(active_days, 1) - 0.5, 0)
        sql(
            cursor,
            f"""
            CREATE TEMP TABLE bench_round ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY at) AS id, *
            FROM (
              SELECT d.player_id, g.k,
                     {start} + d.day * INTERVAL '1 day'
                       + (((d.local_hour - ({zone_offsets})[d.zone]) + 48) %% 24)
                         * INTERVAL '1 hour'
                       + random() * INTERVAL '150 minutes' AS at,
                     1 + floor(random() * {len(games)})::int AS game,
                     (1 + floor(random() * 5)::int) * 20 AS wager,
                     random() AS luck
              FROM bench_day d,
                   generate_series(1, 1 + floor(-ln(1 - random()) * d.intensity * %s)::int) g(k)
            ) rounds
            """,
            [extra],
            label="rounds (temp)",
        )
        sql(
            cursor,
            f"""
            INSERT INTO games_gameround (id, game, params, draws, outcome, wager, payout,
                balance_after, server_seed_hash, client_seed, nonce, wager_transaction_id,
                payout_transaction_id, idempotency_key, created_at, config_id, player_id,
                seed_pair_id)
            SELECT id, ({game_names})[game], '{{"bet_per_line": 1, "lines": 20}}',
                   jsonb_build_array(id % 97, id % 89, id % 83, id % 79, id % 73),
                   jsonb_build_object('wins', '[]'::jsonb, 'multiplier',
                                      CASE WHEN luck < 0.3 THEN round(luck * 10) ELSE 0 END),
                   wager, CASE WHEN luck < 0.3 THEN wager * round(luck * 10)::int ELSE 0 END,
                   1000, md5(player_id::text || 'h') || md5('h'), md5('c' || player_id), id,
                   2 * id - 1, CASE WHEN luck < 0.3 AND luck >= 0.05 THEN 2 * id END, NULL,
                   at, ({game_configs})[game], player_id, player_id
            FROM bench_round
            """,
            label="games_gameround",
        )
        sql(
            cursor,
            """
            INSERT INTO accounts_action (type, value, metadata, created_at, player_id, txid)
            SELECT 'ROUND_PLAYED', wager, jsonb_build_object('round', id, 'game', game),
                   at, player_id, id
            FROM bench_round
            """,
            label="accounts_action",
        )
        # The ledger: a wager and, when it won, a payout per round (ids 2n-1 and 2n);
        # after them, a signup grant per player, a daily bonus on half the active days
        # and a shop purchase on 2% of them.
        sql(
            cursor,
            """
            INSERT INTO economy_account (id, kind, code, balance, created_at, player_id)
            SELECT 1000 + id, 'PLAYER', NULL, 0, now(), id FROM bench_player
            """,
            label="economy_account",
        )
        sql(
            cursor,
            """
            INSERT INTO economy_ledgertransaction (id, kind, reference, reason,
                idempotency_scope, idempotency_key, created_at, actor_id)
            SELECT 2 * id - 1, 'WAGER', 'round', '', '', NULL::varchar, at, NULL::bigint
            FROM bench_round
            UNION ALL
            SELECT 2 * id, 'PAYOUT', 'round', '', '', NULL::varchar, at, NULL::bigint
            FROM bench_round
            WHERE luck < 0.3 AND luck >= 0.05
            """,
            label="economy_ledgertransaction (rounds)",
        )
        sql(
            cursor,
            f"""
            INSERT INTO economy_entry (amount, balance_after, created_at, account_id,
                transaction_id)
            SELECT -wager, NULL::bigint, at, 1000 + player_id, 2 * id - 1 FROM bench_round
            UNION ALL SELECT wager, NULL, at, ({game_banks})[game], 2 * id - 1 FROM bench_round
            UNION ALL SELECT wager * round(luck * 10)::int, NULL, at, 1000 + player_id, 2 * id
              FROM bench_round WHERE luck < 0.3 AND luck >= 0.05
            UNION ALL SELECT -wager * round(luck * 10)::int, NULL, at, ({game_banks})[game], 2 * id
              FROM bench_round WHERE luck < 0.3 AND luck >= 0.05
            """,
            label="economy_entry (rounds)",
        )
        cursor.execute("SELECT coalesce(max(id), 0) FROM economy_ledgertransaction")
        base = cursor.fetchone()[0]
        sql(
            cursor,
            f"""
            CREATE TEMP TABLE bench_grant ON COMMIT DROP AS
            SELECT %s + row_number() OVER () AS id, * FROM (
              SELECT 'SIGNUP_GRANT' AS kind, u.id AS player_id, 1000 AS amount,
                     u.created_at AS at, %s AS source, 1000 + u.id AS destination
              FROM accounts_user u
              UNION ALL
              SELECT 'DAILY_BONUS', player_id, 100,
                     {start} + day * INTERVAL '1 day' + INTERVAL '1 minute', %s,
                     1000 + player_id
              FROM bench_day WHERE random() < 0.5
              UNION ALL
              SELECT 'SHOP_PURCHASE', player_id, 500,
                     {start} + day * INTERVAL '1 day' + INTERVAL '23 hours', 1000 + player_id,
                     %s
              FROM bench_day WHERE random() < 0.02
            ) grants
            """,
            [base, mint, mint, shop],
        )
        sql(
            cursor,
            """
            INSERT INTO economy_ledgertransaction (id, kind, reference, reason,
                idempotency_scope, idempotency_key, created_at, actor_id)
            SELECT id, kind, 'bench', '', '', NULL::varchar, at, NULL::bigint FROM bench_grant;
            INSERT INTO economy_entry (amount, balance_after, created_at, account_id,
                transaction_id)
            SELECT -amount, NULL::bigint, at, source, id FROM bench_grant
            UNION ALL SELECT amount, NULL, at, destination, id FROM bench_grant
            """,
            label="economy grants and purchases",
        )
        # Players who lost more than they were given get one refill of the difference
        # at signup, so that every wallet ends at or above zero, as the ledger demands.
        sql(
            cursor,
            """
            CREATE TEMP TABLE bench_refill ON COMMIT DROP AS
            SELECT (SELECT max(id) FROM economy_ledgertransaction)
                     + row_number() OVER () AS id, s.account_id, -s.total AS amount,
                   u.created_at + INTERVAL '1 minute' AS at
            FROM (SELECT account_id, sum(amount) AS total FROM economy_entry
                  WHERE account_id > 1000 GROUP BY account_id) s
            JOIN accounts_user u ON u.id = s.account_id - 1000
            WHERE s.total < 0;
            INSERT INTO economy_ledgertransaction (id, kind, reference, reason,
                idempotency_scope, idempotency_key, created_at, actor_id)
            SELECT id, 'REFILL', 'bench', '', '', NULL, at, NULL FROM bench_refill;
            INSERT INTO economy_entry (amount, balance_after, created_at, account_id,
                transaction_id)
            SELECT -amount, NULL::bigint, at, %s, id FROM bench_refill
            UNION ALL SELECT amount, NULL, at, account_id, id FROM bench_refill
            """,
            [mint],
            label="refills",
        )
        for table in ("accounts_user", "games_seedpair", "games_gameround", "economy_account"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('economy_ledgertransaction', 'id'), "
            "(SELECT max(id) FROM economy_ledgertransaction))"
        )
        sql(
            cursor,
            """
            UPDATE economy_account a SET balance = s.total
            FROM (SELECT account_id, sum(amount) AS total FROM economy_entry
                  WHERE account_id > 1000 GROUP BY account_id) s
            WHERE a.id = s.account_id AND a.kind = 'PLAYER'
            """,
            label="player balances",
        )
        started = time.perf_counter()
        for definition in indexes:
            cursor.execute(definition)
        print(f"  {len(indexes)} secondary indexes: {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        sql(cursor, "VACUUM ANALYZE", label="VACUUM ANALYZE")
        counts = {}
        for table in ("accounts_user", *LOADED):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_relation_size('games_gameround')")
        counts["games_gameround heap bytes"] = cursor.fetchone()[0]
        counts["active player-days"] = active_days
    return counts


def timed(function, repeat: int) -> tuple[float, object]:
    """The best of ``repeat`` runs (seconds) and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), result


def floor_query():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL)
        return len(cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5_000_000)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    args = parser.parse_args()
    if args.days < 91:
        parser.error("--days must be at least 91 (three months: fit, held-out month, scores)")

    admin_url = database_url("insight.py")
    bench_url = with_database(admin_url, BENCH_DB)
    recreate_database(admin_url, BENCH_DB)
    os.environ.pop("REDIS_URL", None)
    now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        django_migrate(
            {
                "DATABASE_URL": bench_url,
                "DJANGO_SETTINGS_MODULE": "casino_club.settings",
                "DEBUG": "false",  # with it on Django keeps every query in memory
                "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
                "LOG_LEVEL": "WARNING",
            }
        )
        from django.db import connection
        from django.db.models import Count

        from games.reports import selectors as reports
        from games.segments.models import PlayerSegment
        from games.segments.services import (
            forecast_accuracy,
            heavy_players,
            player_history,
            segments_compute,
        )

        print(
            f"generating {args.players:,} players, ~{args.rounds:,} rounds over "
            f"{args.days} days (history ends {now:%Y-%m-%d %H:%M} UTC)",
            flush=True,
        )
        started = time.perf_counter()
        counts = generate(players=args.players, rounds=args.rounds, days=args.days, now=now)
        generated = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
        print(f"generated in {generated:.0f} s:", flush=True)
        for name, count in counts.items():
            print(f"  {name:32} {count:>14,}")

        floor, groups = timed(floor_query, 3)
        print(f"floor (GROUP BY player over games_gameround, best of 3): {floor:.2f} s", flush=True)
        first, written = timed(lambda: segments_compute(now=now), 1)
        print(f"segments_compute, first run: {first:.2f} s", flush=True)
        second, _ = timed(lambda: segments_compute(now=now), 1)
        print(f"segments_compute, second run: {second:.2f} s", flush=True)
        # Where the job's time goes: its two reads on their own (the rest is the fit,
        # the rules in Python and the upsert).
        read_seconds, _ = timed(lambda: player_history(now=now), 1)
        heavy_seconds, _ = timed(lambda: heavy_players(now=now), 1)
        window = reports.window_for(period="day", days=30, today=(now.date()))
        report_times = {}
        for name in ("retention", "economy", "spend"):
            function = getattr(reports, name)
            report_times[name], _ = timed(lambda f=function: f(window=window), 3)
            print(f"report {name}: {report_times[name]:.2f} s", flush=True)
        accuracy_seconds, accuracy = timed(lambda: forecast_accuracy(now=now), 1)
        segments = dict(
            PlayerSegment.objects.values_list("segment").annotate(n=Count("id")).order_by()
        )
        heavy = PlayerSegment.objects.filter(heavy_play=True).count()
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(admin_url, BENCH_DB)

    load = os.getloadavg()
    print()
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.python_implementation()} "
        f"{platform.python_version()}, PostgreSQL {server}, load average "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end"
    )
    print(f"{'step':44} {'seconds':>8} {'x floor':>8}")
    print(
        f"{'floor: GROUP BY player_id (' + format(groups, ',') + ' groups)':44} "
        f"{floor:8.2f} {1:8.2f}"
    )
    rows = [
        (f"segments_compute, first ({written:,} rows)", first),
        ("segments_compute, second (updates)", second),
        ("  of which: player_history (one query)", read_seconds),
        ("  of which: heavy_players (14 days)", heavy_seconds),
        *((f"report {name} (30 days, by day)", seconds) for name, seconds in report_times.items()),
        ("forecast_accuracy", accuracy_seconds),
    ]
    for label, seconds in rows:
        print(f"{label:44} {seconds:8.2f} {seconds / floor:8.2f}")
    target = "met" if max(first, second) <= 5 * floor else "MISSED"
    print(f"target, segments_compute within 5x the floor: {target}")
    print(f"segments: {segments}; heavy play: {heavy}")
    print()
    print("forecast on a held-out month (SYNTHETIC population):")
    for line in accuracy.lines():
        print(f"  {line}")


if __name__ == "__main__":
    main()
