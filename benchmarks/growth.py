"""What one spin leaves in PostgreSQL: rows and bytes per table, the action log next to the round.

Run with ``make bench-growth`` (or ``.venv/bin/python benchmarks/growth.py``
with ``DATABASE_URL`` pointing at PostgreSQL). It creates a scratch database
``casino_bench_growth``, migrates it, funds ``--players`` players, then plays
``--spins`` slot spins through the real service (``games.services.round_play``,
in this process, spread over the players) and runs the action pipeline every
``--chunk`` spins, as the coalesced worker does under load. Every table's
rows (``count(*)``) and size (``pg_total_relation_size``: heap, TOAST and
indexes, after ``VACUUM``) are read before and after; the deltas per spin are
printed for the tables that grew, each next to the baseline measured in the
same run: the round's own row (``games_gameround``).

Finally it times the retention job over the whole log (as if the spins were
old: ``actions_prune`` with ``now`` a week ahead and one day kept) and checks
that the ledger still reconciles. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from datetime import timedelta

from common import (
    database_url,
    django_migrate,
    drop_database,
    funded_player,
    recreate_database,
    with_database,
)

BENCH_DB = "casino_bench_growth"
SPIN = {"bet_per_line": 1, "lines": 20}
# The tables the pipeline and the games write per spin, in the order printed.
FOCUS = [
    "games_gameround",
    "economy_ledgertransaction",
    "economy_entry",
    "accounts_action",
    "accounts_subscribermark",
    "economy_xpgrant",
    "games_leaderboardscore",
]


def table_figures() -> dict[str, tuple[int, int, int]]:
    """Every table of the public schema: (rows, total bytes, heap bytes)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
        cursor.execute(
            "SELECT relname, pg_total_relation_size(relid), pg_relation_size(relid) "
            "FROM pg_stat_user_tables WHERE schemaname = 'public'"
        )
        sizes = cursor.fetchall()
        figures = {}
        for name, total, heap in sizes:
            cursor.execute(f'SELECT count(*) FROM "{name}"')
            figures[name] = (cursor.fetchone()[0], total, heap)
    return figures


def pipeline_drain() -> int:
    """Run the pipeline until it is quiet (XP actions written by one run are read by the next)."""
    from accounts import actions

    handled = 0
    while count := actions.actions_process(max_batches=1000):
        handled += count
    return handled


def play(players: list, spins: int, chunk: int) -> tuple[float, int]:
    """``spins`` rounds through the service, the pipeline every ``chunk``: (seconds, handled)."""
    from accounts import actions
    from games.services import round_play

    handled = 0
    started = time.perf_counter()
    for number in range(spins):
        round_play(player=players[number % len(players)], slug="slots", params=SPIN)
        if (number + 1) % chunk == 0:
            handled += actions.actions_process(max_batches=1000)
    handled += pipeline_drain()
    return time.perf_counter() - started, handled


def prune_timed() -> tuple[int, float, int]:
    """The retention job over the whole log; (rows deleted, seconds, daily rows written)."""
    from django.utils import timezone

    from accounts.models import ActionDaily
    from accounts.retention import actions_prune

    started = time.perf_counter()
    deleted = actions_prune(older_than_days=1, now=timezone.now() + timedelta(days=7))
    return deleted, time.perf_counter() - started, ActionDaily.objects.count()


def report(before: dict, after: dict, spins: int, players: int) -> None:
    grown = {
        name: (
            after[name][0] - before.get(name, (0, 0, 0))[0],
            after[name][1] - before.get(name, (0, 0, 0))[1],
            after[name][2] - before.get(name, (0, 0, 0))[2],
        )
        for name in after
    }
    base_bytes = grown["games_gameround"][1] / spins
    others = sorted(
        (name for name, (rows, total, _) in grown.items() if name not in FOCUS and (rows or total)),
        key=lambda name: -grown[name][1],
    )
    print(
        f"{'table':32} {'rows':>8} {'rows/spin':>9} {'bytes/spin':>10} "
        f"{'heap/row':>8} {'x round':>7}"
    )
    for name in [*FOCUS, *others]:
        rows, total, heap = grown[name]
        per_row = f"{heap / rows:8.0f}" if rows > 0 else f"{'-':>8}"
        print(
            f"{name:32} {rows:8d} {rows / spins:9.3f} {total / spins:10.0f} {per_row} "
            f"{total / spins / base_bytes:7.2f}"
        )
    total_all = sum(total for _, total, _ in grown.values())
    pipeline = sum(grown[name][1] for name in FOCUS[3:])
    ledger = grown["economy_ledgertransaction"][1] + grown["economy_entry"][1]
    print(
        f"all tables: {total_all / spins:,.0f} bytes/spin; round row alone: {base_bytes:,.0f}; "
        f"ledger (transactions + entries): {ledger / spins:,.0f}; "
        f"pipeline tables (action log, marks, XP grants, scores): {pipeline / spins:,.0f}"
    )
    print(f"leaderboard rows are per player and period, not per spin: {players} players here")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spins", type=int, default=1000)
    parser.add_argument("--players", type=int, default=20)
    parser.add_argument("--chunk", type=int, default=300, help="spins between pipeline runs")
    args = parser.parse_args()

    admin_url = database_url("growth.py")
    bench_url = with_database(admin_url, BENCH_DB)
    recreate_database(admin_url, BENCH_DB)
    os.environ.pop("REDIS_URL", None)  # the database's own figures; no Redis mirror
    try:
        django_migrate(
            {
                "DATABASE_URL": bench_url,
                "DJANGO_SETTINGS_MODULE": "casino_club.settings",
                "ACTIONS_DISPATCH": "inline",
                # DEBUG off: with it on Django keeps every query in memory.
                "DEBUG": "false",
                "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
                "LOG_LEVEL": "WARNING",
            }
        )
        from accounts import actions
        from economy.services import ledger_reconcile
        from games.services import game_configs_active

        # The pipeline runs in chunks (below), not after every commit.
        actions.actions_process_later = lambda: None
        game_configs_active()
        players = [
            funded_player(email=f"grow{n}@example.com", nickname=f"grow{n}", coins=10_000_000)
            for n in range(args.players)
        ]
        pipeline_drain()
        before = table_figures()
        seconds, handled = play(players, args.spins, args.chunk)
        after = table_figures()
        deleted, prune_seconds, daily_rows = prune_timed()
        reconciled = ledger_reconcile().ok
    finally:
        from django.db import connections

        push = sys.modules.get("games.leaderboards.push")
        if push is not None:  # flushes due a second later must not outlive the database
            push.leaderboard_flushes_cancel()
        connections.close_all()
        drop_database(admin_url, BENCH_DB)

    print(
        f"{args.spins} slot spins by {args.players} players in {seconds:.1f} s "
        f"({args.spins / seconds:.0f}/s, pipeline every {args.chunk}: {handled} deliveries)"
    )
    report(before, after, args.spins, args.players)
    print(
        f"actions_prune over the whole log: {deleted} rows in {prune_seconds:.2f} s "
        f"({deleted / max(prune_seconds, 1e-9):,.0f} rows/s), {daily_rows} ActionDaily rows"
    )
    print(f"reconcile_ledger after the run: {'OK' if reconciled else 'MISMATCH'}")
    if not reconciled:
        sys.exit(1)


if __name__ == "__main__":
    main()
