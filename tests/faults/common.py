"""Shared plumbing of the fault scripts (``make faults``, docs/reliability.md).

Each script is a plain program, not a pytest test: it boots Django against a
scratch database of its own (``<DATABASE_URL's name>_fault_<scenario>`` on the
same server, or a private cluster), starts real servers from
``tests.support.servers``, breaks something under load and prints a summary.
The summary's last line is ``RESULT: PASS`` or ``RESULT: FAIL``.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
SPIN = {"bet_per_line": 1, "lines": 20}

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def base_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("the fault scripts need DATABASE_URL=postgres://... (make faults sets it)")
    return url


def with_database(url: str, name: str) -> str:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path=f"/{name}"))


def recreate_database(url: str) -> None:
    """Drop and create the database ``url`` names (through the server's ``postgres`` db)."""
    import psycopg

    name = urlparse(url).path.lstrip("/")
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def scratch_url(scenario: str) -> str:
    base = base_url()
    return with_database(base, f"{urlparse(base).path.lstrip('/')}_fault_{scenario}")


def boot(
    database_url: str,
    redis_url: str | None = None,
    *,
    migrate: bool = True,
    dispatch: str = "inline",
) -> None:
    """Point this process's Django at ``database_url`` and migrate it."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("REDIS_URL", None)
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casino_club.settings")
    os.environ.setdefault("CASINO_TESTING", "1")
    os.environ["ACTIONS_DISPATCH"] = dispatch
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", "--noinput", verbosity=0)


def make_players(count: int, prefix: str, coins: int = 100_000) -> list:
    """Players funded from the mint (``tests.support.ledger.give_coins``)."""
    from datetime import date

    from accounts.services import player_create
    from tests.support.ledger import give_coins

    players = []
    for n in range(count):
        player = player_create(
            email=f"{prefix}{n}@example.com",
            password=PASSWORD,
            nickname=f"{prefix}{n}",
            date_of_birth=date(1990, 1, 1),
        )
        if coins:
            give_coins(player, coins)
        players.append(player)
    return players


def call(
    port: int,
    method: str,
    path: str,
    body: dict | None = None,
    *,
    token: str | None = None,
    headers: dict | None = None,
    timeout: float = 10.0,
) -> tuple[int, dict | str, dict]:
    """One HTTP request; (status, parsed JSON or text, headers). Raises OSError when down."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token:
        sent["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=sent)
        response = conn.getresponse()
        raw = response.read()
        answer_headers = {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()
    try:
        data = json.loads(raw)
    except ValueError:
        data = raw.decode(errors="replace")
    return response.status, data, answer_headers


def free_port() -> int:
    """As tests.support.servers.free_port (which needs Django set up first)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def new_key() -> str:
    return uuid.uuid4().hex


@dataclass
class Checks:
    """Named pass/fail lines and figures, printed as the script's summary."""

    title: str
    lines: list[str] = field(default_factory=list)
    failed: int = 0
    started: float = field(default_factory=time.monotonic)

    def figure(self, text: str) -> None:
        self.lines.append(f"  {text}")
        print(f"  {text}", flush=True)

    def check(self, ok: bool, text: str) -> bool:
        mark = "ok  " if ok else "FAIL"
        if not ok:
            self.failed += 1
        self.lines.append(f"  [{mark}] {text}")
        print(f"  [{mark}] {text}", flush=True)
        return ok

    def finish(self) -> int:
        took = time.monotonic() - self.started
        verdict = "PASS" if self.failed == 0 else "FAIL"
        print(f"  took {took:.1f} s")
        print(f"RESULT: {verdict}", flush=True)
        return 0 if self.failed == 0 else 1


def ledger_checks(checks: Checks, player_ids: list[int]) -> None:
    """Reconcile, then: every round has its ledger entries and every round entry its round."""
    from economy.models import LedgerKind, LedgerTransaction
    from economy.services import ledger_reconcile
    from games.models import GameRound

    report = ledger_reconcile()
    checks.check(
        report.ok,
        f"ledger_reconcile: {report.summary['transactions']} transactions, "
        f"{report.summary['entries']} entries, {report.problem_count} problem(s)",
    )
    rounds = GameRound.objects.filter(player_id__in=player_ids)
    round_tx = set(rounds.values_list("wager_transaction_id", flat=True)) | set(
        rounds.exclude(payout_transaction_id=None).values_list("payout_transaction_id", flat=True)
    )
    game_tx = LedgerTransaction.objects.filter(
        kind__in=[LedgerKind.WAGER, LedgerKind.PAYOUT],
        entries__account__player_id__in=player_ids,
    ).distinct()
    with_entries = set(
        LedgerTransaction.objects.filter(pk__in=round_tx, entries__isnull=False).values_list(
            "pk", flat=True
        )
    )
    orphans = set(game_tx.values_list("pk", flat=True)) - round_tx
    checks.check(
        round_tx == with_entries,
        f"every round has its ledger entries ({rounds.count()} rounds, "
        f"{len(round_tx - with_entries)} without)",
    )
    checks.check(not orphans, f"every wager/payout entry has its round ({len(orphans)} orphans)")


class PrivatePostgres:
    """A throwaway PostgreSQL cluster (``initdb`` in a scratch folder, its own port).

    The machine's shared server is never touched. As root, the cluster's
    commands run as the ``postgres`` user (``initdb`` refuses root).
    """

    def __init__(self) -> None:
        import glob
        import shutil
        import tempfile

        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        self.bin = Path(found[-1]).parent if found else Path(shutil.which("initdb") or "").parent
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="fault-pg-"))
        self.data = self.folder / "data"
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.folder, user=self.user)

    def url(self, name: str = "casino") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *command: str) -> None:
        import shlex
        import subprocess

        line = " ".join(shlex.quote(part) for part in command)
        full = ["su", self.user, "-c", line] if self.user else ["sh", "-c", line]
        subprocess.run(full, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def init(self) -> PrivatePostgres:
        self._run(
            str(self.bin / "initdb"),
            *("-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync"),
        )
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            *("-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start"),
        )

    def stop(self, mode: str = "immediate") -> None:
        """``immediate``: as a crash would (open connections are cut)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        import contextlib
        import shutil
        import subprocess

        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop("fast")
        shutil.rmtree(self.folder, ignore_errors=True)


def celery_worker(env: dict, log_path: Path):
    """A Celery worker process (solo pool) with ``env``; the caller stops it."""
    import subprocess

    return subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "casino_club", "worker"),
            *("--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat"),
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(log_path, "ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def pipeline_checks(checks: Checks, player_ids: list[int]) -> None:
    """Every round's action reached the XP subscriber exactly once, nothing pending."""
    from accounts.actions import subscriber_lag
    from economy.models import XpGrant, XpSource
    from games.models import GameRound

    rounds = GameRound.objects.filter(player_id__in=player_ids).count()
    grants = XpGrant.objects.filter(player_id__in=player_ids, source=XpSource.PLAY)
    per_action = Counter(grants.values_list("reference", flat=True))
    twice = sum(1 for n in per_action.values() if n > 1)
    checks.check(
        len(per_action) == rounds and twice == 0,
        f"XP for play: {len(per_action)} actions granted for {rounds} rounds, {twice} twice",
    )
    lag = subscriber_lag()
    pending = {name: row for name, row in lag.items() if row["waiting"]}
    checks.check(not pending, f"no subscriber has actions pending ({len(pending)} do)")


class BareRedis:
    """As tests.support.servers.PrivateRedis, usable before Django is set up."""

    def __init__(self) -> None:
        import shutil

        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import socket
        import subprocess

        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
