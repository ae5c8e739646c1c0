"""Fixtures of the games tests that touch the database (the pure-math tests use none)."""

from __future__ import annotations

import pytest
from django.test import Client

from economy.services import system_accounts_forget
from games.leaderboards.push import leaderboard_flushes_cancel
from games.services import game_configs_forget
from tests.support.rounds import START, give_coins


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _forget_cached_rows():
    # Tests that commit (or run on-commit callbacks) may cache ids of rows
    # their rollback removes.
    yield
    system_accounts_forget()
    game_configs_forget()
    # Leaderboard pushes fire a second after a change, in a thread: none may
    # outlive its test (and its database).
    leaderboard_flushes_cancel()


@pytest.fixture
def alice_client(player):
    """A browser (Django test client) signed in as Alice."""
    client = Client()
    client.force_login(player)
    return client


@pytest.fixture
def funded(player):
    """Alice with START coins."""
    give_coins(player, START)
    return player
