"""Load test: realistic players against a production-like stack on this machine.

Run with ``make bench-load`` (or ``.venv/bin/python benchmarks/load.py`` with
``DATABASE_URL`` pointing at PostgreSQL and ``REDIS_URL`` at Redis). It
creates a scratch database ``casino_bench_load`` and uses Redis database 10
(``--redis-db``, flushed before and after), seeds funded players, and starts
the stack as docs/operations.md ("Scaled out") runs it, all on loopback:
gunicorn (sync workers, 2 per core) for HTTP, daphne (``DATABASE_POOL``)
for ``/ws/``, one Celery worker and beat, with ``PRODUCTION=true`` and
``ACTIONS_DISPATCH=worker``. Locust (``benchmarks/load_players.py``, headless,
as a library, in a process of its own) then runs, in one run:

1. the bare baseline: ``--bare-clients`` closed-loop clients on ``GET
   /healthz`` (a bare JSON view of the same gunicorn), no think time;
2. the step load: ``--steps`` players (default 10, 20 … 60), ``--step-seconds``
   each; a player logs in (allauth app login, JWT), claims the daily bonus,
   opens ``/ws/live/``, then plays slots, roulette and RPS against the house,
   opens the missions and the leaderboard (API read and the page's topic
   subscription on the socket) and its wallet, with ``--think`` seconds
   between actions; one probe client reads ``/healthz`` 5 times a second;
3. the bare baseline again (so a change in machine load falls on both sides).

Meanwhile this process samples the action pipeline every second:
``subscriber_lag()`` (the waiting counts) and the newest committed
``ROUND_PLAYED`` action's position (txid, id); it polls the marks of the
subscribers of ``ROUND_PLAYED`` every 0.1 s and records when the slowest
one passes that position: the commit-to-applied lag of that second.

Each step is measured in its steady part (from 5 s after it started, and
2 s after its last new player finished logging in, to its end). A step
*holds* when its players' HTTP requests have p99 < 250 ms, nothing failed
in the whole step, the lag's p99 < 2 s and the backlog is not growing. The
answer is the highest round rate (rounds of all three games per second) of
a step that holds, next to the bare ``/healthz`` rate.

Afterwards (backlog drained): the ledger reconciles, and every round was
applied exactly once, checked against the rounds table: one PLAY XP grant
with reference ``action:<id>`` per ``ROUND_PLAYED`` action, two missions
with unreachable targets (rounds per day, coins wagered per week) whose
progress sums equal the rounds and the wagers, and the all-time net
winnings board's sum equal to sum(payout - wager). Then everything is
stopped and the database dropped. Bounded throughout (each wait has a
timeout); the default run takes about 4-5 minutes.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from datetime import date
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from common import (
    PASSWORD,
    ROOT,
    database_url,
    django_migrate,
    drop_database,
    recreate_database,
    stop_process_group,
    with_database,
)

BENCH_DB = "casino_bench_load"
PLAYS = ("slots", "roulette", "rps")
PLAYER_REQUESTS = ("slots", "roulette", "rps", "missions", "leaderboard", "wallet", "bonus claim")
ASGI_APP = "casino_club.asgi:application"
# As the Procfile runs the worker (make run).
WORKER_OPTIONS = ("--pool=threads", "--concurrency=2", "--without-gossip", "--without-mingle")
PLAYERS = ROOT / "benchmarks" / "load_players.py"
LATENCY_LIMIT_MS = 250.0
LAG_LIMIT_S = 2.0
ROUNDS_MISSION = "bench-load-rounds"
WAGER_MISSION = "bench-load-wager"


# --- services -------------------------------------------------------------------


def redis_url(number: int) -> str:
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    return urlunparse(urlparse(base)._replace(path=f"/{number}"))


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stack_environment(bench_url: str, bench_redis: str, var_dir: str) -> dict[str, str]:
    from casino_club.config import generate_rsa_key

    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": bench_url,
            "REDIS_URL": bench_redis,
            "DJANGO_SETTINGS_MODULE": "casino_club.settings",
            "PRODUCTION": "true",
            "DEBUG": "false",
            # Plain HTTP on loopback: no TLS proxy in front.
            "SECURE_SSL_REDIRECT": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "JWT_PRIVATE_KEY": generate_rsa_key(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "ACTIONS_DISPATCH": "worker",
            "CASINO_VAR_DIR": var_dir,
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


class Stack:
    """The processes of the scaled-out installation, each in its own session, logs in files."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen] = {}
        self.http_port = free_port()
        self.ws_port = free_port()

    def start(self, name: str, args: list[str], env: dict[str, str] | None = None) -> None:
        log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=ROOT,
            env=env or self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def up(self, workers: int) -> None:
        self.start(
            "gunicorn",
            [
                "gunicorn",
                "casino_club.wsgi:application",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.http_port}",
                "--log-level",
                "warning",
            ],
        )
        self.start(
            "daphne",
            ["daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(self.ws_port), ASGI_APP],
            env={**self.env, "DATABASE_POOL": "true"},
        )
        self.start(
            "worker",
            ["celery", "-A", "casino_club", "worker", "--loglevel=INFO", *WORKER_OPTIONS],
        )
        schedule = self.log_dir / "celerybeat-schedule"
        self.start(
            "beat",
            ["celery", "-A", "casino_club", "beat", "--loglevel=WARNING", f"--schedule={schedule}"],
        )
        deadline = time.monotonic() + 60
        waiting = {"gunicorn", "daphne", "worker"}
        while waiting and time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    self.fail(f"{name} exited with {process.returncode}")
            if "gunicorn" in waiting and http_status(self.http_port, "/healthz") == 200:
                waiting.discard("gunicorn")
            if "daphne" in waiting and listening(self.ws_port):
                waiting.discard("daphne")
            if "worker" in waiting and b"ready." in (self.log_dir / "worker.log").read_bytes():
                waiting.discard("worker")
            time.sleep(0.2)
        if waiting:
            self.fail(f"not ready within 60 s: {', '.join(sorted(waiting))}")

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                self.fail(f"{name} exited during the run with {process.returncode}")

    def fail(self, message: str) -> None:
        for path in sorted(self.log_dir.glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-15:]
            print(f"--- {path.name} (last lines)", *tail, sep="\n", file=sys.stderr)
        raise SystemExit(f"bench-load: {message}")

    def down(self) -> None:
        for process in self.processes.values():
            stop_process_group(process)
        self.processes = {}


def http_status(port: int, path: str) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


# --- seeding --------------------------------------------------------------------


def seed(env: dict[str, str], players: int) -> list[str]:
    """Migrate; active game configs, the two counting missions, funded players; their emails."""
    django_migrate(env)
    from django.contrib.auth.hashers import make_password
    from django.db import connections

    from accounts.models import User
    from accounts.services import player_register
    from economy.models import MissionPeriod, MissionTemplate, MissionType
    from economy.services import MINT, ledger_transfer, player_account, system_account
    from games.services import game_configs_active, seed_pair_active

    game_configs_active()
    # Targets no run reaches, so progress counts every round (a completed
    # mission stops counting): rounds per day and coins wagered per week.
    MissionTemplate.objects.create(
        code=ROUNDS_MISSION,
        title="Load test: rounds",
        type=MissionType.PLAY_ROUNDS,
        target=1_000_000,
        period=MissionPeriod.DAILY,
        reward_xp=1,
    )
    MissionTemplate.objects.create(
        code=WAGER_MISSION,
        title="Load test: coins wagered",
        type=MissionType.WAGER_COINS,
        target=1_000_000,
        period=MissionPeriod.WEEKLY,
        reward_xp=1,
    )
    # One hash for every player (each with its own salt would be ~1 s of
    # PBKDF2 apiece); logging in still checks it in full, as in production.
    encoded = make_password(PASSWORD)
    emails = []
    for number in range(players):
        email = f"load{number}@bench.example"
        user = User(email=email)
        user.password = encoded
        player = player_register(
            user=user, nickname=f"load{number}", date_of_birth=date(1990, 1, 1), source="service"
        )
        ledger_transfer(
            source=system_account(code=MINT),
            destination=player_account(player=player),
            amount=1_000_000,
            kind="MISSION_REWARD",
            reference="load test funding",
        )
        seed_pair_active(player=player)
        emails.append(email)
    connections.close_all()
    return emails


# --- the pipeline's lag -----------------------------------------------------------


class LagSampler(threading.Thread):
    """Every second: ``subscriber_lag()`` and the newest committed ``ROUND_PLAYED`` position;
    every 0.1 s: the slowest round subscriber's mark, to time when it passes each sample."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.halt = threading.Event()
        self.samples: list[dict] = []  # {"t", "waiting", "position", "lag"}
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._run()
        except BaseException as error:  # reported by the main thread
            self.error = error
        finally:
            from django.db import connection

            connection.close()

    def _run(self) -> None:
        from accounts.action_types import ActionType
        from accounts.actions import subscriber_lag, subscribers_for
        from accounts.models import Action, SubscriberMark

        names = subscribers_for(ActionType.ROUND_PLAYED)
        self.names = names
        pending: deque[dict] = deque()
        newest_seen = (0, 0)
        next_sample = time.time()
        while not self.halt.is_set():
            now = time.time()
            if now >= next_sample:
                lag = subscriber_lag()
                newest = (
                    Action.objects.filter(type=ActionType.ROUND_PLAYED)
                    .order_by("-txid", "-pk")
                    .values_list("txid", "pk")
                    .first()
                )
                sample = {
                    "t": now,
                    "waiting": max((row["waiting"] for row in lag.values()), default=0),
                    "position": tuple(newest) if newest else None,
                    "lag": None,
                }
                self.samples.append(sample)
                if newest and tuple(newest) > newest_seen:
                    newest_seen = tuple(newest)
                    sample["tracked"] = True
                    pending.append(sample)
                next_sample += 1.0
                if next_sample < now:
                    next_sample = now + 1.0
            if pending:
                marks = list(
                    SubscriberMark.objects.filter(name__in=names).values_list("txid", "action_id")
                )
                slowest = min(marks) if len(marks) == len(names) else (0, 0)
                seen = time.time()
                while pending and slowest >= pending[0]["position"]:
                    sample = pending.popleft()
                    sample["lag"] = seen - sample["t"]
            self.pending = len(pending)
            time.sleep(0.1)

    def drained(self) -> bool:
        return (
            bool(self.samples)
            and self.samples[-1]["waiting"] == 0
            and getattr(self, "pending", 1) == 0
        )


# --- checks ---------------------------------------------------------------------


def applied_exactly_once() -> dict:
    from django.db.models import F, Sum

    from accounts.action_types import ActionType
    from accounts.models import Action
    from economy.models import PlayerMission, XpGrant, XpSource
    from games.leaderboards.boards import Board, Period
    from games.leaderboards.models import LeaderboardScore
    from games.models import GameRound

    rounds = GameRound.objects.count()
    totals = GameRound.objects.aggregate(net=Sum(F("payout") - F("wager")), wagered=Sum("wager"))
    actions = set(Action.objects.filter(type=ActionType.ROUND_PLAYED).values_list("pk", flat=True))
    grants = list(XpGrant.objects.filter(source=XpSource.PLAY).values_list("reference", flat=True))
    mission_rounds = (
        PlayerMission.objects.filter(template__code=ROUNDS_MISSION).aggregate(n=Sum("progress"))[
            "n"
        ]
        or 0
    )
    mission_wager = (
        PlayerMission.objects.filter(template__code=WAGER_MISSION).aggregate(n=Sum("progress"))["n"]
        or 0
    )
    board = (
        LeaderboardScore.objects.filter(board=Board.NET_WINNINGS, period=Period.ALLTIME).aggregate(
            total=Sum("score")
        )["total"]
        or 0
    )
    checks = {
        "one ROUND_PLAYED action per round": len(actions) == rounds,
        "one PLAY XP grant per round, reference action:<id>": len(grants) == rounds
        and set(grants) == {f"action:{pk}" for pk in actions},
        "missions: rounds = rounds table": mission_rounds == rounds,
        "missions: coins wagered = rounds table": mission_wager == (totals["wagered"] or 0),
        "net winnings all-time board = sum(payout - wager)": board == (totals["net"] or 0),
    }
    return {
        "rounds": rounds,
        "grants": len(grants),
        "mission_rounds": mission_rounds,
        "mission_wager": mission_wager,
        "wagered": totals["wagered"] or 0,
        "net": totals["net"] or 0,
        "board": board,
        "checks": checks,
    }


def reconcile_ok() -> bool:
    from economy.services import ledger_reconcile

    return ledger_reconcile().ok


# --- figures --------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (t, value) points (0 for fewer than 3)."""
    if len(points) < 3:
        return 0.0
    mean_t = statistics.fmean(t for t, _ in points)
    mean_v = statistics.fmean(v for _, v in points)
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    if not spread:
        return 0.0
    return sum((t - mean_t) * (v - mean_v) for t, v in points) / spread


def step_figures(phase: dict, records: list, logged_in: list[float], samples: list[dict]) -> dict:
    start, end = phase["start"], phase["end"]
    joined = [t for t in logged_in if start <= t < end]
    window_start = max(start + 5.0, (max(joined) + 2.0) if joined else start)
    seconds = max(end - window_start, 0.001)
    in_step = [r for r in records if start <= r[0] < end]
    steady = [r for r in in_step if window_start <= r[0] < end]
    player = [r[2] for r in steady if r[1] in PLAYER_REQUESTS]
    plays = [r for r in steady if r[1] in PLAYS]
    probe = [r[2] for r in steady if r[1] == "healthz probe"]
    window_samples = [s for s in samples if window_start <= s["t"] < end]
    # A sample the marks never passed counts as an infinite lag.
    lags = [
        s["lag"] if s["lag"] is not None else float("inf")
        for s in window_samples
        if s.get("tracked")
    ]
    waiting = [(s["t"], s["waiting"]) for s in window_samples]
    rate = sum(1 for r in plays if not r[3]) / seconds
    growth = slope(waiting)
    last_waiting = waiting[-1][1] if waiting else 0
    growing = growth > 1.0 and last_waiting > rate
    figures = {
        "users": phase["users"],
        "window": seconds,
        "rounds_per_s": rate,
        "requests_per_s": len([r for r in steady if r[1] in PLAYER_REQUESTS]) / seconds,
        "plays_p50": statistics.median([r[2] for r in plays]) if plays else 0.0,
        "plays_p99": percentile([r[2] for r in plays], 0.99) if plays else 0.0,
        "p99": percentile(player, 0.99) if player else 0.0,
        "probe_p99": percentile(probe, 0.99) if probe else 0.0,
        "errors": sum(r[3] for r in in_step),
        "lag_p50": statistics.median(lags) if lags else float("inf"),
        "lag_p99": percentile(lags, 0.99) if lags else float("inf"),
        "waiting_max": max((v for _, v in waiting), default=0),
        "waiting_last": last_waiting,
        "growth": growth,
        "growing": growing,
        "by_name": {
            name: [r[2] for r in steady if r[1] == name]
            for name in (*PLAYER_REQUESTS, "ws subscribe")
        },
    }
    figures["holds"] = (
        seconds >= 5.0
        and bool(player)
        and figures["p99"] < LATENCY_LIMIT_MS
        and figures["errors"] == 0
        and figures["lag_p99"] < LAG_LIMIT_S
        and not growing
    )
    return figures


def bare_figures(phases: list[dict], records: list) -> dict:
    latencies, seconds = [], 0.0
    for phase in phases:
        start = phase["start"] + 1.0  # the clients' first connections
        latencies += [
            r[2] for r in records if r[1] == "healthz bare" and start <= r[0] < phase["end"]
        ]
        seconds += phase["end"] - start
    errors = sum(r[3] for r in records if r[1] == "healthz bare")
    return {
        "per_second": len(latencies) / seconds if seconds else 0.0,
        "p50": statistics.median(latencies) if latencies else 0.0,
        "p99": percentile(latencies, 0.99) if latencies else 0.0,
        "errors": errors,
    }


def breakdown(step: dict) -> None:
    """Per request of one step's steady part: rate, p50, p99."""
    parts = []
    for name, values in step["by_name"].items():
        if values:
            parts.append(
                f"{name} {len(values) / step['window']:.1f}/s "
                f"{statistics.median(values):.0f}/{percentile(values, 0.99):.0f} ms"
            )
    print(f"  {step['users']} players, per request (rate, p50/p99): " + "; ".join(parts))


def report(args, result: dict, samples: list[dict], names: list[str], applied, reconciled) -> bool:
    phases, records = result["phases"], result["records"]
    steps = [
        step_figures(phase, records, result["logged_in"], samples)
        for phase in phases
        if phase["kind"] == "players"
    ]
    bare = bare_figures([p for p in phases if p["kind"] == "bare"], records)
    logins = [r[2] for r in records if r[1] == "login"]
    connects = [r[2] for r in records if r[1] == "ws connect"]
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"gunicorn {args.workers} sync workers, daphne, 1 Celery worker (threads, 2) + beat, "
        f"PostgreSQL, Redis; ACTIONS_DISPATCH=worker; think {args.think[0]}-{args.think[1]} s; "
        f"{len(steps)} steps x {args.step_seconds:.0f} s; load average {load_average}"
    )
    print(
        f"bare GET /healthz ({args.bare_clients} closed-loop clients, 2 x "
        f"{args.bare_seconds:.0f} s): {bare['per_second']:.0f} req/s, p50 {bare['p50']:.1f} ms, "
        f"p99 {bare['p99']:.1f} ms, errors {bare['errors']}"
    )
    print(
        f"{'players':>7} {'rounds/s':>8} {'req/s':>6} {'play p50':>8} {'play p99':>8} "
        f"{'all p99':>7} {'probe p99':>9} {'errors':>6} {'lag p50':>7} {'lag p99':>7} "
        f"{'backlog':>11} {'holds':>5}"
    )
    for step in steps:
        backlog = f"{step['waiting_last']}/{step['waiting_max']}{'+' if step['growing'] else ''}"
        print(
            f"{step['users']:>7} {step['rounds_per_s']:8.1f} {step['requests_per_s']:6.1f} "
            f"{step['plays_p50']:8.1f} {step['plays_p99']:8.1f} {step['p99']:7.1f} "
            f"{step['probe_p99']:9.1f} {step['errors']:>6} {step['lag_p50']:7.2f} "
            f"{step['lag_p99']:7.2f} {backlog:>11} {'yes' if step['holds'] else 'no':>5}"
        )
    holding = [step for step in steps if step["holds"]]
    if holding:
        best = max(holding, key=lambda step: step["rounds_per_s"])
        ratio = best["rounds_per_s"] / bare["per_second"] if bare["per_second"] else 0.0
        print(
            f"highest round rate that holds (p99 < {LATENCY_LIMIT_MS:.0f} ms, no errors, "
            f"lag p99 < {LAG_LIMIT_S:.0f} s, backlog not growing): "
            f"{best['rounds_per_s']:.1f} rounds/s at {best['users']} players; "
            f"ratio to bare /healthz {ratio:.3f}"
        )
        breakdown(best)
    else:
        print("no step holds (p99 < 250 ms, no errors, lag p99 < 2 s, backlog not growing)")
    failing = [step for step in steps if not step["holds"]]
    if failing:
        print(f"first step that does not hold: {failing[0]['users']} players")
        breakdown(failing[0])
    for step in steps:
        if step["window"] < 5.0:
            print(f"{step['users']} players: steady part only {step['window']:.1f} s (logins)")
    print(
        f"logins: {len(logins)}, p50 {statistics.median(logins) if logins else 0:.0f} ms, "
        f"p99 {percentile(logins, 0.99) if logins else 0:.0f} ms; sockets: "
        f"{result['sockets']['opened']} opened (connect p99 "
        f"{percentile(connects, 0.99) if connects else 0:.0f} ms), "
        f"{result['sockets']['updates']} leaderboard.update received, "
        f"{result['sockets']['closed_early']} closed early"
    )
    print(f"lag measured on the marks of: {', '.join(names)}")
    for failure in result["failures"][:10]:
        print(f"failure: {failure['count']} x {failure['name']}: {failure['error'][:200]}")
    print(
        f"after the run: {applied['rounds']} rounds, {applied['grants']} PLAY XP grants, "
        f"missions {applied['mission_rounds']} rounds / {applied['mission_wager']} coins "
        f"(table: {applied['wagered']}), net winnings board {applied['board']} "
        f"(table: {applied['net']})"
    )
    for label, ok in applied["checks"].items():
        print(f"  {label}: {'OK' if ok else 'MISMATCH'}")
    print(f"ledger_reconcile after the run: {'OK' if reconciled else 'MISMATCH'}")
    return reconciled and all(applied["checks"].values())


