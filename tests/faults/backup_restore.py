"""Fault 5: back up a live site and restore it somewhere else.

While player threads spin against a daphne process, ``pg_dump -Fc`` takes a
consistent snapshot of its database and the media folders (public media and
the private gallery folder) are archived. Both are restored into a scratch
database and a fresh folder; the restored ledger must reconcile
(``manage.py reconcile_ledger``) and a daphne process on the restored copy
must serve a page, log a player in and find a round played before the dump.
"""

from __future__ import annotations

import glob
import hashlib
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.faults.common import (
    PASSWORD,
    ROOT,
    Checks,
    boot,
    call,
    make_players,
    recreate_database,
    scratch_url,
)
from tests.faults.pg_down import Load

PLAYERS = 3


def pg_tool(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else name


def digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def main() -> int:
    checks = Checks("back up a live database and media, restore, reconcile, serve")
    print(f"== {checks.title}", flush=True)
    source = scratch_url("backup")
    restored = scratch_url("restored")
    recreate_database(source)
    boot(source)
    from tests.support.servers import Daphne

    players = make_players(PLAYERS, "backup")
    var = Path(tempfile.mkdtemp(prefix="fault-backup-"))
    # Media as uploads leave them: public media and the private gallery folder.
    for folder, name in (("media", "avatars/a.png"), ("gallery", "items/secret.webp")):
        path = var / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(hashlib.sha256(name.encode()).digest() * 512)
    server = Daphne(redis_url=None, var_dir=var, name="web")
    copy = None
    load = None
    try:
        server.start()
        tokens = [server.log_in(p.email, PASSWORD) for p in players]
        load = Load(server.port)
        threads = [threading.Thread(target=load.player, args=(t,), daemon=True) for t in tokens]
        for thread in threads:
            thread.start()
        time.sleep(3)
        with load.lock:
            before_dump = list(load.acked)
        dump = var / "casino.dump"
        began = time.monotonic()
        subprocess.run(
            [pg_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(dump), source],
            check=True,
        )
        dumped = time.monotonic() - began
        archive = var / "media.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            for folder in ("media", "gallery"):
                tar.add(var / folder, arcname=folder)
        time.sleep(1)
        load.stop.set()
        for thread in threads:
            thread.join(timeout=60)
        checks.figure(
            f"pg_dump of the live database: {dump.stat().st_size / 1024:.0f} KiB in "
            f"{dumped:.1f} s, {len(before_dump)} rounds acknowledged before it began, "
            f"{len(load.acked)} by the end of the load"
        )

        recreate_database(restored)
        began = time.monotonic()
        subprocess.run(
            [pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "-d", restored, str(dump)],
            check=True,
        )
        target = Path(tempfile.mkdtemp(prefix="fault-restored-"))
        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")
        checks.figure(f"pg_restore and media extraction: {time.monotonic() - began:.1f} s")
        checks.check(
            digest(target / "media") == digest(var / "media")
            and digest(target / "gallery") == digest(var / "gallery"),
            "media and the private gallery folder restored byte for byte",
        )
        env = {**server.env, "DATABASE_URL": restored, "CASINO_VAR_DIR": str(target)}
        reconcile = subprocess.run(
            [sys.executable, "manage.py", "reconcile_ledger", "--no-record"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        first_line = (reconcile.stdout.strip().splitlines() or ["(no output)"])[0]
        checks.check(
            reconcile.returncode == 0, f"reconcile_ledger on the restored copy: {first_line}"
        )
        copy = Daphne(redis_url=None, var_dir=target, name="restored")
        copy.env.update({"DATABASE_URL": restored, "CASINO_VAR_DIR": str(target)})
        copy.start()
        status, _, _ = call(copy.port, "GET", "/")
        checks.check(status == 200, f"the restored site serves its home page ({status})")
        token = copy.log_in(players[0].email, PASSWORD)
        mine = [a for a in before_dump if a["token"] == tokens[0]]
        found = [
            call(copy.port, "GET", f"/api/games/rounds/{a['id']}", token=token)[0] for a in mine
        ]
        checks.check(
            bool(mine) and all(s == 200 for s in found),
            f"a player logs in to the copy and finds the {len(mine)} rounds they had "
            "before the dump",
        )
    finally:
        if load is not None:
            load.stop.set()
        server.stop()
        if copy is not None:
            copy.stop()
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
