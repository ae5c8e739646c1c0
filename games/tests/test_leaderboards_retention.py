"""Past periods' scores are dropped nightly; the current and previous day and week stay."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from games.leaderboards.boards import Board, Period, period_key, site_zone
from games.leaderboards.models import LeaderboardScore
from games.leaderboards.services import leaderboards_prune
from games.tasks import prune_leaderboards

pytestmark = pytest.mark.django_db


def score(player, board: str, period: str, at: datetime) -> LeaderboardScore:
    return LeaderboardScore.objects.create(
        board=board, period=period, period_key=period_key(period, at), player=player, score=1
    )


def test_scores_of_past_days_and_weeks_go(player, other_player):
    now = datetime(2026, 3, 18, 12, 0, tzinfo=site_zone())  # a Wednesday
    kept = [
        score(player, Board.XP, Period.DAILY, now),
        score(player, Board.XP, Period.DAILY, now - timedelta(days=1)),
        score(player, Board.NET_WINNINGS, Period.WEEKLY, now),
        score(player, Board.NET_WINNINGS, Period.WEEKLY, now - timedelta(days=7)),
        score(player, Board.BIGGEST_WIN, Period.ALLTIME, now - timedelta(days=400)),
    ]
    gone = [
        score(player, Board.XP, Period.DAILY, now - timedelta(days=2)),
        score(other_player, Board.RPS_RATING, Period.DAILY, now - timedelta(days=40)),
        score(player, Board.NET_WINNINGS, Period.WEEKLY, now - timedelta(days=14)),
        # Keys sort by time across a year's end too.
        score(player, Board.XP, Period.WEEKLY, now - timedelta(days=90)),
        score(player, Board.XP, Period.DAILY, now - timedelta(days=90)),
    ]

    assert leaderboards_prune(at=now, batch=2) == len(gone)
    assert set(LeaderboardScore.objects.values_list("pk", flat=True)) == {s.pk for s in kept}
    assert leaderboards_prune(at=now) == 0


def test_the_nightly_task_prunes_and_is_scheduled(player):
    from django_celery_beat.models import PeriodicTask

    old = score(player, Board.XP, Period.DAILY, timezone.now() - timedelta(days=3))
    score(player, Board.XP, Period.DAILY, timezone.now())

    prune_leaderboards.delay()

    assert not LeaderboardScore.objects.filter(pk=old.pk).exists()
    assert LeaderboardScore.objects.count() == 1
    assert PeriodicTask.objects.get(task="games.prune_leaderboards").crontab is not None
