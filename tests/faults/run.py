"""``make faults``: run every fault script and record what each printed.

Runs ``tests/faults/<name>.py`` one after another (``FAULTS="kill_web pg_down"``
picks some), echoes their output and rewrites the "Latest run" section of
docs/reliability.md with the date, the machine and each script's summary.
Exits non-zero when any script failed.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"
SCRIPTS = ["kill_web", "pg_down", "redis_down", "kill_worker", "backup_restore"]
MARK_START = "<!-- faults:latest:start -->"
MARK_END = "<!-- faults:latest:end -->"


def run(name: str) -> tuple[bool, str, float]:
    began = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "faults" / f"{name}.py")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    for line in process.stdout:
        print(line, end="", flush=True)
        lines.append(line.rstrip("\n"))
    process.wait()
    ok = process.returncode == 0 and "RESULT: PASS" in lines
    summary = [
        line
        for line in lines
        if line.startswith(("==", "  ", "RESULT")) and "Traceback" not in line
    ]
    if not ok and not any(line.startswith("RESULT") for line in summary):
        summary += ["  (crashed; last lines:)", *("    " + line for line in lines[-8:])]
        summary.append("RESULT: FAIL")
    return ok, "\n".join(summary), time.monotonic() - began


def record(results: list[tuple[str, bool, str, float]]) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    cpu = os.cpu_count()
    body = [
        MARK_START,
        f"## Latest run: {now}",
        "",
        f"`make faults` on {platform.system()} {platform.machine()}, {cpu} cores, "
        f"Python {platform.python_version()}; each block is what the script printed.",
        "",
    ]
    for name, ok, summary, took in results:
        body += [
            f"### {name}: {'PASS' if ok else 'FAIL'} ({took:.0f} s)",
            "",
            "```text",
            summary,
            "```",
            "",
        ]
    body.append(MARK_END)
    text = DOC.read_text() if DOC.exists() else "# Reliability\n\n"
    if MARK_START in text and MARK_END in text:
        head, rest = text.split(MARK_START, 1)
        tail = rest.split(MARK_END, 1)[1]
        text = head + "\n".join(body) + tail
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(body) + "\n"
    DOC.write_text(text)
    print(f"recorded in {DOC.relative_to(ROOT)}")


def main() -> int:
    chosen = os.environ.get("FAULTS", "").split() or SCRIPTS
    results = []
    for name in chosen:
        ok, summary, took = run(name)
        results.append((name, ok, summary, took))
    record(results)
    failed = [name for name, ok, *_ in results if not ok]
    if failed:
        print(f"faults failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
