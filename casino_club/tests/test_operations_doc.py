"""docs/operations.md lists every management command the project adds, and
only those (the list comes from Django's own command discovery)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

OPERATIONS = Path(settings.BASE_DIR) / "docs" / "operations.md"
PROJECT_APPS = {"accounts", "economy", "games"}


def project_commands() -> dict[str, str]:
    """{command: app} for commands defined in this repository's apps."""
    return {name: app for name, app in get_commands().items() if app in PROJECT_APPS}


def documented_commands() -> dict[str, str]:
    """{command: app} from the table under "Management commands"."""
    text = OPERATIONS.read_text()
    section = text.split("## Management commands", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `manage\.py (\w+)[^`]*` \| (\w+) \|", section, re.M)
    return dict(rows)


def test_the_project_has_commands_to_document():
    assert {"reconcile_ledger", "seed_demo", "mfa_reset"} <= set(project_commands())


def test_operations_lists_every_project_command_with_its_app():
    assert documented_commands() == project_commands()
