"""1,000 live sockets on one daphne process, next to a bare Channels broadcast.

Run with ``make bench-live`` (or ``.venv/bin/python benchmarks/live.py`` with
``DATABASE_URL`` pointing at PostgreSQL and ``REDIS_URL`` at Redis). It
creates a scratch database ``casino_bench_live``, migrates it, and uses a
Redis database of its own (``--redis-db``, default 11, flushed before and
after). Two daphne processes serve on loopback:

- the site (``casino_club.asgi``) with the Redis channel layer;
- the baseline, ``benchmarks/bare_broadcast.py``: one bare consumer that
  joins a group and relays what is sent to it, on the same channel layer.

The sockets are authenticated cheaply: ``--players`` users (default 100,
created with ``bulk_create`` and unusable passwords, no hashing), and every
socket has a session row of its own made directly through the session store,
so 1,000 sockets are 1,000 sessions of 100 players (the consumer's cost does
not depend on how many players there are). Each authenticates by cookie.
Each site socket subscribes to ``leaderboard.biggest_win.daily``.

Measured:
(a) memory per connection: the server's RSS after its sockets are open and
    subscribed minus before, divided by the number of sockets, for both;
(b) per round, a fresh funded player spins over HTTP until a spin pays more
    than its wager; from that response (the win has committed) until every
    socket has the ``leaderboard.update`` naming the player. The site
    throttles pushes to one per board and period per second
    (``LEADERBOARD_PUSH_INTERVAL``), so this includes that wait by design.
    The baseline round: ``group_send`` of a message of the same shape to the
    bare group, until every bare socket has it. Rounds alternate.

Everything is bounded: connects, rounds (``--round-timeout``) and shutdown.
Options: --sockets, --players, --rounds, --redis-db, --round-timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlparse, urlunparse

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

BENCH_DB = "casino_bench_live"
TOPIC = "leaderboard.biggest_win.daily"
SPIN = {"bet_per_line": 1, "lines": 20}


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


def server_environment(bench_url: str, bench_redis: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": bench_url,
            "REDIS_URL": bench_redis,
            "DJANGO_SETTINGS_MODULE": "casino_club.settings",
            "DEBUG": "false",  # with DEBUG on Django keeps every query in memory
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            # The measured path includes the subscribers: they run in the
            # server (no worker here), so the push starts right after commit.
            "ACTIONS_DISPATCH": "inline",
        }
    )
    return env


# --- seeding --------------------------------------------------------------------


def seed(env: dict[str, str], sockets: int, players: int, winners: int):
    """Migrate; socket users and their sessions; funded winners. Returns (cookies, emails)."""
    django_migrate(env)
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connections

    from accounts.models import User
    from games.services import game_configs_active

    game_configs_active()
    watchers = []
    for number in range(players):
        user = User(
            email=f"watcher{number}@bench.example",
            nickname=f"watcher{number}",
            date_of_birth=date(1990, 1, 1),
        )
        user.set_unusable_password()
        watchers.append(user)
    watchers = User.objects.bulk_create(watchers)
    cookies = []
    for number in range(sockets):
        user = watchers[number % players]
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"sessionid={session.session_key}")
    emails = []
    for number in range(winners):
        email = f"winner{number}@bench.example"
        funded_player(email=email, nickname=f"winner{number}", coins=1_000_000)
        emails.append(email)
    connections.close_all()
    return cookies, emails


# --- servers --------------------------------------------------------------------


def start_daphne(env: dict[str, str], application: str, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-v",
            "0",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            application,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"daphne {application} exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    stop_process_group(server)
    sys.exit(f"daphne {application} did not listen within 30 s")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def http_json(port: int, method: str, path: str, body=None, token: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


# --- clients --------------------------------------------------------------------


class Fleet:
    """Many sockets of one kind; records when each receives a message carrying a marker."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sockets: list = []
        self.readers: list[asyncio.Task] = []
        self.marker: str | None = None
        self.arrivals: list[float] = []
        self.everyone = asyncio.Event()

    async def open(self, url: str, count: int, headers, origin: str, subscribe: bool) -> None:
        from websockets.asyncio.client import connect

        gate = asyncio.Semaphore(50)

        async def one(index: int):
            async with gate:
                ws = await connect(
                    url,
                    origin=origin,
                    additional_headers=headers(index),
                    open_timeout=30,
                    ping_interval=None,
                    compression=None,
                    max_queue=None,
                )
                if subscribe:
                    hello = json.loads(await asyncio.wait_for(ws.recv(), 30))
                    assert hello["type"] == "hello", hello
                    await ws.send(json.dumps({"type": "subscribe", "topic": TOPIC}))
                    answer = json.loads(await asyncio.wait_for(ws.recv(), 30))
                    assert answer["type"] == "subscribed", answer
                return ws

        self.sockets = await asyncio.wait_for(
            asyncio.gather(*(one(index) for index in range(count))), timeout=300
        )
        self.readers = [asyncio.create_task(self._read(ws)) for ws in self.sockets]

    async def _read(self, ws) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for message in ws:
                at = time.perf_counter()
                if self.marker is not None and self.marker in message:
                    self.arrivals.append(at)
                    if len(self.arrivals) == len(self.sockets):
                        self.everyone.set()
        except ConnectionClosed:
            return

    def expect(self, marker: str) -> None:
        self.marker = marker
        self.arrivals = []
        self.everyone = asyncio.Event()

    async def wait(self, started: float, timeout: float) -> list[float]:
        try:
            await asyncio.wait_for(self.everyone.wait(), timeout)
        except TimeoutError:
            sys.exit(
                f"{self.name}: only {len(self.arrivals)} of {len(self.sockets)} sockets "
                f"got the update within {timeout} s"
            )
        self.marker = None
        return [arrival - started for arrival in self.arrivals]

    async def close(self) -> None:
        for reader in self.readers:
            reader.cancel()
        # In batches: 1,000 simultaneous disconnects make 1,000 simultaneous
        # group_discard calls, more than channels_redis's connection pool allows.
        for start in range(0, len(self.sockets), 50):
            batch = self.sockets[start : start + 50]
            await asyncio.gather(*(ws.close() for ws in batch), return_exceptions=True)


