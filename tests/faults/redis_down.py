"""Fault 3: kill Redis mid-load, then start it again (empty).

One daphne process and one Celery worker share a private redis-server as
cache, channel layer and broker, with the action pipeline dispatched to the
worker (``ACTIONS_DISPATCH=worker``) as in production. Player threads spin
with Idempotency-Keys; the script kills the redis-server (its data is gone)
for a few seconds and starts it again on the same port. Games must keep
answering; afterwards, once the beat job's sweep has run, every round's
action has reached the pipeline exactly once and the ledger reconciles.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.faults.common import (
    PASSWORD,
    Checks,
    boot,
    call,
    celery_worker,
    ledger_checks,
    make_players,
    pipeline_checks,
    recreate_database,
    scratch_url,
)
from tests.faults.pg_down import Load

PLAYERS = 4
OUTAGE_SECONDS = 6.0


def main() -> int:
    checks = Checks("kill Redis mid-load")
    print(f"== {checks.title}", flush=True)
    url = scratch_url("redis")
    recreate_database(url)
    boot(url)
    from accounts.actions import actions_process
    from games.models import GameRound
    from tests.support.servers import Daphne, PrivateRedis

    players = make_players(PLAYERS, "redisdown")
    ids = [p.pk for p in players]
    var = Path(tempfile.mkdtemp(prefix="fault-redis-"))
    redis = PrivateRedis()
    redis.start()
    server = Daphne(redis_url=redis.url, var_dir=var, name="web")
    server.env["ACTIONS_DISPATCH"] = "worker"
    worker = celery_worker(server.env, var / "worker.log")
    load = None
    try:
        server.start()
        tokens = [server.log_in(p.email, PASSWORD) for p in players]
        load = Load(server.port)
        threads = [threading.Thread(target=load.player, args=(t,), daemon=True) for t in tokens]
        for thread in threads:
            thread.start()
        time.sleep(3)
        down_at = time.monotonic()
        redis.stop()
        time.sleep(OUTAGE_SECONDS)
        up_at = time.monotonic()
        redis.start()
        time.sleep(6)
        load.stop.set()
        for thread in threads:
            thread.join(timeout=60)

        def phase(a) -> str:
            if a["at"] < down_at:
                return "before"
            return "down" if a["at"] < up_at else "after"

        checks.figure(f"Redis down {up_at - down_at:.1f} s; {PLAYERS} player threads")
        for name in ("before", "down", "after"):
            answers = [a for a in load.answers if phase(a) == name]
            statuses = Counter(a["status"] for a in answers)
            took = sorted(a["took"] for a in answers) or [0.0]
            median, slowest = took[len(took) // 2] * 1000, took[-1] * 1000
            checks.figure(
                f"{name:>6}: {len(answers)} answers ("
                + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
                + f"), median {median:.0f} ms, slowest {slowest:.0f} ms"
            )
        down = [a for a in load.answers if phase(a) == "down"]
        failed = [a for a in load.answers if not 200 <= a["status"] < 300]
        checks.check(
            bool(down) and not failed,
            f"games keep working: every spin answered 2xx ({len(failed)} not)",
        )
        missing = 0
        for acked in load.acked:
            status, _, _ = call(
                server.port, "GET", f"/api/games/rounds/{acked['id']}", token=acked["token"]
            )
            missing += status != 200
        per_key = Counter(
            GameRound.objects.filter(player_id__in=ids).values_list("idempotency_key", flat=True)
        )
        checks.check(
            missing == 0
            and all(n == 1 for n in per_key.values())
            and len(per_key) == len(load.acked),
            f"{len(load.acked)} acknowledged rounds all found; {sum(per_key.values())} stored, "
            "none twice",
        )
        # What the worker did not get (its broker was gone), beat's sweep picks up.
        time.sleep(2)
        swept = actions_process()
        checks.figure(f"the beat sweep afterwards handled {swept} action deliveries")
        pipeline_checks(checks, ids)
        ledger_checks(checks, ids)
    finally:
        if load is not None:
            load.stop.set()
        server.stop()
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=20)
        redis.stop()
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
