"""1,000 live sockets on one ASGI server process, next to a bare Channels broadcast.

Run with ``make bench-live`` (or ``.venv/bin/python benchmarks/live.py`` with
``DATABASE_URL`` pointing at PostgreSQL and ``REDIS_URL`` at Redis). It
creates a scratch database ``casino_bench_live`` (``--database``), migrates it, and uses a
Redis database of its own (``--redis-db``, default 11, flushed before, between
servers and after). For each server of ``--server`` (``daphne``, ``uvicorn``,
``granian`` or ``all``, default daphne; benchmarks/asgi_servers.py) two
processes of that server serve on loopback:

- the site (``casino_club.asgi:application``) with the Redis channel layer;
- the baseline, ``benchmarks/bare_broadcast.py``: one bare consumer that
  joins a group and relays what is sent to it, on the same channel layer.

So every site figure stands next to a bare figure measured on the same
server in the same run.

The sockets are authenticated cheaply: ``--players`` users (default 100,
created with ``bulk_create`` and unusable passwords, no hashing), and every
socket has a session row of its own made directly through the session store,
so 1,000 sockets are 1,000 sessions of 100 players (the consumer's cost does
not depend on how many players there are). Each authenticates by cookie.
Each site socket subscribes to ``leaderboard.biggest_win.daily``.

Measured, per server:
(a) memory per connection: the server's RSS (process tree) after its sockets
    are open and subscribed minus before, divided by the number of sockets;
(b) opening all sockets, 50 at a time (site: connect, ``hello``, subscribe,
    ``subscribed``; bare: connect); three ways, each next to a bare opening
    in the same run. After a page load: as many new sessions each load
    ``/leaderboards/`` (timed on its own), whose response carries the
    socket pass (accounts/socket_pass.py), then open their sockets with it.
    Without a page load: first with sessions no socket has used
    yet (every check reads the database), then, after the rounds, the same
    sessions again, as after a restart (the checks come from the cache,
    accounts/socket_sessions.py);
(c) per round, a fresh funded player spins over HTTP until a spin pays more
    than its wager; from that response (the win has committed) until every
    socket has the ``leaderboard.update`` naming the player. The site
    throttles pushes to one per board and period per second
    (``LEADERBOARD_PUSH_INTERVAL``), so this includes that wait by design.
    The baseline round: ``group_send`` of a message of the same shape to the
    bare group, until every bare socket has it. Rounds alternate.

Everything is bounded: connects, rounds (``--round-timeout``) and shutdown.
Options: --server, --sockets, --players, --rounds, --redis-db, --database,
--round-timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import secrets
import statistics
import subprocess
import sys
import time
from datetime import date
from urllib.parse import urlparse, urlunparse

from asgi_servers import SERVERS, free_port, installed, rss_kib, server_start
from common import (
    PASSWORD,
    database_url,
    django_migrate,
    drop_database,
    funded_player,
    recreate_database,
    stop_process_group,
    with_database,
)
from live_clients import Fleet, bare_round, http_json, page_loads, percentile, site_round

BENCH_DB = "casino_bench_live"
PAGE = "/leaderboards/"  # the page whose socket subscribes to the boards
PASS_COOKIE = "cc_live"  # WS_PASS_COOKIE's default (accounts/socket_pass.py)


# --- services -------------------------------------------------------------------


def redis_url(number: int) -> str:
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    return urlunparse(urlparse(base)._replace(path=f"/{number}"))


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


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
            # An ASGI server runs every request in a thread of its own: without a
            # pool each page load would keep a connection (docs/operations.md).
            "DATABASE_POOL": "true",
            # One player spins back to back until a win: over the play limit.
            "THROTTLE_PLAY": "1000000/s",
        }
    )
    return env


# --- seeding --------------------------------------------------------------------


def seed(env: dict[str, str], sockets: int, players: int, winners: int):
    """Migrate; socket users and their sessions; funded winners. Returns (cookies, emails)."""
    django_migrate(env)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # the pages' manifest
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
    for number in range(2 * sockets):  # half for the cold opening, half for the page loads
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


async def measure(args, server: str, ports, pids, cookies, tokens, winners: list[str]):
    from channels_redis.core import RedisChannelLayer

    site_url = f"ws://127.0.0.1:{ports['site']}/ws/live/"
    bare_url = f"ws://127.0.0.1:{ports['bare']}/"
    site_origin, bare_origin = (f"http://127.0.0.1:{ports[name]}" for name in ("site", "bare"))

    cold, paged = cookies[: args.sockets], cookies[args.sockets :]

    def site_cookie(index: int) -> dict:
        return {"Cookie": cold[index]}

    site, bare = Fleet("site"), Fleet("bare")
    # Warm up (imports, first queries, thread pools) before the "before" RSS.
    await site.open(site_url, 5, site_cookie, site_origin, True)
    await bare.open(bare_url, 5, lambda i: {}, bare_origin, False)
    await site.close()
    await bare.close()
    await asyncio.sleep(1.0)
    before = {name: rss_kib(pid) for name, pid in pids.items()}
    site, bare = Fleet("site"), Fleet("bare")
    opened = {}
    started = time.perf_counter()
    await site.open(site_url, args.sockets, site_cookie, site_origin, True)
    opened["site"] = time.perf_counter() - started
    started = time.perf_counter()
    await bare.open(bare_url, args.sockets, lambda i: {}, bare_origin, False)
    opened["bare"] = time.perf_counter() - started
    await asyncio.sleep(1.0)
    after = {name: rss_kib(pid) for name, pid in pids.items()}

    layer = RedisChannelLayer(
        hosts=[{"address": redis_url(args.redis_db), "socket_timeout": 15}],
        capacity=1500,
        expiry=30,
    )
    rounds: dict[str, list[list[float]]] = {"site": [], "bare": []}
    for number, (token, nickname) in enumerate(zip(tokens, winners, strict=True)):
        rounds["site"].append(
            await site_round(site, ports["site"], token, nickname, args.round_timeout)
        )
        rounds["bare"].append(await bare_round(bare, layer, number, args.round_timeout))
        # Let the throttle's gate for this board lapse before the next win.
        await asyncio.sleep(1.5)
    await site.close()
    await bare.close()
    # The same sessions again within WS_SESSION_CACHE_SECONDS, as pages do
    # after a proxy or server restart: the session checks come from the cache.
    await asyncio.sleep(1.0)
    site, bare = Fleet("site"), Fleet("bare")
    started = time.perf_counter()
    await site.open(site_url, args.sockets, site_cookie, site_origin, True)
    opened["site again"] = time.perf_counter() - started
    started = time.perf_counter()
    await bare.open(bare_url, args.sockets, lambda i: {}, bare_origin, False)
    opened["bare again"] = time.perf_counter() - started
    await site.close()
    await bare.close()
    # Sessions never seen, each opened by the page it is on, as a browser
    # does: the page's response carries its socket pass (accounts/socket_pass.py),
    # so the connect checks two generations in Redis instead of two rows.
    started = time.perf_counter()
    with_pass = await page_loads(ports["site"], PAGE, paged, PASS_COOKIE)
    opened["pages"] = time.perf_counter() - started
    site, bare = Fleet("site"), Fleet("bare")
    started = time.perf_counter()
    await site.open(site_url, args.sockets, lambda i: {"Cookie": with_pass[i]}, site_origin, True)
    opened["site paged"] = time.perf_counter() - started
    started = time.perf_counter()
    await bare.open(bare_url, args.sockets, lambda i: {}, bare_origin, False)
    opened["bare paged"] = time.perf_counter() - started
    await site.close()
    await bare.close()
    await layer.flush()
    return {"server": server, "before": before, "after": after, "open": opened, **rounds}


def server_run(args, server: str, env, cookies, emails: list[str]) -> dict:
    """Start the site and the bare baseline on ``server``, measure, stop them."""
    ports = {"site": free_port(), "bare": free_port()}
    processes: dict[str, subprocess.Popen] = {}
    try:
        processes["site"] = server_start(server, env, "casino_club.asgi:application", ports["site"])
        processes["bare"] = server_start(
            server, env, "benchmarks.bare_broadcast:application", ports["bare"]
        )
        tokens = []
        for email in emails:
            status, body = http_json(
                ports["site"],
                "POST",
                "/_allauth/app/v1/auth/login",
                {"email": email, "password": PASSWORD},
            )
            if status != 200:
                sys.exit(f"login failed on {server}: {status} {body}")
            tokens.append(body["meta"]["access_token"])
        winners = [email.split("@")[0] for email in emails]
        pids = {name: process.pid for name, process in processes.items()}
        return asyncio.run(measure(args, server, ports, pids, cookies, tokens, winners))
    finally:
        for process in processes.values():
            stop_process_group(process)


def report(args, result: dict) -> None:
    before, after, opened = result["before"], result["after"], result["open"]
    print(f"\n{result['server']}:")
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
    print(f"{'page loads of new sessions (s)':34} {opened['pages']:10.2f}")
    for label, suffix in (
        ("opening, no page load (s)", ""),
        ("opening after the page (pass) (s)", " paged"),
        ("reopening them (cache) (s)", " again"),
    ):
        site_open, bare_open = opened["site" + suffix], opened["bare" + suffix]
        print(f"{label:34} {site_open:10.2f} {bare_open:10.2f} {site_open / bare_open:7.2f}")
    site_all = [max(latencies) * 1000 for latencies in result["site"]]
    bare_all = [max(latencies) * 1000 for latencies in result["bare"]]
    site_each = [value * 1000 for latencies in result["site"] for value in latencies]
    bare_each = [value * 1000 for latencies in result["bare"] for value in latencies]
    interval = 1000.0  # LEADERBOARD_PUSH_INTERVAL's default, waited by design
    rows = [
        ("per socket p50 (ms)", statistics.median(site_each), statistics.median(bare_each)),
        ("per socket p99 (ms)", percentile(site_each, 0.99), percentile(bare_each, 0.99)),
        ("all sockets, median round (ms)", *map(statistics.median, (site_all, bare_all))),
        ("all sockets, worst round (ms)", max(site_all), max(bare_all)),
    ]
    for label, site_value, bare_value in rows:
        print(f"{label:34} {site_value:10.1f} {bare_value:10.1f} {site_value / bare_value:7.1f}")
    beyond = statistics.median(site_all) - interval
    print(
        f"all sockets, median round, less the {interval:.0f} ms throttle: {beyond:.1f} ms "
        f"({beyond / statistics.median(bare_all):.2f} x bare)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=[*SERVERS, "all"], default="daphne")
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--players", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--redis-db", type=int, default=11)
    parser.add_argument("--database", default=BENCH_DB, help="the scratch database's name")
    parser.add_argument("--round-timeout", type=float, default=30.0)
    args = parser.parse_args()
    servers = list(SERVERS) if args.server == "all" else [args.server]
    missing = [server for server in servers if not installed(server)]
    if missing:
        sys.exit(f"not installed: {', '.join(missing)} (pip install -r requirements.txt)")

    # Two fleets of sockets in this process, plus the servers' own.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4 * args.sockets + 1024
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            sys.exit(f"need {wanted} file descriptors, the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))

    admin_url = database_url("live.py")
    bench_url = with_database(admin_url, args.database)
    bench_redis = redis_url(args.redis_db)
    env = server_environment(bench_url, bench_redis)
    recreate_database(admin_url, args.database)
    flush_redis(bench_redis)
    results = []
    try:
        cookies, emails = seed(env, args.sockets, args.players, args.rounds * len(servers))
        for index, server in enumerate(servers):
            chunk = emails[index * args.rounds : (index + 1) * args.rounds]
            results.append(server_run(args, server, env, cookies, chunk))
            flush_redis(bench_redis)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(admin_url, args.database)
        flush_redis(bench_redis)

    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"Redis channel layer, PostgreSQL; {args.sockets} sockets per server "
        f"({args.players} players' sessions), {args.rounds} rounds per server, "
        f"load average {load_average}"
    )
    for result in results:
        report(args, result)


if __name__ == "__main__":
    main()
