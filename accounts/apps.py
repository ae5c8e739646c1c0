from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Players and moderators"

    def ready(self) -> None:
        # allauth's JWT strategy imports cryptography lazily; the first token
        # signed under load can then raise AttributeError (STACK.md). Import
        # the modules once at start so signup never fails after creating a user.
        import cryptography.hazmat.primitives.asymmetric.rsa
        import cryptography.hazmat.primitives.serialization  # noqa: F401
        import jwt.algorithms  # noqa: F401

        import accounts.tasks  # noqa: F401  (tasks are sent by name; register them everywhere)
        import casino_club.kit.schema  # noqa: F401  (registers the OpenAPI JWT scheme)
        from accounts.stream import user_actions_relay_register

        # The user_actions stream's relay, only when a sink is configured.
        user_actions_relay_register()
