"""Fixtures of the games tests that touch the database (the pure-math tests use none).

The shared fixtures (``alice_client``, forgetting cached rows) are in
tests/support/fixtures.py.
"""

from __future__ import annotations

import pytest

from tests.support.ledger import give_coins
from tests.support.rounds import START
from tests.support.speed import _fast_passwords  # noqa: F401 (autouse here)


@pytest.fixture
def funded(player):
    """Alice with START coins."""
    give_coins(player, START)
    return player
