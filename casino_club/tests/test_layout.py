"""The house rules a newcomer can check: modules stay readable and every app
keeps its own files (docs/architecture.md, "Import rules" and "Layout")."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "economy", "games", "casino_club")
MAX_LINES = 450


def application_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or "tests" in parts:
                continue
            yield path


def test_no_application_module_is_over_450_lines():
    too_long = {
        str(path.relative_to(ROOT)): count
        for path in application_modules()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}, f"split these modules (over {MAX_LINES} lines): {too_long}"


def test_the_rule_sees_every_app():
    # A rule that reads no files would pass forever.
    modules = list(application_modules())
    assert len(modules) > 100
    assert {path.relative_to(ROOT).parts[0] for path in modules} == set(APPS)
