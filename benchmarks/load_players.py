"""The players of ``benchmarks/load.py``: a locust scenario, run headless as a library.

``load.py`` starts the stack and runs this file in a process of its own
(locust patches the standard library with gevent on import, so it stays
out of the process that samples the database):

    python benchmarks/load_players.py PLAN.json RESULT.json

PLAN names the servers (gunicorn for HTTP, daphne for ``/ws/``), the
players' emails and password, the think time, and the phases: ``bare``
(closed-loop clients on ``GET /healthz``, no think time), ``idle`` (nobody)
and ``players`` (N realistic players plus one ``/healthz`` probe). RESULT
gets every request (start, name, milliseconds, failure), each phase's wall
clock start and end, when each player finished logging in, and what the
sockets received. Only loopback addresses are accepted.

A player: logs in through allauth's app login (JWT), claims the daily bonus,
opens ``/ws/live/`` with the token in ``Sec-WebSocket-Protocol`` (as every
page does), then, with a think time between actions, plays slots, roulette
and rock-paper-scissors against the house, opens the missions and the
leaderboard (the API read, and the page's subscription to the board's topic
on the socket), and looks at its wallet.
"""

from __future__ import annotations

import http.client
import itertools
import json
import random
import sys
import time
from ipaddress import ip_address
from urllib.parse import urlparse

import gevent
from gevent.event import Event
from locust import FastHttpUser, LoadTestShape, constant, task
from locust.env import Environment

TOPIC = "leaderboard.net_winnings.daily"
SLOTS = {"bet_per_line": 1, "lines": 20}
ROULETTE = {
    "bets": [
        {"type": "red", "value": None, "amount": 5},
        {"type": "straight", "value": 17, "amount": 1},
    ]
}
PLAYS = ("slots", "roulette", "rps")

PLAN: dict = {}
RECORDS: list[tuple[float, str, float, int]] = []  # (start, name, ms, failed)
LOGGED_IN: list[float] = []
SOCKETS = {"opened": 0, "updates": 0, "closed_early": 0}
_identities = itertools.count()


def loopback(url: str) -> str:
    host = urlparse(url).hostname or ""
    if host != "localhost" and not ip_address(host).is_loopback:
        sys.exit(f"load_players: {url} is not a loopback address")
    return url


def record(request_type, name, response_time, response_length, exception=None, **kwargs):
    start = kwargs.get("start_time") or (time.time() - response_time / 1000)
    RECORDS.append((start, name, response_time, 1 if exception else 0))


def fire(user, request_type: str, name: str, started: float, error=None) -> None:
    user.environment.events.request.fire(
        request_type=request_type,
        name=name,
        response_time=(time.time() - started) * 1000,
        response_length=0,
        exception=error,
        context={},
        start_time=started,
    )


class LiveSocket:
    """The page's ``/ws/live/`` socket (websockets' sync client, cooperative under gevent)."""

    def __init__(self, user: Player, token: str) -> None:
        from websockets.sync.client import connect

        self.user = user
        self.subscribed = Event()
        self.hello = Event()
        self.pending_subscribe: float | None = None
        started = time.time()
        try:
            self.ws = connect(
                PLAN["ws_url"],
                origin=PLAN["origin"],
                subprotocols=["casino.v1", f"bearer.{token}"],
                open_timeout=30,
                ping_interval=None,
                compression=None,
            )
        except Exception as error:
            fire(user, "WS", "ws connect", started, error)
            raise
        self.reader = gevent.spawn(self._read)
        ok = self.hello.wait(30)
        fire(user, "WS", "ws connect", started, None if ok else TimeoutError("no hello"))
        SOCKETS["opened"] += 1

    def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            for raw in self.ws:
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "hello":
                    self.hello.set()
                elif kind == "subscribed":
                    self.subscribed.set()
                elif kind == "leaderboard.update":
                    SOCKETS["updates"] += 1
                elif kind == "error":
                    fire(self.user, "WS", "ws error", time.time(), RuntimeError(str(message)))
        except ConnectionClosed:
            if not getattr(self, "closing", False):
                SOCKETS["closed_early"] += 1
                fire(self.user, "WS", "ws closed", time.time(), RuntimeError("socket closed"))

    def subscribe(self) -> None:
        if self.subscribed.is_set():
            return
        started = time.time()
        self.ws.send(json.dumps({"type": "subscribe", "topic": TOPIC}))
        ok = self.subscribed.wait(30)
        fire(self.user, "WS", "ws subscribe", started, None if ok else TimeoutError("no answer"))

    def close(self) -> None:
        self.closing = True
        try:
            self.ws.close()
        finally:
            self.reader.kill(block=False)


