"""Idempotent demo data: a moderator and a few players.

Passwords are random, printed once and written to ``var/demo-credentials.txt``
(never committed). Running it again changes nothing and points at the file.
"""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.services import player_create

DEMO_PLAYERS = [
    # (email, nickname, is moderator)
    ("moderator@casino.local", "Moderator", True),
    ("alice@casino.local", "Alice", False),
    ("bob@casino.local", "Bob", False),
    ("charlie@casino.local", "Charlie", False),
    ("jiwoo@casino.local", "지우", False),
]


class Command(BaseCommand):
    help = "Create demo players and a moderator (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--credentials-file", default=str(Path(settings.VAR_DIR) / "demo-credentials.txt")
        )

    def handle(self, *args, credentials_file: str, **options) -> None:
        path = Path(credentials_file)
        created = []
        with transaction.atomic():
            for email, nickname, is_moderator in DEMO_PLAYERS:
                if User.objects.filter(email=email).exists():
                    continue
                password = secrets.token_urlsafe(12)
                user = player_create(
                    email=email,
                    password=password,
                    nickname=nickname,
                    date_of_birth=date(1990, 1, 1),
                    is_staff=is_moderator,
                )
                if is_moderator:
                    user.groups.add(Group.objects.get(name="Moderators"))
                created.append((email, nickname, password, is_moderator))

        if not created:
            self.stdout.write(f"Demo data already present; credentials are in {path}.")
            return

        lines = [
            f"{'moderator' if mod else 'player'}\t{email}\t{password}\t({nickname})"
            for email, nickname, password, mod in created
        ]
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        path.chmod(0o600)
        self.stdout.write(self.style.SUCCESS("Demo accounts (shown once, also in " + str(path)))
        for line in lines:
            self.stdout.write("  " + line)
