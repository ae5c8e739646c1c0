"""A spin's subscriber work is batched: the pipeline's statements do not grow with the batch.

Counted, not timed. Every player has played once already (their progress
rows, missions and board rows exist); then a batch of second rounds from N
players is recorded in one transaction and the pipeline runs once. Nine
subscribers read the log; if any of them wrote per action or per player,
the count would grow with N.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.actions import actions_process
from economy.models import XpGrant, XpSource
from games.leaderboards.boards import Board, Period
from games.leaderboards.models import LeaderboardScore
from games.services import round_play
from tests.support.factories import FundedPlayerFactory

pytestmark = pytest.mark.django_db
SPIN = {"bet_per_line": 1, "lines": 20}


def pipeline_statements(players) -> int:
    with transaction.atomic():
        for player in players:
            round_play(player=player, slug="slots", params=SPIN)
    with CaptureQueriesContext(connection) as captured:
        actions_process()
    return len([q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]])


def test_pipeline_statements_stay_flat_as_the_batch_grows():
    players = [FundedPlayerFactory() for _ in range(40)]
    pipeline_statements(players)  # first rounds: rows created, signups handled

    few = pipeline_statements(players[:5])
    many = pipeline_statements(players)

    print(f"pipeline statements: 5 spins {few}, 40 spins {many}")
    assert many <= few + 2, (few, many)
    assert many / len(players) < 3, many
    # And each of the 85 rounds was applied exactly once.
    assert XpGrant.objects.filter(source=XpSource.PLAY).count() == 85
    rounds = LeaderboardScore.objects.filter(board=Board.NET_WINNINGS, period=Period.ALLTIME)
    assert rounds.count() == 40
