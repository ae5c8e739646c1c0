"""Spin throughput over HTTP on PostgreSQL, next to GET /api/users/me on the same server.

Run with ``make bench-games`` (or ``.venv/bin/python benchmarks/games.py``
with ``DATABASE_URL`` pointing at PostgreSQL). It creates a scratch database
``casino_bench_games``, migrates it, creates one funded player per client,
serves the site with gunicorn (sync workers, as production serves HTTP) on
loopback, logs every player in through allauth's JWT login, and then:

(a) 16 concurrent keep-alive clients (threads, each its own player) call
    ``GET /healthz`` (a bare Django view), ``GET /bench/bare`` (a bare DRF
    view with the site's authentication: benchmarks/bench_urls.py, the
    baseline for ``/me``), ``GET /api/users/me`` and
    ``POST /api/games/slots/play`` in alternating slices of the same run;
    requests/s, p50 and p99 for each and the ratios;
(b) after every spin slice, the subscribers' backlog and how long the
    pipeline (the Celery worker, or the request itself with ``--dispatch
    inline``) takes to drain it: the end-to-end spin rate counts that time,
    so a worker that falls behind shows as a lower rate, not a hidden queue;
    afterwards every round must have exactly one XP grant and the net
    winnings board must equal the rounds table;
(c) subscriber statements per spin: N spins recorded in one transaction,
    then one pipeline run, its statements counted, for N = 1, 10, 100, 300;
(d) resolves per second of the pure slot ``resolve`` (DrawStream + spec).

Afterwards the ledger must still reconcile; the server is stopped and the
database dropped. Options: --seconds (per slice), --rounds, --clients,
--workers, --port.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from common import (
    PASSWORD,
    ROOT,
    database_url,
    django_migrate,
    drop_database,
    funded_player,
    recreate_database,
    stop_process_group,
    with_database,
)

BENCH_DB = "casino_bench_games"
REDIS_BENCH_URL = "redis://127.0.0.1:6379/12"
SPIN = {"bet_per_line": 1, "lines": 20}


def server_environment(bench_url: str, dispatch: str, var_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    if dispatch == "worker" and env.get("REDIS_URL"):
        # As in production: Redis for the cache (the worker's coalesced wake-ups),
        # the channel layer and the leaderboard mirror; a private database, flushed.
        env["REDIS_URL"] = REDIS_BENCH_URL
    else:
        env.pop("REDIS_URL", None)  # per-process caches; no Redis round trips
    env.update(
        {
            "DATABASE_URL": bench_url,
            # inline: subscribers run in the request after commit; worker: a
            # Celery worker (started beside the server, on the same 2 CPUs,
            # on the filesystem broker in a private folder) runs them.
            "ACTIONS_DISPATCH": dispatch,
            # Each client spins as fast as it can: far over a player's play
            # limit (5/s), so the limit is raised, and its counting still paid.
            "THROTTLE_PLAY": "1000000/s,1000000000/h",
            "CASINO_VAR_DIR": var_dir,
            "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
            # DEBUG off: with it on Django keeps every query in memory.
            "DEBUG": "false",
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def seed_players(env: dict[str, str], count: int) -> list[str]:
    """Migrate, create ``count`` players with plenty of coins; returns their emails."""
    django_migrate(env)
    from games.services import game_configs_active

    game_configs_active()  # version 1 of each game, as on a live site
    emails = []
    for number in range(count):
        email = f"bench{number}@example.com"
        funded_player(email=email, nickname=f"bench{number}", coins=10_000_000)
        emails.append(email)
    from django.db import connections

    connections.close_all()
    return emails


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "casino_club.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _ = request(http.client.HTTPConnection("127.0.0.1", port), "GET", "/healthz")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop_process_group(server)
    sys.exit("gunicorn did not answer /healthz within 30 s")


def request(conn, method: str, path: str, body=None, token: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    payload = json.dumps(body) if body is not None else None
    try:
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
    except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
        # Sync workers close the connection after each response; reconnect.
        conn.close()
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
    data = response.read()
    if response.getheader("Connection", "").lower() == "close":
        conn.close()
    return response.status, data


def log_in(port: int, email: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, data = request(
        conn, "POST", "/_allauth/app/v1/auth/login", {"email": email, "password": PASSWORD}
    )
    if status != 200:
        sys.exit(f"login failed for {email}: {status} {data[:200]!r}")
    return json.loads(data)["meta"]["access_token"]


def load(port: int, tokens: list[str], method: str, path: str, body, seconds: float):
    """Every client sends requests back to back for ``seconds``; returns (count, latencies)."""
    latencies: list[list[float]] = [[] for _ in tokens]
    failures: list[str] = []
    stop_at = time.monotonic() + seconds
    barrier = threading.Barrier(len(tokens))

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        barrier.wait()
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            status, data = request(conn, method, path, body, tokens[index])
            latencies[index].append(time.perf_counter() - started)
            if status != 200:
                failures.append(f"{status} {data[:200]!r}")
                return
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(tokens))]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.monotonic() - began
    if failures:
        sys.exit(f"{method} {path} failed: {failures[0]}")
    flat = [value for per_client in latencies for value in per_client]
    return len(flat), elapsed, flat


def summary(count: int, elapsed: float, latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    return {
        "requests": count,
        "per_second": count / elapsed,
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
    }


def resolves_per_second(seconds: float) -> dict:
    from games.fairness import DrawStream
    from games.registry import get

    spec = get("slots")
    config = spec.default_config
    cleaned = spec.validate_params(SPIN, config)
    server_seed, client_seed = "ab" * 32, "bench"
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for _ in range(500):
            spec.resolve(DrawStream(server_seed, client_seed, count), cleaned, config)
            count += 1
    return {"resolves": count, "per_second": count / (time.perf_counter() - started)}


def pipeline_waiting() -> int:
    """Actions some subscriber has not handled yet (the largest backlog of any subscriber).

    Counts every committed action past each mark, not only those below the
    pipeline's horizon: a batch running in the worker holds the horizon
    back, and the newest rounds sit above it until the next run.
    """
    from accounts.actions import _after, subscribers_ordered
    from accounts.models import Action, SubscriberMark

    marks = {m.name: (m.txid, m.action_id) for m in SubscriberMark.objects.all()}
    return max(
        (
            Action.objects.filter(
                _after(marks.get(sub.name, (0, 0))), type__in=sorted(sub.types)
            ).count()
            for sub in subscribers_ordered()
        ),
        default=0,
    )


def drain_seconds(timeout: float = 600.0) -> tuple[int, float]:
    """(backlog now, seconds until no subscriber has anything waiting)."""
    started = time.monotonic()
    backlog = pipeline_waiting()
    waiting = backlog
    while waiting and time.monotonic() - started < timeout:
        time.sleep(0.1)
        waiting = pipeline_waiting()
    if waiting:
        sys.exit(f"the pipeline did not drain within {timeout:.0f} s ({waiting} waiting)")
    return backlog, time.monotonic() - started


def applied_exactly_once() -> dict:
    """Every round's XP and leaderboard score applied once, checked against the rounds table."""
    from django.db.models import F, Sum

    from economy.models import XpGrant, XpSource
    from games.leaderboards.boards import Board, Period
    from games.leaderboards.models import LeaderboardScore
    from games.models import GameRound

    rounds = GameRound.objects.count()
    grants = XpGrant.objects.filter(source=XpSource.PLAY).count()
    net = GameRound.objects.aggregate(net=Sum(F("payout") - F("wager")))["net"] or 0
    board = (
        LeaderboardScore.objects.filter(board=Board.NET_WINNINGS, period=Period.ALLTIME).aggregate(
            total=Sum("score")
        )["total"]
        or 0
    )
    return {"rounds": rounds, "xp_grants": grants, "ok": rounds == grants and net == board}


