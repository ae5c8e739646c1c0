"""Social proof counters equal the database's truth, on the lobby and the game pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F, Max
from django.utils import timezone

from games.leaderboards.boards import site_zone
from games.live_rps.models import LiveMatch, MatchStatus
from games.models import GameRound
from games.social_proof import social_proof
from tests.support.factories import FundedPlayerFactory, RoundFactory

pytestmark = pytest.mark.django_db(transaction=True)

SLOTS = {"bet_per_line": 5, "lines": 20}


def truth() -> dict:
    start = timezone.localtime(timezone.now(), site_zone()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    today = GameRound.objects.filter(
        created_at__gte=start, created_at__lt=start + timedelta(days=1)
    )
    best = (
        today.annotate(net=F("payout") - F("wager")).filter(net__gt=0).aggregate(best=Max("net"))
    )["best"]
    return {
        "players_today": today.values("player").distinct().count(),
        "best": best,
    }


@pytest.fixture
def rounds_by_several_players():
    players = FundedPlayerFactory.create_batch(4)
    for player, count in zip(players[:3], (1, 6, 12), strict=True):
        RoundFactory.create_batch(count, player=player, params=SLOTS)
    RoundFactory(
        player=players[0], slug="roulette", params={"bets": [{"type": "red", "amount": 100}]}
    )
    return players


def test_counters_equal_the_database_truth(rounds_by_several_players, make_player):
    spinners = rounds_by_several_players
    idle = make_player("Idle")
    for status in (MatchStatus.COMMITTING, MatchStatus.REVEALING, MatchStatus.WAITING):
        LiveMatch.objects.create(stake=10, status=status, player_one=spinners[0], player_two=idle)
    LiveMatch.objects.create(stake=10, status=MatchStatus.SETTLED, player_one=idle)

    counters = social_proof()

    expected = truth()
    assert counters["players_today"] == expected["players_today"] == 3
    assert counters["live_matches"] == 2
    if expected["best"] is None:
        assert counters["biggest_win_today"] is None
    else:
        assert counters["biggest_win_today"]["amount"] == expected["best"]


def test_a_quiet_day_shows_zeros_and_no_biggest_win(make_player):
    assert social_proof() == {"players_today": 0, "live_matches": 0, "biggest_win_today": None}


def test_lobby_and_game_pages_show_the_counters(client, rounds_by_several_players):
    client.force_login(rounds_by_several_players[0])

    for url in ("/games/", "/games/slots/", "/games/roulette/", "/games/rps/"):
        page = client.get(url).content.decode()
        assert 'data-testid="social-proof"' in page, url
        assert '<span class="count">3</span> players spun today' in page, url
        assert '<span class="count">0</span> live matches now' in page, url


def test_an_opted_out_winner_is_anonymous_in_the_biggest_win_line(make_player):
    winner = make_player("Shy")
    winner.show_on_leaderboards = False
    winner.save(update_fields=["show_on_leaderboards"])
    from django.db import transaction

    from games.leaderboards.services import round_changes, scores_record

    with transaction.atomic():
        scores_record(changes=round_changes(player_id=winner.pk, net=900, at=timezone.now()))

    assert social_proof()["biggest_win_today"] == {"nickname": "Anonymous", "amount": 900}
