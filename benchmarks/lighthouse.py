"""Lighthouse scores of the signed-in pages, next to the signed-out home measured in the same run.

Run with ``make bench-lighthouse``. It needs Node 20 and Debian's Chromium;
``npm ci`` in ``benchmarks/lighthouse/`` installs Lighthouse 12.2.3 (pinned
in its ``package.json``/``package-lock.json``; not needed to run the site).

The site runs as a self-hoster runs it on one machine, minus TLS: a scratch
folder (``CASINO_VAR_DIR``) with its own SQLite database, ``DEBUG=false``,
``collectstatic`` into whitenoise's hashed and compressed storage, the
demo data of ``make seed``, and daphne on a free loopback port. A demo
player's session is made with Django's session store and put into the
cookie jar of a Chromium started here (Playwright, a persistent profile with
a remote-debugging port); Lighthouse drives that browser (``--port``), so
the page and its socket carry the player's cookie as they would for the
player, and a page that bounced to the login page fails the run. (Sending
the cookie with ``--extra-headers`` would skip the socket, which then
fails its handshake.) The signed-out pages run in the same browser without
the cookie (it is removed first).

Each page is audited with Lighthouse's mobile defaults (a Moto G Power-sized
screen, simulated slow 4G and a 4x slower CPU) and with ``--preset=desktop``.
Reported: the performance, accessibility and best-practices scores, the
cumulative layout shift, the largest contentful paint, the total blocking
time and the bytes transferred. The signed-out home is the baseline: the
same server, stack and machine, with no player data on the page.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import ROOT, stop_process_group

LIGHTHOUSE = ROOT / "benchmarks" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
PAGES = {  # label: (path, signed in)
    "home (signed out, baseline)": ("/", False),
    "home": ("/", True),
    "slots": ("/games/slots/", True),
    "leaderboard": ("/leaderboards/", True),
    "shop": ("/shop/", True),
}
CATEGORIES = ("performance", "accessibility", "best-practices")
PY = sys.executable
DAPHNE = str(Path(PY).parent / "daphne")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


SESSION = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
user = User.objects.filter(is_staff=False, is_active=True).order_by("id").first()
store = SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(store.session_key)
"""


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the site did not answer at {url} within {timeout} s")


def audit(url: str, *, port: int, preset: str, out: Path) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        f"--port={port}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, check=True, timeout=240)
    report = json.loads(out.read_text())
    if report["finalDisplayedUrl"] != url:
        raise SystemExit(f"{url} ended at {report['finalDisplayedUrl']}: not the page audited")
    audits = report["audits"]
    return {
        **{name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES},
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "kib": audits["total-byte-weight"]["numericValue"] / 1024,
        "console_errors": [
            item.get("description", "")[:160]
            for item in audits["errors-in-console"].get("details", {}).get("items", [])
        ],
        "failed": sorted(
            f"{name}: {audit_['id']}"
            for name in CATEGORIES
            for ref in report["categories"][name]["auditRefs"]
            if ref["weight"] > 0
            and (audit_ := audits[ref["id"]])["score"] is not None
            and audit_["score"] < 0.9
        ),
    }


def report_line(preset: str, label: str, figures: dict) -> None:
    print(
        f"{preset:7} {label:28} perf {figures['performance']:3} "
        f"a11y {figures['accessibility']:3} bp {figures['best-practices']:3} "
        f"CLS {figures['cls']:.3f} LCP {figures['lcp_ms']:.0f} ms "
        f"TBT {figures['tbt_ms']:.0f} ms {figures['kib']:.0f} KiB",
        flush=True,
    )
    for failed in figures["failed"]:
        print(f"{'':10}below 0.9: {failed}", flush=True)
    for error in figures["console_errors"]:
        print(f"{'':10}console: {error}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--presets", nargs="+", default=["mobile", "desktop"])
    parser.add_argument("--pages", nargs="+", default=list(PAGES), help="labels of PAGES")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is missing: run `npm ci --prefix benchmarks/lighthouse` first")
    if not shutil.which(CHROMIUM):
        sys.exit(f"Chromium is missing at {CHROMIUM}: apt-get install chromium")

    scratch = Path(tempfile.mkdtemp(prefix="casino-lighthouse-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "PRODUCTION"}
    }
    env.update(
        CASINO_VAR_DIR=str(scratch),
        DATABASE_URL=f"sqlite:///{scratch}/casino.sqlite3",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECRET_KEY="lighthouse-benchmark-only-" + "x" * 40,
    )
    server = None
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
        manage(env, "gallery_demo")
        manage(env, "collectstatic", "--noinput")
        cookie = manage(env, "shell", "-c", SESSION).strip().splitlines()[-1]
        server = subprocess.Popen(
            [DAPHNE, "-b", "127.0.0.1", "-p", str(port), "casino_club.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_ready(base)
        results = []
        from playwright.sync_api import sync_playwright

        debug_port = free_port()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch_persistent_context(
                str(scratch / "profile"),
                executable_path=CHROMIUM,
                args=[*CHROME_FLAGS.split(), f"--remote-debugging-port={debug_port}"],
            )
            session = {"name": "sessionid", "value": cookie, "url": base, "httpOnly": True}
            for preset in args.presets:
                for label in args.pages:
                    path, signed_in = PAGES[label]
                    browser.clear_cookies()
                    if signed_in:
                        browser.add_cookies([session])
                    figures = audit(
                        f"{base}{path}", port=debug_port, preset=preset, out=scratch / "report.json"
                    )
                    results.append({"page": label, "preset": preset, **figures})
                    report_line(preset, label, figures)
            browser.close()
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
    finally:
        if server is not None:
            stop_process_group(server)
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