# --- the run --------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default="10,20,30,40,50,60", help="players per step")
    parser.add_argument("--step-seconds", type=float, default=30.0)
    parser.add_argument("--bare-seconds", type=float, default=8.0)
    parser.add_argument("--bare-clients", type=int, default=16)
    parser.add_argument("--think", default="0.5,1.5", help="seconds between a player's actions")
    parser.add_argument("--spawn-rate", type=float, default=5.0, help="new players per second")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--redis-db", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the logs and raw results")
    args = parser.parse_args()
    steps = [int(value) for value in args.steps.split(",")]
    args.think = [float(value) for value in args.think.split(",")]
    if steps != sorted(steps) or steps[0] < 1:
        sys.exit("--steps must be increasing, e.g. 10,20,30")

    admin_url = database_url("load.py")
    bench_url = with_database(admin_url, BENCH_DB)
    bench_redis = redis_url(args.redis_db)
    work = Path(tempfile.mkdtemp(prefix="casino-bench-load-"))
    env = stack_environment(bench_url, bench_redis, str(work))
    recreate_database(admin_url, BENCH_DB)
    flush_redis(bench_redis)
    stack = Stack(env, work)
    sampler = None
    ok = False
    try:
        started = time.monotonic()
        emails = seed(env, steps[-1] + 5)
        stack.up(args.workers)
        print(f"seeded and started in {time.monotonic() - started:.0f} s", flush=True)
        phases = [{"kind": "bare", "users": args.bare_clients, "seconds": args.bare_seconds}]
        phases += [{"kind": "idle", "users": 0, "seconds": 2.0}]
        phases += [
            {"kind": "players", "users": users, "seconds": args.step_seconds} for users in steps
        ]
        phases += [{"kind": "idle", "users": 0, "seconds": 4.0}]
        phases += [{"kind": "bare", "users": args.bare_clients, "seconds": args.bare_seconds}]
        plan = {
            "http_url": f"http://127.0.0.1:{stack.http_port}",
            "ws_url": f"ws://127.0.0.1:{stack.ws_port}/ws/live/",
            "origin": f"http://127.0.0.1:{stack.ws_port}",
            "emails": emails,
            "password": PASSWORD,
            "think": args.think,
            "spawn_rate": args.spawn_rate,
            "phases": phases,
        }
        (work / "plan.json").write_text(json.dumps(plan))
        sampler = LagSampler()
        sampler.start()
        planned = sum(phase["seconds"] for phase in phases)
        players = subprocess.Popen(
            [sys.executable, str(PLAYERS), str(work / "plan.json"), str(work / "result.json")],
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=open(work / "locust.log", "wb"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            players.wait(timeout=planned + 90)
        except subprocess.TimeoutExpired:
            stop_process_group(players)
            stack.fail("the locust process did not finish in time")
        if players.returncode != 0 or not (work / "result.json").exists():
            stack.fail(f"the locust process failed ({players.returncode}); see locust.log")
        stack.check_alive()
        result = json.loads((work / "result.json").read_text())
        deadline = time.monotonic() + 120
        while not sampler.drained() and time.monotonic() < deadline:
            if sampler.error:
                raise sampler.error
            time.sleep(0.5)
        sampler.halt.set()
        sampler.join(timeout=30)
        if sampler.error:
            raise sampler.error
        if not sampler.drained():
            stack.fail("the action pipeline did not drain within 120 s of the end")
        stack.down()
        applied = applied_exactly_once()
        reconciled = reconcile_ok()
        ok = report(args, result, sampler.samples, sampler.names, applied, reconciled)
        print(f"whole run: {time.monotonic() - started:.0f} s")
    finally:
        if sampler is not None:
            sampler.halt.set()
            sampler.join(timeout=30)
        stack.down()
        from django.db import connections

        connections.close_all()
        drop_database(admin_url, BENCH_DB)
        flush_redis(bench_redis)
        if args.keep:
            print(f"logs and raw results kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
