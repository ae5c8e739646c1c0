"""What the benchmarks share: a scratch PostgreSQL database, Django on it, funded players.

Each benchmark (``ledger.py``, ``games.py``, ``live.py``) creates its own
scratch database next to the one ``DATABASE_URL`` names, migrates it, and
drops it at the end, so a run never touches real data. Scripts run as
files (``python benchmarks/ledger.py``), so this module is imported as
``common`` from their folder; it puts the project root on ``sys.path``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
PASSWORD = "bench horse battery staple"


def database_url(script: str) -> str:
    """``DATABASE_URL``, which must be PostgreSQL (``script`` names the caller in the error)."""
    url = os.environ.get("DATABASE_URL", "")
    if urlparse(url).scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit(f"benchmarks/{script} needs PostgreSQL: set DATABASE_URL=postgres://...")
    return url


def with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def libpq(url: str) -> str:
    return url.replace("pgsql://", "postgresql://").replace("postgres://", "postgresql://", 1)


def recreate_database(admin_url: str, name: str) -> None:
    with psycopg.connect(libpq(admin_url), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(libpq(admin_url), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def django_migrate(env: dict[str, str] | None = None) -> None:
    """Set up Django in this process (on ``env``, when given) and migrate the database."""
    if env is not None:
        os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def funded_player(*, email: str, nickname: str, coins: int):
    """A player who can log in with ``PASSWORD``, with ``coins`` and an active seed pair."""
    from datetime import date

    from accounts.services import player_create
    from economy.services import MINT, ledger_transfer, player_account, system_account
    from games.services import seed_pair_active

    player = player_create(
        email=email, password=PASSWORD, nickname=nickname, date_of_birth=date(1990, 1, 1)
    )
    ledger_transfer(
        source=system_account(code=MINT),
        destination=player_account(player=player),
        amount=coins,
        kind="MISSION_REWARD",
        reference="benchmark funding",
    )
    seed_pair_active(player=player)
    return player


def stop_process_group(server: subprocess.Popen) -> None:
    """Stop a server started with ``start_new_session=True``: TERM, then KILL after 15 s."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)
