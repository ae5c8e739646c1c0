from django.apps import AppConfig
from django.db.models.signals import post_migrate


class GamesConfig(AppConfig):
    name = "games"
    verbose_name = "Games"

    def ready(self) -> None:
        from games import registry
        from games.services import game_configs_forget

        registry.discover()
        # A flush (tests) or migration may remove configuration rows the
        # per-process cache still holds.
        post_migrate.connect(game_configs_forget, dispatch_uid="games_configs_forget")
