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

        self._connect_socket_session_signals()

        # The user_actions stream's relay, only when a sink is configured.
        user_actions_relay_register()

    @staticmethod
    def _connect_socket_session_signals() -> None:
        """Changes that must distrust cached socket sessions (accounts/socket_sessions.py)."""
        from django.contrib.auth import user_logged_out
        from django.contrib.sessions.models import Session
        from django.db.models.signals import post_delete, post_save

        from accounts import socket_sessions
        from accounts.models import User

        for signal in (post_save, post_delete):
            signal.connect(
                socket_sessions.on_user_changed, sender=User, dispatch_uid="ws-sessions-user"
            )
            signal.connect(
                socket_sessions.on_session_changed,
                sender=Session,
                dispatch_uid="ws-sessions-session",
            )
        user_logged_out.connect(socket_sessions.on_logged_out, dispatch_uid="ws-sessions-logout")
