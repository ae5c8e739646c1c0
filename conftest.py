"""Shared fixtures: the cast (Alice plays, Bob is another player, Maude
moderates), API clients, and the rules for tests that need real services.

Tests marked ``postgres`` or ``redis`` need the real server. Outside CI they
are skipped with a reason listed at the end of the run; under ``CI=true`` a
missing service fails them instead, so CI can never pass by skipping.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection

from tests.support.mfa import with_totp

pytest_plugins = ["tests.support.fixtures"]

CI = os.environ.get("CI", "").lower() == "true"


def using_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def using_redis() -> bool:
    return bool(settings.REDIS_URL)


def pytest_configure(config) -> None:
    os.makedirs("test-artifacts", exist_ok=True)


def pytest_runtest_setup(item) -> None:
    missing = []
    if item.get_closest_marker("postgres") and not using_postgres():
        missing.append("PostgreSQL (set DATABASE_URL)")
    if item.get_closest_marker("redis") and not using_redis():
        missing.append("Redis (set REDIS_URL)")
    if item.get_closest_marker("browser") and not os.path.exists("/usr/bin/chromium"):
        missing.append("Debian's chromium (apt-get install chromium)")
    if missing:
        message = "needs " + " and ".join(missing)
        if CI:
            pytest.fail(f"CI=true but this test {message}", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's database setup, plus: before the test database is
    dropped, end sessions that threads of async tests (database_sync_to_async)
    left open, so the drop does not fail with "being accessed by other users"."""
    yield
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _fresh_cache():
    if not settings.configured:  # pure tests run with -p no:django
        yield
        return
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _relaxed_signup_limit(request):
    if not settings.configured:
        return
    django_settings = request.getfixturevalue("settings")
    # allauth's signup limit (20/min/IP) is real in production; tests create
    # many players from one address, so they get a higher limit, not none.
    django_settings.ACCOUNT_RATE_LIMITS = {
        **django_settings.ACCOUNT_RATE_LIMITS,
        "signup": "1000/m/ip",
    }
    # Likewise the accounts-per-network/device limits (accounts/abuse.py):
    # off here, set back by the tests that check them (test_abuse_signups.py).
    django_settings.SIGNUPS_PER_IP_PER_DAY = 0
    django_settings.SIGNUPS_PER_DEVICE_PER_DAY = 0


@pytest.fixture(autouse=True)
def _relaxed_throttles(request):
    if not settings.configured:
        return
    from tests.support.servers import RELAXED_RATE

    django_settings = request.getfixturevalue("settings")
    # Tests play, claim and send socket messages faster than a person; the
    # real limits are set by the tests that check them (test_throttles.py).
    django_settings.THROTTLE_RATES = dict.fromkeys(settings.THROTTLE_RATES, RELAXED_RATE)
    django_settings.SOCKET_MESSAGE_RATE = 1000
    django_settings.SOCKET_MESSAGE_BURST = 1000


@pytest.fixture(autouse=True, scope="session")
def _no_push_relay_drain():
    """The test process's communicators share its own channel layer: no drain
    of relayed worker pushes here (real daphne processes of tests drain)."""
    if not settings.configured:
        yield
        return
    from accounts import live

    live.relay_drain_enabled = False
    yield


@pytest.fixture(autouse=True)
def _eager_celery():
    """Unit tests run Celery tasks in-process; real workers have their own tests."""
    if not settings.configured:
        yield
        return
    from casino_club.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def private_redis():
    """A throwaway redis-server (``tests.support.servers.PrivateRedis``),
    started; the test may ``stop()`` and ``start()`` it again on the same port.
    The shared Redis is never touched."""
    import shutil

    from tests.support.servers import PrivateRedis

    if shutil.which("redis-server") is None:
        if CI:
            pytest.fail("CI=true but redis-server is not installed", pytrace=False)
        pytest.skip("needs redis-server (apt-get install redis-server)")
    redis_server = PrivateRedis()
    redis_server.start()
    yield redis_server
    redis_server.stop()


@pytest.fixture
def make_player(db):
    """``make_player(nickname=None, **fields)``: a player through ``player_create``
    (tests.support.factories.PlayerFactory); unnamed ones are player1, player2, ..."""
    from tests.support.factories import PlayerFactory

    counter = iter(range(1, 10_000))

    def make(nickname: str | None = None, **fields):
        return PlayerFactory(nickname=nickname or f"player{next(counter)}", **fields)

    return make


@pytest.fixture
def player(make_player):
    return make_player("Alice")


@pytest.fixture
def other_player(make_player):
    return make_player("Bob")


@pytest.fixture
def moderator(make_player):
    from django.contrib.auth.models import Group

    user = make_player("Maude", is_staff=True)
    # get_or_create: transactional tests flush the rows data migrations made.
    group, _ = Group.objects.get_or_create(name="Moderators")
    if not group.permissions.exists():
        from django.contrib.auth.models import Permission

        group.permissions.set(
            Permission.objects.filter(
                codename__in=[
                    "add_broadcast",
                    "view_broadcast",
                    "view_user",
                    "view_action",
                    "view_actiondaily",
                    "moderate_player",
                    "view_moderatoraction",
                ]
            )
        )
    user.groups.add(group)
    with_totp(user)
    return user


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def player_client(api_client, player):
    api_client.force_login(player)
    return api_client


def db_vendor() -> str:
    return connection.vendor


@pytest.fixture
def provider(settings):
    """A fake OpenID Connect provider on a local port, configured as "Fake ID"."""
    from tests.support.fake_oidc import FakeOIDCProvider

    fake = FakeOIDCProvider().start()
    settings.SOCIALACCOUNT_PROVIDERS = fake.settings()
    yield fake
    fake.stop()
