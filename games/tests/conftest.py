"""Fixtures of the games tests that touch the database (the pure-math tests use none)."""

from __future__ import annotations

import pytest
from django.test import Client

from games.tests.round_helpers import START, give_coins


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
