"""The ASGI servers ``benchmarks/live.py`` compares: daphne, uvicorn, granian.

Each serves one application on one loopback port, one process of Python
(granian: a supervisor and one worker process; memory is counted over the
process tree), without the ASGI lifespan protocol (Channels'
``ProtocolTypeRouter`` has no ``lifespan`` route; daphne sends none):

- daphne: ``daphne -b HOST -p PORT APP`` (Twisted + autobahn), as ``make run``;
- uvicorn: ``uvicorn --lifespan off --ws websockets-sansio APP`` (asyncio,
  the ``websockets`` package's sans-I/O protocol, h11 for HTTP);
- granian: ``granian --interface asginl APP`` (Rust HTTP and WebSocket
  stack, the application on an asyncio loop in one worker). ``asginl`` is
  ASGI without lifespan; ``--backpressure`` is raised from its default
  (backlog / workers = 1024), which caps concurrent connections, sockets
  included, per worker.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, stop_process_group

SERVERS = ("daphne", "uvicorn", "granian")
HOST = "127.0.0.1"


def server_command(server: str, application: str, port: int) -> list[str]:
    python = [sys.executable, "-m"]
    if server == "daphne":
        return [*python, "daphne", "-v", "0", "-b", HOST, "-p", str(port), application]
    if server == "uvicorn":
        return [
            *python,
            "uvicorn",
            "--host",
            HOST,
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--ws",
            "websockets-sansio",
            "--no-access-log",
            "--log-level",
            "warning",
            application,
        ]
    if server == "granian":
        return [
            *python,
            "granian",
            "--interface",
            "asginl",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            "1",
            "--loop",
            "asyncio",
            "--backpressure",
            "10000",
            "--log-level",
            "warning",
            application,
        ]
    raise ValueError(f"unknown server {server!r}")


def server_start(server: str, env: dict[str, str], application: str, port: int):
    """Start ``server`` on ``application`` and wait (30 s at most) until it listens."""
    process = subprocess.Popen(
        server_command(server, application, port),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{server} {application} exited with {process.returncode}")
        try:
            socket.create_connection((HOST, port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    stop_process_group(process)
    sys.exit(f"{server} {application} did not listen within 30 s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    return children


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants, in KiB."""
    children = _children()
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        pending.extend(children.get(current, []))
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def installed(server: str) -> bool:
    """Whether ``server`` can be imported by the interpreter the servers run on."""
    probe = subprocess.run(
        [sys.executable, "-c", f"import {server}"],
        env=dict(os.environ),
        capture_output=True,
    )
    return probe.returncode == 0
