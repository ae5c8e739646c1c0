"""Remove an account's second factors, for an owner locked out of the admin.

Only someone with a shell on the server can run it, which is the point: the
admin cannot help an owner who cannot pass its own 2FA check. The account
then logs in with its password and is sent to set up a new authenticator
before the admin opens again (``accounts.middleware``).
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User


class Command(BaseCommand):
    help = "Delete every MFA authenticator (TOTP, keys, recovery codes) of one account."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")

    def handle(self, *args, email: str, **options) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account with the email address {email!r}.")
        with transaction.atomic():
            removed, _ = Authenticator.objects.filter(user=user).delete()
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed {removed} authenticator(s) from {user.email}. At the next login"
                " the account is asked to set up two-factor authentication again."
            )
        )
