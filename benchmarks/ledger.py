"""Ledger throughput on PostgreSQL: the service next to the same SQL on bare psycopg.

Run with ``make bench-ledger`` (or ``.venv/bin/python benchmarks/ledger.py``
with ``DATABASE_URL`` pointing at PostgreSQL). It creates a scratch database
``casino_bench``, migrates it, measures, checks the ledger still reconciles,
and drops it again. Scenarios:

(a) many players, each spending from their own wallet (no lock contention);
(b) 16 threads spending from one wallet (every transfer waits for the row lock);
plus ``round_settle`` (wager + payout, the games' hot path) for orientation.

Each service figure is next to a baseline that sends the same statements
(conditional UPDATE ... RETURNING, INSERT transaction RETURNING id, INSERT
entries, COMMIT) through a bare psycopg connection in the same run, and the
ratio is printed. Options: --seconds, --threads, --players, --contending,
--rounds.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import threading
import time
from datetime import UTC, date, datetime

import psycopg
from common import (
    database_url,
    django_migrate,
    drop_database,
    libpq,
    recreate_database,
    with_database,
)

BENCH_DB = "casino_bench"


def setup_django(bench_url: str) -> None:
    os.environ["DATABASE_URL"] = bench_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "casino_club.settings"
    # DEBUG off: with it on Django keeps every query in memory, which is
    # not what production pays. DEBUG off needs a secret key.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    django_migrate()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_for(seconds: float, threads: int, work, setup=None) -> float:
    """Run ``work(index, state)`` in a loop on ``threads`` threads; return ops per second."""
    from django.db import connection

    counts = [0] * threads
    errors: list[BaseException] = []
    stop = threading.Event()
    barrier = threading.Barrier(threads + 1)

    def loop(index: int) -> None:
        state = setup(index) if setup else None
        try:
            barrier.wait()
            while not stop.is_set():
                work(index, state)
                counts[index] += 1
        except BaseException as error:
            errors.append(error)
            stop.set()
        finally:
            if state is not None and hasattr(state, "close"):
                state.close()
            connection.close()

    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return sum(counts) / elapsed


class BareLedger:
    """The statements ledger_transfer sends, on one bare psycopg connection."""

    def __init__(self, url: str):
        from economy.models import Account, Entry, LedgerTransaction

        # Django's PostgreSQL backend binds parameters on the client by
        # default; the baseline does the same so the SQL on the wire matches.
        self.conn = psycopg.connect(libpq(url), cursor_factory=psycopg.ClientCursor)
        self.account = Account._meta.db_table
        self.transaction = LedgerTransaction._meta.db_table
        self.entry = Entry._meta.db_table

    def spend(self, account_id: int, sink_id: int, amount: int = 1) -> None:
        now = datetime.now(UTC)
        with self.conn.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.account} SET balance = balance + %s "
                f"WHERE id = %s AND balance + %s >= 0 RETURNING id, balance",
                [-amount, account_id, -amount],
            )
            row = cursor.fetchone()
            if row is None:
                raise RuntimeError("bare baseline ran out of coins")
            cursor.execute(
                f"INSERT INTO {self.transaction} (kind, reference, reason, actor_id, "
                f"idempotency_scope, idempotency_key, created_at) VALUES "
                f"(%s, %s, %s, %s, %s, %s, %s) RETURNING id",
                ["SHOP_PURCHASE", "bench", "", None, "", None, now],
            )
            (txn_id,) = cursor.fetchone()
            cursor.execute(
                f"INSERT INTO {self.entry} (transaction_id, account_id, amount, balance_after, "
                f"created_at) VALUES (%s, %s, %s, %s, %s), (%s, %s, %s, %s, %s)",
                [txn_id, account_id, -amount, row[1], now, txn_id, sink_id, amount, None, now],
            )
        self.conn.commit()

    def settle(self, player_id: int, bank_id: int, wager: int, payout: int) -> None:
        now = datetime.now(UTC)
        with self.conn.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.account} SET balance = balance + %s "
                f"WHERE player_id = %s AND balance + %s >= 0 RETURNING id, balance",
                [payout - wager, player_id, -wager],
            )
            account_id, balance = cursor.fetchone()
            cursor.execute(
                f"INSERT INTO {self.transaction} (kind, reference, reason, actor_id, "
                f"idempotency_scope, idempotency_key, created_at) VALUES "
                f"(%s, %s, %s, %s, %s, %s, %s), (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
                [
                    *("WAGER", "bench", "", None, "s", None, now),
                    *("PAYOUT", "bench", "", None, "s:payout", None, now),
                ],
            )
            wager_id, payout_id = (row[0] for row in cursor.fetchall())
            cursor.execute(
                f"INSERT INTO {self.entry} (transaction_id, account_id, amount, balance_after, "
                f"created_at) VALUES (%s, %s, %s, %s, %s), (%s, %s, %s, %s, %s), "
                f"(%s, %s, %s, %s, %s), (%s, %s, %s, %s, %s)",
                [
                    *(wager_id, account_id, -wager, balance - payout, now),
                    *(wager_id, bank_id, wager, None, now),
                    *(payout_id, bank_id, -payout, None, now),
                    *(payout_id, account_id, payout, balance, now),
                ],
            )
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="per side and scenario")
    parser.add_argument("--threads", type=int, default=4, help="threads in scenario (a)")
    parser.add_argument("--players", type=int, default=64, help="players in scenario (a)")
    parser.add_argument("--contending", type=int, default=16, help="threads in scenario (b)")
    parser.add_argument("--rounds", type=int, default=3, help="alternations per scenario")
    args = parser.parse_args()

    admin_url = database_url("ledger.py")
    bench_url = with_database(admin_url, BENCH_DB)
    recreate_database(admin_url, BENCH_DB)
    try:
        setup_django(bench_url)
        return measure(args, bench_url)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(admin_url, BENCH_DB)


def measure(args, bench_url: str) -> int:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.services import player_create
    from economy.models import LedgerKind
    from economy.services import (
        MINT,
        SHOP_SINK,
        ledger_reconcile,
        ledger_transfer,
        player_account,
        round_settle,
        system_account,
    )

    rich = 10**12
    players = [
        player_create(
            email=f"bench{n}@example.com",
            password="x",
            nickname=f"bench{n}",
            date_of_birth=date(1990, 1, 1),
        )
        for n in range(args.players + 1)
    ]
    mint, sink = system_account(code=MINT), system_account(code=SHOP_SINK)
    bank = system_account(code="game_bank:bench")
    accounts = []
    for player in players:
        account = player_account(player=player)
        ledger_transfer(
            source=mint, destination=account, amount=rich, kind=LedgerKind.MISSION_REWARD
        )
        accounts.append(account)
    shared, own = accounts[-1], accounts[:-1]
    own_players = players[:-1]

    # The service's statements per transfer, to set next to the baseline's.
    with CaptureQueriesContext(connection) as captured:
        ledger_transfer(source=own[0], destination=sink, amount=1, kind=LedgerKind.SHOP_PURCHASE)
    transfer_statements = [q["sql"].split()[0] for q in captured.captured_queries]
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        round_settle(player=own_players[0], game_slug="bench", wager=2, payout=1, reference="x")
    settle_statements = [q["sql"].split()[0] for q in captured.captured_queries]

    def service_spend_own(index, state):
        account = own[state.next() % len(own)]
        ledger_transfer(source=account, destination=sink, amount=1, kind="SHOP_PURCHASE")

    def bare_spend_own(index, state):
        state.spend(own[state.next() % len(own)].pk, sink.pk)

    def service_spend_shared(index, state):
        ledger_transfer(source=shared, destination=sink, amount=1, kind="SHOP_PURCHASE")

    def bare_spend_shared(index, state):
        state.spend(shared.pk, sink.pk)

    def service_settle(index, state):
        player = own_players[state.next() % len(own_players)]
        with transaction.atomic():
            round_settle(player=player, game_slug="bench", wager=2, payout=1, reference="r")

    def bare_settle(index, state):
        state.settle(own_players[state.next() % len(own_players)].pk, bank.pk, 2, 1)

    class Rotation:
        """Thread ``index`` of ``threads`` walks its own slice of the players."""

        def __init__(self, index: int, threads: int):
            self.value, self.step = index, threads

        def next(self) -> int:
            self.value += self.step
            return self.value

    class BareRotation(BareLedger, Rotation):
        def __init__(self, index: int, threads: int):
            BareLedger.__init__(self, bench_url)
            Rotation.__init__(self, index, threads)

    def rotating(threads):
        return lambda index: Rotation(index, threads)

    def bare(threads):
        return lambda index: BareRotation(index, threads)

    seconds, threads, contending = args.seconds, args.threads, args.contending
    load = os.getloadavg()
    rows = []
    for label, count, service, baseline in [
        (f"(a) own wallets, {threads} threads", threads, service_spend_own, bare_spend_own),
        (
            f"(b) one wallet, {contending} threads",
            contending,
            service_spend_shared,
            bare_spend_shared,
        ),
        (f"round_settle, {threads} threads", threads, service_settle, bare_settle),
    ]:
        # Alternate short slices of each, so a change in machine load
        # during the run falls on both sides of the ratio alike.
        service_rates, bare_rates = [], []
        for _ in range(args.rounds):
            service_rates.append(run_for(seconds / args.rounds, count, service, rotating(count)))
            bare_rates.append(run_for(seconds / args.rounds, count, baseline, bare(count)))
        rows.append((label, sum(service_rates) / args.rounds, sum(bare_rates) / args.rounds))
        print(f"  measured {label}", file=sys.stderr)

    report = ledger_reconcile()
    print()
    print(f"PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPUs, {seconds:g} s each")
    print(f"load average before the run: {load[0]:.2f}, after: {os.getloadavg()[0]:.2f}")
    print(f"ledger_transfer statements: {' + '.join(transfer_statements)}")
    print(f"round_settle statements:    {' + '.join(settle_statements)}")
    print()
    print(f"{'scenario':<34} {'service/s':>10} {'bare SQL/s':>11} {'ratio':>6}")
    for label, service_rate, bare_rate in rows:
        print(
            f"{label:<34} {service_rate:>10.0f} {bare_rate:>11.0f} {service_rate / bare_rate:>6.2f}"
        )
    print()
    print(f"reconcile_ledger after the run: {'OK' if report.ok else 'MISMATCH'}")
    if not report.ok:
        print("\n".join(report.problems))
        return 1
    own_ratio = rows[0][1] / rows[0][2]
    if own_ratio < 0.5:
        print(f"below target: (a) reached {own_ratio:.2f} of the bare-SQL rate (target 0.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
