#!/usr/bin/env python3
"""pip-audit over requirements.txt, failing only on real findings.

- A known vulnerability in a pinned package (or one it pulls in) that is not
  listed in ``.ci/pip-audit-ignore.txt`` fails (exit 1) with the table.
- The vulnerability service unreachable (no network, PyPI or OSV down, a
  mirror without PyPI's per-release JSON) is a warning, exit 0: CI must not
  go red because a third party is. Packages pip-audit could not look up are
  counted and named, so an audit that checked nothing never reads as clean.
- Each line of the ignore file is ``ID  reason``; an ID without a reason is
  refused, so every exception says why it is one.

Run it with ``make audit`` (docs/operations.md, "Dependency audit").
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORE_FILE = ROOT / ".ci" / "pip-audit-ignore.txt"


def read_ignored(path: Path) -> dict[str, str]:
    """``{vulnerability id: reason}`` from the exceptions file (``#`` starts a comment)."""
    ignored = {}
    if not path.exists():
        return ignored
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        vulnerability, _, reason = line.partition(" ")
        if not reason.strip():
            raise SystemExit(f"{path.name}:{number}: {vulnerability} needs a reason after the ID")
        ignored[vulnerability] = reason.strip()
    return ignored


def summarise(report: dict) -> tuple[list[str], list[str]]:
    """Findings (``name version ID fixed-in``) and the packages that were not audited."""
    findings, skipped = [], []
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            skipped.append(f"{dependency['name']}: {dependency['skip_reason']}")
            continue
        for vulnerability in dependency.get("vulns", []):
            fixed = ", ".join(vulnerability.get("fix_versions") or []) or "no fix yet"
            findings.append(
                f"{dependency['name']} {dependency['version']} {vulnerability['id']} "
                f"(fixed in: {fixed})"
            )
    return findings, skipped


def verdict(returncode: int, report: dict | None, stderr: str) -> tuple[int, str]:
    """Exit status and message for one pip-audit run."""
    if report is None:
        # pip-audit stopped before writing its report: it could not resolve
        # or reach the service. Not a finding.
        tail = stderr.strip().splitlines()[-1:] or ["(no output)"]
        return 0, f"pip-audit: WARNING: could not complete, not failing the build: {tail[0]}"
    findings, skipped = summarise(report)
    audited = len(report.get("dependencies", [])) - len(skipped)
    lines = []
    if skipped:
        lines.append(
            f"pip-audit: WARNING: {len(skipped)} packages could not be audited "
            "(the vulnerability service did not answer for them):"
        )
        lines += [f"  {entry}" for entry in skipped[:5]]
        if len(skipped) > 5:
            lines.append(f"  ... and {len(skipped) - 5} more")
    if findings:
        lines.append(f"pip-audit: {len(findings)} known vulnerabilities:")
        lines += [f"  {finding}" for finding in findings]
        lines.append("Upgrade the pin, or list the ID in .ci/pip-audit-ignore.txt with a reason.")
        return 1, "\n".join(lines)
    if returncode != 0:
        return 0, "\n".join([*lines, f"pip-audit: WARNING: exited {returncode}: {stderr.strip()}"])
    if audited == 0:
        lines.append("pip-audit: WARNING: nothing was audited, not failing the build")
    else:
        lines.append(f"pip-audit: no known vulnerabilities in {audited} audited packages")
    return 0, "\n".join(lines)


def main() -> int:
    ignored = read_ignored(IGNORE_FILE)
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "report.json"
        command = [
            *(sys.executable, "-m", "pip_audit", "-r", str(ROOT / "requirements.txt")),
            *("--format", "json", "--output", str(output), "--progress-spinner", "off"),
            *(
                argument
                for vulnerability in ignored
                for argument in ("--ignore-vuln", vulnerability)
            ),
        ]
        try:
            # Our own interpreter and fixed arguments (IDs from our own file).
            result = subprocess.run(command, capture_output=True, text=True, timeout=900)  # noqa: S603
        except subprocess.TimeoutExpired:
            print("pip-audit: WARNING: timed out after 900 s, not failing the build")
            return 0
        report = json.loads(output.read_text()) if output.exists() else None
    status, message = verdict(result.returncode, report, result.stderr)
    print(message)
    for vulnerability, reason in ignored.items():
        print(f"pip-audit: ignored {vulnerability}: {reason}")
    return status


if __name__ == "__main__":
    sys.exit(main())
