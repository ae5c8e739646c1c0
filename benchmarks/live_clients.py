"""The clients of ``benchmarks/live.py``: fleets of sockets, spins over HTTP, rounds."""

from __future__ import annotations

import asyncio
import http.client
import json
import sys
import time

TOPIC = "leaderboard.biggest_win.daily"
SPIN = {"bet_per_line": 1, "lines": 20}


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


async def page_load(port: int, path: str, cookie: str, pass_cookie: str) -> str:
    """GET a page with ``cookie`` as a browser would; the cookie header with its socket pass."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
            "Accept: text/html\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 30)
    finally:
        writer.close()
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin1").split("\r\n")
    if " 200 " not in head[0] + " ":
        sys.exit(f"page {path}: {head[0]}")
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "set-cookie" and value.strip().startswith(pass_cookie + "="):
            return f"{cookie}; {value.strip().split(';', 1)[0]}"
    sys.exit(f"page {path} carried no {pass_cookie} cookie")


async def page_loads(port: int, path: str, cookies: list[str], pass_cookie: str) -> list[str]:
    """Every session loads the page, 8 at a time; their cookie headers with the passes.

    Few at a time: the ASGI server runs each request's view in a thread of its
    own with its own database connection (production serves pages from
    gunicorn instead, docs/operations.md).
    """
    gate = asyncio.Semaphore(8)

    async def one(cookie: str) -> str:
        async with gate:
            return await page_load(port, path, cookie, pass_cookie)

    return await asyncio.wait_for(asyncio.gather(*(one(c) for c in cookies)), timeout=600)


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
