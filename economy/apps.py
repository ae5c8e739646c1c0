from django.apps import AppConfig


class EconomyConfig(AppConfig):
    name = "economy"
    verbose_name = "Coins and progression"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Action subscribers, and profile contributors (accounts/profile.py)
        # whose import order is the order of the profile's fields.
        from economy import privacy, profile, subscribers  # noqa: F401
        from economy.invites import profile as _invites_profile  # noqa: F401
        from economy.invites import subscribers as _invites  # noqa: F401
        from economy.progression import profile as _progression_profile  # noqa: F401
        from economy.progression import subscribers as _progression  # noqa: F401
        from economy.season_pass import profile as _season_pass_profile  # noqa: F401
        from economy.season_pass import subscribers as _season_pass  # noqa: F401
        from economy.services.accounts import system_accounts_forget
        from economy.shop import profile as _shop_profile  # noqa: F401

        # A flush (TransactionTestCase teardown) deletes the system accounts
        # and then sends post_migrate: forget their cached ids.
        post_migrate.connect(system_accounts_forget, dispatch_uid="economy.system_accounts")

        from django.db.models.signals import post_delete

        from economy.gallery.services import on_gallery_item_deleted
        from economy.models import GalleryItem

        post_delete.connect(
            on_gallery_item_deleted, sender=GalleryItem, dispatch_uid="economy.gallery_files"
        )
