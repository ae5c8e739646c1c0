"""The CI wrapper around pip-audit (.ci/pip_audit.py): what fails the build.

The reports are in pip-audit's own JSON format (``--format json``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "pip_audit.py"
spec = importlib.util.spec_from_file_location("ci_pip_audit", SCRIPT)
pip_audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pip_audit)

CLEAN = {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}], "fixes": []}
FINDING = {
    "dependencies": [
        {
            "name": "django",
            "version": "4.2.0",
            "vulns": [
                {
                    "id": "PYSEC-2023-100",
                    "fix_versions": ["4.2.2"],
                    "aliases": ["CVE-2023-36053"],
                    "description": "...",
                }
            ],
        }
    ],
    "fixes": [],
}
SKIPPED = {
    "dependencies": [
        {"name": "six", "skip_reason": "Dependency not found on PyPI and could not be audited"}
    ],
    "fixes": [],
}


def test_a_finding_fails_the_build():
    status, message = pip_audit.verdict(1, FINDING, "")

    assert status == 1
    assert "django 4.2.0 PYSEC-2023-100 (fixed in: 4.2.2)" in message


def test_a_clean_audit_passes():
    status, message = pip_audit.verdict(0, CLEAN, "")

    assert status == 0
    assert "no known vulnerabilities in 1 audited packages" in message


def test_an_unreachable_service_warns_without_failing():
    stderr = "pip_audit._service.interface.ConnectionError: Could not connect to PyPI"

    status, message = pip_audit.verdict(1, None, stderr)

    assert status == 0
    assert "WARNING" in message and "Could not connect" in message


def test_unaudited_packages_are_named_never_reported_clean():
    status, message = pip_audit.verdict(0, SKIPPED, "")

    assert status == 0
    assert "1 packages could not be audited" in message
    assert "six" in message
    assert "nothing was audited" in message


def test_exceptions_need_a_reason(tmp_path):
    listed = tmp_path / "ignore.txt"
    listed.write_text("# comment\nGHSA-aaaa-bbbb-cccc  only the CLI is affected\n\n")
    assert pip_audit.read_ignored(listed) == {"GHSA-aaaa-bbbb-cccc": "only the CLI is affected"}

    listed.write_text("PYSEC-2024-1\n")
    with pytest.raises(SystemExit, match="PYSEC-2024-1 needs a reason"):
        pip_audit.read_ignored(listed)


def test_the_projects_exceptions_file_is_valid():
    assert isinstance(pip_audit.read_ignored(pip_audit.IGNORE_FILE), dict)
