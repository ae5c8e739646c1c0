"""Fixtures shared by every app's tests, registered by the root conftest
(``pytest_plugins``). Each is defined here once; a test directory never
redefines one. Imports stay inside the fixtures: pure tests run without
Django (``-p no:django``)."""

from __future__ import annotations

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def _forget_cached_rows():
    """A test that commits (transactional tests, or one that runs on-commit
    callbacks, and so the action pipeline) may cache ids of rows its rollback
    or flush then removes: the system accounts, the active game
    configurations. Leaderboard pushes fire a second after a change, in a
    thread: none may outlive its test."""
    yield
    if not settings.configured:
        return
    from economy.services import system_accounts_forget
    from games.leaderboards.push import leaderboard_flushes_cancel
    from games.services import game_configs_forget

    system_accounts_forget()
    game_configs_forget()
    leaderboard_flushes_cancel()


@pytest.fixture
def fresh_channel_layer():
    """channels_redis binds its locks to the event loop that first used them;
    every async test runs its own loop, so each gets its own layer object.
    Socket test modules use it with ``pytest.mark.usefixtures``."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def no_signup_grant(db):
    """New players get no signup grant: transactional tests run on-commit
    callbacks, and a test that wants wallets with exact amounts says so."""
    from economy.models import EconomySettings
    from economy.selectors import economy_settings_forget

    EconomySettings.objects.update_or_create(pk=1, defaults={"signup_grant": 0})
    economy_settings_forget()


@pytest.fixture
def fund(db):
    """``fund(player, amount)``: coins from the mint (``tests.support.ledger.give_coins``)."""
    from tests.support.ledger import give_coins

    return give_coins


@pytest.fixture
def alice_client(player):
    """A browser (Django test client) signed in as Alice."""
    from django.test import Client

    client = Client()
    client.force_login(player)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    """The Django test client signed in as Maude, the moderator."""
    client.force_login(moderator)
    return client


@pytest.fixture(scope="session")
def live_server():
    """The site over ASGI (pages and sockets) for browser tests; replaces
    pytest-django's WSGI-only server of the same name, whose helper still
    gives each test using it a transactional database."""
    from tests.support.live import ThreadedDaphne

    server = ThreadedDaphne().start()
    yield server
    server.stop()
