"""Fault 2: stop PostgreSQL mid-load, then start it again.

A private cluster (``initdb`` in a scratch folder, its own port) serves one
daphne process; player threads spin with Idempotency-Keys. The script stops
the cluster as a crash would (``pg_ctl -m immediate``) for a few seconds.
While it is down every answer must come fast and be a 503 with the error
JSON (no hang, no HTML 500); once it is back, spins must succeed again within
seconds without restarting anything, and the ledger must reconcile.
"""

from __future__ import annotations

import http.client
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
    PrivatePostgres,
    boot,
    call,
    ledger_checks,
    make_players,
    new_key,
    recreate_database,
)

PLAYERS = 4
OUTAGE_SECONDS = 6.0
FAST_SECONDS = 2.0  # an answer during the outage must come at least this fast
RECOVER_SECONDS = 10.0


class Load:
    def __init__(self, port: int) -> None:
        self.port = port
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers: list[dict] = []
        self.acked: list[dict] = []

    def player(self, token: str) -> None:
        while not self.stop.is_set():
            key = new_key()
            while not self.stop.is_set():
                began = time.monotonic()
                try:
                    status, data, headers = call(
                        self.port,
                        "POST",
                        "/api/games/slots/play",
                        SPIN,
                        token=token,
                        headers={"Idempotency-Key": key},
                        timeout=30,
                    )
                except (OSError, http.client.HTTPException) as error:
                    status, data, headers = 0, repr(error), {}
                took = time.monotonic() - began
                with self.lock:
                    self.answers.append(
                        {
                            "at": began,
                            "took": took,
                            "status": status,
                            "json": isinstance(data, dict),
                            "code": data.get("error", {}).get("code")
                            if isinstance(data, dict)
                            else None,
                            "retry_after": headers.get("retry-after"),
                        }
                    )
                if 200 <= status < 300:
                    with self.lock:
                        self.acked.append({"key": key, "token": token, "id": data["round"]["id"]})
                    break
                time.sleep(0.2)  # a client honouring Retry-After, impatiently


def main() -> int:
    checks = Checks("stop PostgreSQL mid-load")
    print(f"== {checks.title}", flush=True)
    cluster = PrivatePostgres().init()
    cluster.start()
    server = None
    load = None
    try:
        url = cluster.url()
        recreate_database(url)
        boot(url)
        from games.models import GameRound
        from tests.support.servers import Daphne

        players = make_players(PLAYERS, "pgdown")
        ids = [p.pk for p in players]
        server = Daphne(redis_url=None, var_dir=Path(tempfile.mkdtemp(prefix="fault-pg-web-")))
        server.start()
        tokens = [server.log_in(p.email, PASSWORD) for p in players]
        from django.test import Client

        browser = Client()
        browser.force_login(players[0])  # a signed-in browser's session (database-backed)
        cookie = f"sessionid={browser.cookies['sessionid'].value}"
        load = Load(server.port)
        threads = [threading.Thread(target=load.player, args=(t,), daemon=True) for t in tokens]
        for thread in threads:
            thread.start()
        time.sleep(3)
        # Django (this process) must not hold a connection across the crash.
        from django.db import connections

        connections.close_all()
        down_at = time.monotonic()
        cluster.stop("immediate")
        stopped_at = time.monotonic()
        time.sleep(1)
        page_status, page_body, page_headers = call(
            server.port, "GET", "/games/slots/", headers={"Cookie": cookie}
        )
        time.sleep(OUTAGE_SECONDS - 1)
        up_began = time.monotonic()
        cluster.start()
        up_at = time.monotonic()
        time.sleep(RECOVER_SECONDS)
        load.stop.set()
        for thread in threads:
            thread.join(timeout=60)

        checks.figure(
            f"PostgreSQL down {up_at - down_at:.1f} s (stop {stopped_at - down_at:.1f} s, "
            f"start {up_at - up_began:.1f} s); {PLAYERS} player threads"
        )
        during = [
            a for a in load.answers if stopped_at <= a["at"] and a["at"] + a["took"] < up_began
        ]
        statuses = Counter(a["status"] for a in during)
        checks.figure(
            f"{len(during)} answers while it was down: "
            + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
        )
        slowest = max((a["took"] for a in during), default=0.0)
        median = sorted(a["took"] for a in during)[len(during) // 2] if during else 0.0
        checks.check(
            bool(during) and slowest < FAST_SECONDS,
            f"fail fast: median {median * 1000:.0f} ms, slowest {slowest * 1000:.0f} ms "
            f"(limit {FAST_SECONDS:.0f} s)",
        )
        bad = [
            a
            for a in during
            if not (a["status"] == 503 and a["json"] and a["code"] == "unavailable")
        ]
        checks.check(
            not bad,
            f"every answer while down is 503 with the error JSON ({len(bad)} not"
            + (f", e.g. {bad[0]}" if bad else "")
            + ")",
        )
        checks.check(
            all(a["retry_after"] for a in during if a["status"] == 503),
            "503s carry Retry-After",
        )
        checks.check(
            page_status == 503
            and page_headers.get("content-type", "").startswith("text/html")
            and "Back in a moment" in str(page_body),
            f"a page answers the friendly 503 page ({page_status})",
        )
        after = [a for a in load.answers if a["at"] >= up_at and 200 <= a["status"] < 300]
        first = min((a["at"] + a["took"] for a in after), default=None)
        recovered = None if first is None else first - up_at
        checks.check(
            recovered is not None and recovered < RECOVER_SECONDS,
            "first 2xx after PostgreSQL was back: "
            + ("never" if recovered is None else f"{recovered:.2f} s"),
        )
        tail = [a for a in load.answers if recovered is not None and a["at"] >= up_at + recovered]
        tail_bad = [a for a in tail if not 200 <= a["status"] < 300]
        checks.check(
            not tail_bad,
            f"after recovery every spin succeeds ({len(tail)} answers, {len(tail_bad)} not)",
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
            missing == 0 and all(n == 1 for n in per_key.values()),
            f"{len(load.acked)} acknowledged rounds all found; {sum(per_key.values())} stored, "
            "none twice",
        )
        ledger_checks(checks, ids)
    finally:
        if load is not None:
            load.stop.set()
        if server is not None:
            server.stop()
        cluster.remove()
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
