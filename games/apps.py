from django.apps import AppConfig
from django.db.models.signals import post_migrate


class GamesConfig(AppConfig):
    name = "games"
    verbose_name = "Games"

    def ready(self) -> None:
        from accounts.live import register_topic_validator
        from games import privacy as _privacy  # noqa: F401 (export and deletion, accounts/privacy.py)
        from games import registry
        from games import tasks as _tasks  # noqa: F401 (registers the tasks services send by name)
        from games.leaderboards import subscribers  # noqa: F401 (registers action subscribers)
        from games.leaderboards.push import leaderboard_topic_allowed
        from games.segments.audiences import register_segment_audiences
        from games.services import game_configs_forget

        registry.discover()
        register_segment_audiences()  # broadcast audiences (accounts/audiences.py)
        register_topic_validator("leaderboard.", leaderboard_topic_allowed)
        # A flush (tests) or migration may remove configuration rows the
        # per-process cache still holds.
        post_migrate.connect(game_configs_forget, dispatch_uid="games_configs_forget")
