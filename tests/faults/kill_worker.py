"""Fault 4: kill -9 the Celery worker in the middle of the action pipeline.

Rounds are played (in this process) with ``ACTIONS_DISPATCH=worker`` on a
private redis-server as broker, so their actions wait in the log; a worker
starts, and as soon as its subscribers' marks begin to move it is killed with
SIGKILL, its batch transaction open. A new worker starts and beat's task is
sent again: the batch re-runs and every action is applied exactly once (one
play-XP grant per round, nothing left waiting), and the ledger reconciles.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.faults.common import (
    SPIN,
    BareRedis,
    Checks,
    boot,
    celery_worker,
    ledger_checks,
    make_players,
    pipeline_checks,
    recreate_database,
    scratch_url,
)

PLAYERS = 40
ROUNDS_EACH = 30


def waiting_total() -> int:
    from accounts.actions import subscriber_lag

    return sum(row["waiting"] for row in subscriber_lag().values())


def handled_total() -> int:
    from django.db.models import Sum

    from accounts.models import SubscriberMark

    return SubscriberMark.objects.aggregate(total=Sum("handled"))["total"] or 0


def open_transactions() -> int:
    """Other sessions on this database inside a transaction (the worker's batch)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
        )
        return cursor.fetchone()[0]


def main() -> int:
    checks = Checks("kill -9 a Celery worker mid-batch")
    print(f"== {checks.title}", flush=True)
    redis = BareRedis()
    redis.start()
    url = scratch_url("worker")
    recreate_database(url)
    boot(url, redis.url, dispatch="worker")
    from django.conf import settings
    from django.db import connections, transaction

    from accounts.actions import PROCESS_TASK
    from casino_club.celery import app
    from games.services import round_play

    var = Path(tempfile.mkdtemp(prefix="fault-worker-"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis.url,
        "CASINO_VAR_DIR": str(var),
        "ACTIONS_DISPATCH": "worker",
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "JWT_PRIVATE_KEY": settings.HEADLESS_JWT_PRIVATE_KEY,
        "LOG_LEVEL": "WARNING",
    }
    worker = None
    in_flight = 0
    try:
        players = make_players(PLAYERS, "killworker")
        ids = [p.pk for p in players]
        began = time.monotonic()
        for player in players:
            for _ in range(ROUNDS_EACH):
                with transaction.atomic():
                    round_play(player=player, slug="slots", params=SPIN)
        played = time.monotonic() - began
        before = waiting_total()
        checks.figure(
            f"{PLAYERS * ROUNDS_EACH} rounds played in {played:.1f} s; "
            f"{before} subscriber deliveries waiting"
        )
        worker = celery_worker(env, var / "worker-1.log")
        start_mark = handled_total()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            moved = handled_total() - start_mark
            in_flight = open_transactions()
            if moved > 0 and in_flight > 0:
                break
            time.sleep(0.01)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        connections.close_all()
        time.sleep(0.5)
        at_kill = handled_total() - start_mark
        left = waiting_total()
        checks.figure(
            f"killed the worker after {at_kill} deliveries were committed, "
            f"with {in_flight} batch transaction(s) open just before; {left} still waiting"
        )
        checks.check(
            at_kill > 0 and left > 0, "the kill landed mid-run (some handled, some waiting)"
        )
        worker = celery_worker(env, var / "worker-2.log")
        app.send_task(PROCESS_TASK)  # as beat does every half minute
        restarted = time.monotonic()
        while time.monotonic() < restarted + 120 and waiting_total() > 0:
            if worker.poll() is not None:
                break
            time.sleep(0.5)
        checks.figure(
            f"subscriber_lag showed nothing waiting after {time.monotonic() - restarted:.1f} s"
        )
        # The effects must follow (exactly once): wait for every round's play XP.
        from economy.models import XpGrant, XpSource
        from games.models import GameRound

        rounds = GameRound.objects.filter(player_id__in=ids).count()
        grants = XpGrant.objects.filter(player_id__in=ids, source=XpSource.PLAY)
        seen = grants.count()
        if seen < rounds:
            checks.figure(f"  ...with play XP for {seen} of {rounds} rounds at that moment")
        while grants.count() < rounds and time.monotonic() < restarted + 120:
            time.sleep(0.2)
        checks.figure(f"every round's play XP present after {time.monotonic() - restarted:.1f} s")
        pipeline_checks(checks, ids)
        ledger_checks(checks, ids)
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=20)
        redis.stop()
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
