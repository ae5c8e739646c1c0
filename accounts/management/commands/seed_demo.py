"""Idempotent demo data: a moderator and a few players.

Passwords are random, printed once and written to ``var/demo-credentials.txt``
(never committed). Running it again changes nothing and points at the file.

The admin requires a second factor on staff accounts, so the demo moderator
gets a TOTP authenticator (made through allauth's own API) and recovery
codes; its secret and codes are printed and written to the same file. Add the
secret to any authenticator app (or ``oathtool --totp -b SECRET``), or log in
with one recovery code.
"""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.middleware import has_second_factor
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
        second_factors = []
        with transaction.atomic():
            for email, nickname, is_moderator in DEMO_PLAYERS:
                existing = User.objects.filter(email=email).first()
                if existing is not None:
                    # A moderator seeded before the admin required 2FA gets it now.
                    if is_moderator and not has_second_factor(existing):
                        second_factors.append((email, *give_totp(existing)))
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
                    second_factors.append((email, *give_totp(user)))
                created.append((email, nickname, password, is_moderator))

        if not created and not second_factors:
            self.stdout.write(f"Demo data already present; credentials are in {path}.")
            return

        lines = [
            f"{'moderator' if mod else 'player'}\t{email}\t{password}\t({nickname})"
            for email, nickname, password, mod in created
        ]
        for email, secret, codes in second_factors:
            lines.append(f"totp\t{email}\tsecret {secret}")
            lines.append(f"recovery codes\t{email}\t{' '.join(codes)}")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        path.chmod(0o600)
        self.stdout.write(self.style.SUCCESS("Demo accounts (shown once, also in " + str(path)))
        for line in lines:
            self.stdout.write("  " + line)


def give_totp(user: User) -> tuple[str, list[str]]:
    """An active TOTP authenticator and recovery codes, as the MFA pages would make."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    return secret, codes