def statements_per_spin(emails: list[str]) -> dict[int, float]:
    """Subscriber statements per spin for batches of N spins (counted, not timed)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.actions import actions_process
    from accounts.models import User
    from games.services import round_play

    players = list(User.objects.filter(email__in=emails))
    figures = {}
    for size in (1, 10, 100, 300):
        with transaction.atomic():
            for number in range(size):
                round_play(player=players[number % len(players)], slug="slots", params=SPIN)
        with CaptureQueriesContext(connection) as queries:
            actions_process()
        figures[size] = len(queries) / size
    return figures


def reconcile_ok() -> bool:
    from economy.services import ledger_reconcile

    return ledger_reconcile().ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per slice")
    parser.add_argument("--rounds", type=int, default=3, help="alternating slices per endpoint")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--dispatch",
        choices=["worker", "inline"],
        default="worker",
        help="where round subscribers run (ACTIONS_DISPATCH); worker starts a Celery worker",
    )
    args = parser.parse_args()

    admin_url = database_url("games.py")
    bench_url = with_database(admin_url, BENCH_DB)
    var_dir = tempfile.mkdtemp(prefix="casino-bench-")
    env = server_environment(bench_url, args.dispatch, var_dir)
    if env.get("REDIS_URL") == REDIS_BENCH_URL:
        import redis

        redis.Redis.from_url(REDIS_BENCH_URL).flushdb()
    recreate_database(admin_url, BENCH_DB)
    server = None
    worker = None
    try:
        emails = seed_players(env, args.clients)
        if args.dispatch == "worker":
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "casino_club",
                    "worker",
                    "--pool=threads",
                    "--concurrency=2",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=WARNING",
                ],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        server = start_server(env, args.port, args.workers)
        tokens = [log_in(args.port, email) for email in emails]
        # Warm up: every worker connects, caches its config and system accounts.
        load(args.port, tokens, "POST", "/api/games/slots/play", SPIN, 1.0)
        load(args.port, tokens, "GET", "/api/users/me", None, 1.0)

        drain_seconds()
        results = {name: ([], 0, 0.0) for name in ("bare", "drf", "me", "spin")}
        backlogs, drained = [], 0.0
        for _ in range(args.rounds):
            for name, method, path, body in (
                ("bare", "GET", "/healthz", None),
                ("drf", "GET", "/bench/bare", None),
                ("me", "GET", "/api/users/me", None),
                ("spin", "POST", "/api/games/slots/play", SPIN),
            ):
                count, elapsed, latencies = load(
                    args.port, tokens, method, path, body, args.seconds
                )
                gathered, total, spent = results[name]
                results[name] = (gathered + latencies, total + count, spent + elapsed)
                if name == "spin":
                    backlog, seconds = drain_seconds()
                    backlogs.append(backlog)
                    drained += seconds
        bare = summary(results["bare"][1], results["bare"][2], results["bare"][0])
        drf = summary(results["drf"][1], results["drf"][2], results["drf"][0])
        me = summary(results["me"][1], results["me"][2], results["me"][0])
        spin = summary(results["spin"][1], results["spin"][2], results["spin"][0])
        end_to_end = results["spin"][1] / (results["spin"][2] + drained)
        applied = applied_exactly_once()
        stop_process_group(server)
        server = None
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
            worker = None
        statements = statements_per_spin(emails)
        pure = resolves_per_second(3.0)
        reconciled = reconcile_ok()
    finally:
        if server is not None:
            stop_process_group(server)
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)
        from django.db import connections

        connections.close_all()
        drop_database(admin_url, BENCH_DB)

    ratio = spin["per_second"] / me["per_second"]
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"gunicorn sync workers: {args.workers}, subscribers: {args.dispatch}, "
        f"clients: {args.clients}, "
        f"{args.rounds} x {args.seconds:.0f} s per endpoint, load average {load_average}"
    )
    print(f"{'endpoint':34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for label, figures in (
        ("GET /healthz (bare)", bare),
        ("GET /bench/bare (bare DRF, JWT)", drf),
        ("GET /api/users/me", me),
        ("POST /api/games/slots/play", spin),
    ):
        print(
            f"{label:34} {figures['per_second']:8.0f} "
            f"{figures['p50_ms']:8.1f} {figures['p99_ms']:8.1f}"
        )
    print(f"ratio me / bare DRF: {me['per_second'] / drf['per_second']:.2f} (target >= 0.25)")
    print(f"ratio me / bare Django view: {me['per_second'] / bare['per_second']:.2f}")
    print(f"ratio spin (request only) / me: {ratio:.2f}")
    print(
        f"spin end to end (request + every subscriber, backlog drained): "
        f"{end_to_end:.0f} spins/s, ratio to me {end_to_end / me['per_second']:.2f} "
        f"(target >= 0.5); backlog after each slice {backlogs}, drained in {drained:.1f} s"
    )
    print(
        f"applied exactly once: {applied['rounds']} rounds, {applied['xp_grants']} play XP "
        f"grants, net winnings board = rounds table: {'OK' if applied['ok'] else 'MISMATCH'}"
    )
    print(
        "subscriber statements per spin (batch of N): "
        + ", ".join(f"N={size}: {value:.1f}" for size, value in statements.items())
    )
    print(f"pure slots resolve: {pure['per_second']:,.0f} resolves/s")
    print(f"reconcile_ledger after the run: {'OK' if reconciled else 'MISMATCH'}")
    if not reconciled or not applied["ok"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