async def site_round(fleet: Fleet, port: int, token: str, nickname: str, timeout: float):
    fleet.expect(f'"nickname": "{nickname}"')
    for _ in range(200):
        status, played = await asyncio.to_thread(
            http_json, port, "POST", "/api/games/slots/play", SPIN, token
        )
        started = time.perf_counter()
        if status != 200:
            sys.exit(f"spin failed: {status} {played}")
        if played["round"]["payout"] > played["round"]["wager"]:
            return await fleet.wait(started, timeout)
    sys.exit("no winning spin in 200 tries")


async def bare_round(fleet: Fleet, layer, number: int, timeout: float) -> list[float]:
    marker = f"bare-round-{number}"
    fleet.expect(marker)
    event = {
        "type": "leaderboard.update",
        "board": "biggest_win",
        "period": "daily",
        "marker": marker,
        "changes": [{"rank": 1, "nickname": marker, "score": 480}],
    }
    started = time.perf_counter()
    await layer.group_send("bare", {"type": "bare.message", "text": json.dumps(event)})
    return await fleet.wait(started, timeout)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


async def measure(
    args, site_port: int, bare_port: int, site_pid: int, bare_pid: int, cookies, tokens
):
    from channels_redis.core import RedisChannelLayer

    site, bare = Fleet("site"), Fleet("bare")
    # Warm up (imports, first queries, thread pool) before the "before" RSS.
    await site.open(
        f"ws://127.0.0.1:{site_port}/ws/live/",
        5,
        lambda i: {"Cookie": cookies[i]},
        f"http://127.0.0.1:{site_port}",
        True,
    )
    await bare.open(
        f"ws://127.0.0.1:{bare_port}/", 5, lambda i: {}, f"http://127.0.0.1:{bare_port}", False
    )
    await site.close()
    await bare.close()
    await asyncio.sleep(1.0)
    before = {"site": rss_kib(site_pid), "bare": rss_kib(bare_pid)}
    site, bare = Fleet("site"), Fleet("bare")
    started = time.perf_counter()
    await site.open(
        f"ws://127.0.0.1:{site_port}/ws/live/",
        args.sockets,
        lambda i: {"Cookie": cookies[i]},
        f"http://127.0.0.1:{site_port}",
        True,
    )
    site_open_seconds = time.perf_counter() - started
    started = time.perf_counter()
    await bare.open(
        f"ws://127.0.0.1:{bare_port}/",
        args.sockets,
        lambda i: {},
        f"http://127.0.0.1:{bare_port}",
        False,
    )
    bare_open_seconds = time.perf_counter() - started
    await asyncio.sleep(1.0)
    after = {"site": rss_kib(site_pid), "bare": rss_kib(bare_pid)}

    layer = RedisChannelLayer(
        hosts=[{"address": redis_url(args.redis_db), "socket_timeout": 15}],
        capacity=1500,
        expiry=30,
    )
    site_rounds: list[list[float]] = []
    bare_rounds: list[list[float]] = []
    for number in range(args.rounds):
        site_rounds.append(
            await site_round(site, site_port, tokens[number], f"winner{number}", args.round_timeout)
        )
        bare_rounds.append(await bare_round(bare, layer, number, args.round_timeout))
        # Let the throttle's gate for this board lapse before the next win.
        await asyncio.sleep(1.5)
    await site.close()
    await bare.close()
    await layer.flush()
    return before, after, site_rounds, bare_rounds, site_open_seconds, bare_open_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--players", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--redis-db", type=int, default=11)
    parser.add_argument("--round-timeout", type=float, default=30.0)
    args = parser.parse_args()

    # Two fleets of sockets in this process, plus the servers' own.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4 * args.sockets + 1024
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            sys.exit(f"need {wanted} file descriptors, the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))

    admin_url = database_url("live.py")
    bench_url = with_database(admin_url, BENCH_DB)
    bench_redis = redis_url(args.redis_db)
    env = server_environment(bench_url, bench_redis)
    recreate_database(admin_url, BENCH_DB)
    flush_redis(bench_redis)
    servers: list[subprocess.Popen] = []
    try:
        cookies, emails = seed(env, args.sockets, args.players, args.rounds)
        site_port, bare_port = free_port(), free_port()
        site_server = start_daphne(env, "casino_club.asgi:application", site_port)
        servers.append(site_server)
        bare_server = start_daphne(env, "benchmarks.bare_broadcast:application", bare_port)
        servers.append(bare_server)
        tokens = []
        for email in emails:
            status, body = http_json(
                site_port,
                "POST",
                "/_allauth/app/v1/auth/login",
                {"email": email, "password": PASSWORD},
            )
            if status != 200:
                sys.exit(f"login failed: {status} {body}")
            tokens.append(body["meta"]["access_token"])
        before, after, site_rounds, bare_rounds, site_open, bare_open = asyncio.run(
            measure(args, site_port, bare_port, site_server.pid, bare_server.pid, cookies, tokens)
        )
    finally:
        for server in servers:
            stop_process_group(server)
        from django.db import connections

        connections.close_all()
        drop_database(admin_url, BENCH_DB)
        flush_redis(bench_redis)

    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"daphne, Redis channel layer, PostgreSQL; {args.sockets} sockets per server "
        f"({args.players} players' sessions), {args.rounds} rounds, load average {load_average}"
    )
    print(f"{'':34} {'site':>10} {'bare':>10} {'ratio':>7}")
    per_socket = {name: (after[name] - before[name]) / args.sockets for name in ("site", "bare")}
    print(f"{'RSS before (MiB)':34} {before['site'] / 1024:10.1f} {before['bare'] / 1024:10.1f}")
    print(
        f"{'RSS with sockets (MiB)':34} {after['site'] / 1024:10.1f} {after['bare'] / 1024:10.1f}"
    )
    print(
        f"{'memory per socket (KiB)':34} {per_socket['site']:10.1f} {per_socket['bare']:10.1f} "
        f"{per_socket['site'] / per_socket['bare']:7.2f}"
    )
    print(f"{'opening all sockets (s)':34} {site_open:10.1f} {bare_open:10.1f}")
    site_all = [max(latencies) * 1000 for latencies in site_rounds]
    bare_all = [max(latencies) * 1000 for latencies in bare_rounds]
    site_each = [value * 1000 for latencies in site_rounds for value in latencies]
    bare_each = [value * 1000 for latencies in bare_rounds for value in latencies]
    interval = 1000.0  # LEADERBOARD_PUSH_INTERVAL's default, waited by design
    rows = [
        ("per socket p50 (ms)", statistics.median(site_each), statistics.median(bare_each)),
        ("per socket p99 (ms)", percentile(site_each, 0.99), percentile(bare_each, 0.99)),
        (
            "all sockets, median round (ms)",
            statistics.median(site_all),
            statistics.median(bare_all),
        ),
        ("all sockets, worst round (ms)", max(site_all), max(bare_all)),
    ]
    for label, site_value, bare_value in rows:
        print(f"{label:34} {site_value:10.1f} {bare_value:10.1f} {site_value / bare_value:7.1f}")
    beyond = statistics.median(site_all) - interval
    print(
        f"all sockets, median round, less the {interval:.0f} ms throttle: {beyond:.1f} ms "
        f"({beyond / statistics.median(bare_all):.1f} x bare)"
    )


if __name__ == "__main__":
    main()
