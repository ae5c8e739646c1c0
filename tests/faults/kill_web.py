"""Fault 1: kill -9 the web server five times under a load of spins and claims.

A daphne process serves a scratch PostgreSQL database (and a private
redis-server as its cache); player threads spin slots and claim the daily
bonus and the refill, each request with an Idempotency-Key, retrying the same
key after a dropped connection until an answer comes. The script kills the
server's process group with SIGKILL five times and starts it again on the same
port. Afterwards: the ledger reconciles, every round has its ledger entries
and every entry its round, every acknowledged round is found through the API,
and no key was applied twice.
"""

from __future__ import annotations

import http.client
import os
import random
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
    SPIN,
    Checks,
    boot,
    call,
    ledger_checks,
    make_players,
    new_key,
    recreate_database,
    scratch_url,
)

PLAYERS = 6
KILLS = 5
ACTIONS = [
    ("spin", "/api/games/slots/play", SPIN),
    ("daily", "/api/bonus/daily/claim", None),
    ("refill", "/api/bonus/refill/claim", None),
]


class Load:
    def __init__(self, port: int) -> None:
        self.port = port
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.done: list[dict] = []  # one per logical request (key)
        self.dropped = 0  # attempts that met a dead server
        self.given_up = 0

    def player(self, player_id: int, token: str, seed: int) -> None:
        rng = random.Random(seed)
        while not self.stop.is_set():
            kind, path, body = ACTIONS[0] if rng.random() < 0.85 else rng.choice(ACTIONS[1:])
            key = new_key()
            deadline = time.monotonic() + 90
            attempts = 0
            while True:
                attempts += 1
                try:
                    status, data, headers = call(
                        self.port,
                        "POST",
                        path,
                        body,
                        token=token,
                        headers={"Idempotency-Key": key},
                        timeout=10,
                    )
                except (OSError, http.client.HTTPException):
                    with self.lock:
                        self.dropped += 1
                    if time.monotonic() > deadline:
                        with self.lock:
                            self.given_up += 1
                        break
                    time.sleep(0.2)
                    continue
                with self.lock:
                    self.done.append(
                        {
                            "player": player_id,
                            "token": token,
                            "kind": kind,
                            "key": key,
                            "status": status,
                            "data": data,
                            "attempts": attempts,
                            "replayed": headers.get("idempotent-replayed") == "true"
                            or (isinstance(data, dict) and data.get("replayed") is True),
                        }
                    )
                break


def main() -> int:
    checks = Checks("kill -9 the web server under load")
    print(f"== {checks.title}", flush=True)
    url = scratch_url("web")
    recreate_database(url)
    boot(url)

    from economy.models import BonusClaim, LedgerTransaction
    from games.models import GameRound
    from tests.support.servers import Daphne, PrivateRedis

    players = make_players(PLAYERS, "killweb", coins=1_000)
    ids = [p.pk for p in players]
    var = Path(tempfile.mkdtemp(prefix="fault-web-"))
    redis = PrivateRedis()
    redis.start()
    server = Daphne(redis_url=redis.url, var_dir=var, name="web").start()
    load = Load(server.port)
    try:
        tokens = [server.log_in(p.email, PASSWORD) for p in players]
        threads = [
            threading.Thread(target=load.player, args=(p.pk, t, n), daemon=True)
            for n, (p, t) in enumerate(zip(players, tokens, strict=True))
        ]
        for thread in threads:
            thread.start()
        restarts = []
        rng = random.Random(15)
        for kill in range(KILLS):
            time.sleep(rng.uniform(1.5, 3.0))
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)
            server.log.close()
            server.log = None
            began = time.monotonic()
            server.log_path = var / f"web-{kill + 1}.log"
            server.start(seconds=60)
            restarts.append(time.monotonic() - began)
        time.sleep(2)
        load.stop.set()
        for thread in threads:
            thread.join(timeout=120)

        statuses = Counter(f"{d['kind']} {d['status']}" for d in load.done)
        checks.figure(
            f"{KILLS} kills; restart to /healthz 200: "
            + ", ".join(f"{s:.1f}" for s in restarts)
            + " s"
        )
        checks.figure(
            f"{len(load.done)} requests answered from {PLAYERS} player threads; "
            f"{load.dropped} attempts met a dead server and were retried with the same key"
        )
        checks.figure("answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
        replays = sum(1 for d in load.done if d["replayed"])
        checks.figure(f"{replays} retries were answered as replays of a committed first attempt")
        checks.check(load.given_up == 0, f"every request got an answer ({load.given_up} gave up)")
        server_errors = [d for d in load.done if d["status"] >= 500]
        checks.check(not server_errors, f"no 5xx answers ({len(server_errors)})")

        spins = [d for d in load.done if d["kind"] == "spin" and 200 <= d["status"] < 300]
        missing = 0
        for done in spins:
            round_id = done["data"]["round"]["id"]
            status, data, _ = call(
                server.port, "GET", f"/api/games/rounds/{round_id}", token=done["token"]
            )
            if status != 200 or data.get("id") != round_id:
                missing += 1
        checks.check(
            missing == 0, f"every 2xx spin's round found at /api/games/rounds/<id> ({missing} not)"
        )
        keys = [d["key"] for d in spins]
        per_key = Counter(
            GameRound.objects.filter(player_id__in=ids).values_list("idempotency_key", flat=True)
        )
        twice = [k for k, n in per_key.items() if n > 1]
        unacked = set(per_key) - set(keys)
        checks.check(
            not twice and not unacked and len(per_key) == len(keys),
            f"rounds stored {sum(per_key.values())} = acknowledged spin keys {len(keys)} "
            f"(applied twice: {len(twice)}, stored but never acknowledged: {len(unacked)})",
        )
        claim_keys = [d["key"] for d in load.done if d["kind"] != "spin"]
        tx_per_key = Counter(
            LedgerTransaction.objects.filter(idempotency_key__in=claim_keys).values_list(
                "idempotency_key", flat=True
            )
        )
        claims_2xx = sum(1 for d in load.done if d["kind"] != "spin" and 200 <= d["status"] < 300)
        checks.check(
            all(n == 1 for n in tx_per_key.values()) and sum(tx_per_key.values()) == claims_2xx,
            f"claims: {claims_2xx} acknowledged, {sum(tx_per_key.values())} ledger transactions, "
            f"none twice",
        )
        daily = Counter(
            BonusClaim.objects.filter(player_id__in=ids, kind="DAILY").values_list(
                "player_id", "local_date"
            )
        )
        checks.check(
            all(n == 1 for n in daily.values()),
            f"at most one daily bonus per player and day ({sum(daily.values())} claims)",
        )
        ledger_checks(checks, ids)
    finally:
        load.stop.set()
        server.stop()
        redis.stop()
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