class Player(FastHttpUser):
    """A signed-in app player; the task weights make about 3 in 4 requests a round."""

    weight = 1
    network_timeout = 60.0
    connection_timeout = 30.0

    def wait_time(self):
        low, high = PLAN["think"]
        return random.uniform(low, high)

    def on_start(self) -> None:
        number = next(_identities)
        if number >= len(PLAN["emails"]):
            raise RuntimeError("more players than seeded identities")
        self.token = self.log_in(PLAN["emails"][number], number)
        self.headers = {"Authorization": f"Bearer {self.token}"}
        self.client.post("/api/bonus/daily/claim", headers=self.headers, name="bonus claim")
        self.socket = LiveSocket(self, self.token)
        LOGGED_IN.append(time.time())

    def log_in(self, email: str, number: int) -> str:
        """allauth's app login, from an address of the player's own on 127/8.

        The login rate limit (30 a minute per address) is per player then,
        as for real players behind their own addresses.
        """
        parsed = urlparse(PLAN["http_url"])
        source = f"127.0.{1 + number // 250}.{1 + number % 250}"
        started = time.time()
        conn = http.client.HTTPConnection(
            parsed.hostname, parsed.port, timeout=60, source_address=(source, 0)
        )
        try:
            conn.request(
                "POST",
                "/_allauth/app/v1/auth/login",
                body=json.dumps({"email": email, "password": PLAN["password"]}),
                headers={"Content-Type": "application/json"},
            )
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        error = None if response.status == 200 else RuntimeError(f"{response.status} {body[:200]}")
        fire(self, "POST", "login", started, error)
        if error:
            raise error
        return json.loads(body)["meta"]["access_token"]

    def on_stop(self) -> None:
        socket = getattr(self, "socket", None)
        if socket is not None:
            socket.close()

    def play(self, slug: str, params: dict) -> None:
        self.client.post(f"/api/games/{slug}/play", json=params, headers=self.headers, name=slug)

    @task(6)
    def slots(self) -> None:
        self.play("slots", SLOTS)

    @task(2)
    def roulette(self) -> None:
        self.play("roulette", ROULETTE)

    @task(2)
    def rps(self) -> None:
        self.play("rps", {"bet": 10, "move": random.choice(["rock", "paper", "scissors"])})

    @task(1)
    def missions(self) -> None:
        self.client.get("/api/missions/", headers=self.headers, name="missions")

    @task(1)
    def leaderboard(self) -> None:
        self.client.get(
            "/api/leaderboards/net_winnings?period=daily", headers=self.headers, name="leaderboard"
        )
        self.socket.subscribe()

    @task(1)
    def wallet(self) -> None:
        self.client.get("/api/wallet", headers=self.headers, name="wallet")


class Probe(FastHttpUser):
    """One client on ``/healthz`` beside the players: the floor of HTTP latency under load."""

    fixed_count = 1
    wait_time = constant(0.2)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="healthz probe")


class Bare(FastHttpUser):
    """Closed-loop clients on ``/healthz`` with no think time: the bare baseline."""

    wait_time = constant(0)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="healthz bare")


class Phases(LoadTestShape):
    """PLAN["phases"] one after another; records each phase's wall-clock start."""

    def __init__(self) -> None:
        super().__init__()
        self.started: list[float] = []
        ends, total = [], 0.0
        for phase in PLAN["phases"]:
            total += phase["seconds"]
            ends.append(total)
        self.ends = ends

    def tick(self):
        now = self.get_run_time()
        index = next((i for i, end in enumerate(self.ends) if now < end), None)
        if index is None:
            return None
        while len(self.started) <= index:
            self.started.append(time.time())
        phase = PLAN["phases"][index]
        if phase["kind"] == "bare":
            return phase["users"], phase["users"], [Bare]
        if phase["kind"] == "players":
            return phase["users"] + 1, PLAN["spawn_rate"], [Player, Probe]
        return 0, 100, [Bare]


def main() -> None:
    plan_path, result_path = sys.argv[1], sys.argv[2]
    with open(plan_path) as handle:
        PLAN.update(json.load(handle))
    loopback(PLAN["http_url"])
    loopback(PLAN["ws_url"])
    PLAN["think"] = tuple(PLAN["think"])
    shape = Phases()
    env = Environment(user_classes=[Bare, Player, Probe], shape_class=shape, host=PLAN["http_url"])
    env.events.request.add_listener(record)
    runner = env.create_local_runner()
    runner.start_shape()
    # The shape stops the runner when its last phase ends (tick() returns None).
    runner.shape_greenlet.join(timeout=shape.ends[-1] + 60)
    ended = time.time()
    phases = []
    for index, phase in enumerate(PLAN["phases"]):
        start = shape.started[index] if index < len(shape.started) else ended
        end = shape.started[index + 1] if index + 1 < len(shape.started) else ended
        phases.append({**phase, "start": start, "end": end})
    failures = [
        {"name": error.name, "error": str(error.error), "count": error.occurrences}
        for error in env.stats.errors.values()
    ]
    with open(result_path, "w") as handle:
        json.dump(
            {
                "phases": phases,
                "records": RECORDS,
                "logged_in": LOGGED_IN,
                "sockets": SOCKETS,
                "failures": failures,
            },
            handle,
        )


if __name__ == "__main__":
    main()
