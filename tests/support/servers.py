"""Real servers for tests that cross process boundaries: a private redis-server
the test may stop and restart, and daphne processes serving the site against
the pytest test database.

Every wait here has a deadline; every process is stopped by the caller's
``finally`` (or the fixture) through :meth:`stop`.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from casino_club.config import THROTTLE_DEFAULTS

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def database_url() -> str:
    """The pytest test database (as the test process sees it), for a subprocess."""
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    return (
        f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


class PrivateRedis:
    """A throwaway redis-server on a free port, leaving the shared one alone."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
        )
        if not wait_for_port(self.port):
            self.stop()
            raise RuntimeError(f"redis-server did not listen on {self.port} within 10 s")

    def stop(self) -> None:
        """Kill it (as a crash would); its data is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


# The limits tests run under (real ones are set per test that checks them).
RELAXED_RATE = "1000/s"


class Daphne:
    """``daphne casino_club.asgi:application`` in a subprocess on a free port."""

    def __init__(self, *, redis_url: str | None, var_dir: Path, name: str = "daphne") -> None:
        self.port = free_port()
        self.name = name
        self.log_path = var_dir / f"{name}-{self.port}.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "casino_club.settings",
            "DATABASE_URL": database_url(),
            # The test process's secrets: session cookies made here and JWTs
            # from one server must be valid on every server.
            "SECRET_KEY": settings.SECRET_KEY,
            "JWT_PRIVATE_KEY": settings.HEADLESS_JWT_PRIVATE_KEY,
            "DEBUG": "false",
            "CASINO_TESTING": "1",  # plain static storage, no collectstatic manifest
            "CASINO_VAR_DIR": str(var_dir),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            # No Celery worker runs beside these servers: subscribers (and so
            # leaderboard pushes) run in the server that committed the round.
            "ACTIONS_DISPATCH": "inline",
            # Tests play and claim faster than a person; conftest relaxes the
            # in-process limits the same way (_relaxed_throttles).
            **{f"THROTTLE_{scope.upper()}": RELAXED_RATE for scope in THROTTLE_DEFAULTS},
            "SOCKET_MESSAGE_RATE": "1000",
            "SOCKET_MESSAGE_BURST": "1000",
            # Browser tests sign many players up from 127.0.0.1.
            "SIGNUPS_PER_IP_PER_DAY": "0",
            "SIGNUPS_PER_DEVICE_PER_DAY": "0",
        }
        self.env.pop("REDIS_URL", None)
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        self.process: subprocess.Popen | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, seconds: float = 30.0) -> Daphne:
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "daphne"),
                *("-b", "127.0.0.1", "-p", str(self.port)),
                "casino_club.asgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer /healthz:\n{self.output()[-3000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if getattr(self, "log", None) is not None:
            self.log.close()
            self.log = None

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def request(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        *,
        token: str | None = None,
        timeout: float = 15.0,
    ) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            conn.request(
                method, path, body=None if body is None else json.dumps(body), headers=headers
            )
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def log_in(self, email: str, password: str) -> str:
        """An allauth headless JWT access token, from this server's app login."""
        status, data = self.request(
            "POST", "/_allauth/app/v1/auth/login", {"email": email, "password": password}
        )
        assert status == 200, f"login answered {status}: {data[:300]!r}"
        return json.loads(data)["meta"]["access_token"]
