from django.apps import AppConfig


class EconomyConfig(AppConfig):
    name = "economy"
    verbose_name = "Coins and progression"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from economy import subscribers  # noqa: F401 (registers action subscribers)
        from economy.progression import subscribers as _progression  # noqa: F401
        from economy.services.ledger import system_accounts_forget

        # A flush (TransactionTestCase teardown) deletes the system accounts
        # and then sends post_migrate: forget their cached ids.
        post_migrate.connect(system_accounts_forget, dispatch_uid="economy.system_accounts")
