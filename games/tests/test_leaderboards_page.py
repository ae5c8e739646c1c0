"""The leaderboard page: tabs, period switcher, the player's own row, the nav link."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import transaction

from games.leaderboards.services import round_changes, scores_record

pytestmark = pytest.mark.django_db(transaction=True)


def win(player, net: int) -> None:
    with transaction.atomic():
        scores_record(changes=round_changes(player_id=player.pk, net=net, at=datetime.now(UTC)))


def test_the_page_lists_the_board_and_highlights_your_row(client, player, other_player):
    win(player, 40)
    win(other_player, 90)
    client.force_login(player)

    page = client.get("/leaderboards/?board=biggest_win&period=weekly").content.decode()

    assert 'class="table-wrap"' in page
    assert 'data-topic="leaderboard.biggest_win.weekly"' in page
    assert '<tr class="is-you">' in page
    table = page[page.index("data-leaderboard-rows") :]
    assert table.index("Bob") < table.index("Alice")
    assert "Your rank: <strong data-my-rank>2</strong>" in page
    assert 'href="?board=biggest_win&amp;period=weekly" aria-current="page"' in page
    assert 'href="?board=xp&amp;period=weekly"' in page
    assert "games/leaderboards.js" in page


def test_unknown_board_or_period_falls_back_to_the_defaults(client, player):
    client.force_login(player)

    page = client.get("/leaderboards/?board=nope&period=yearly").content.decode()

    assert 'data-topic="leaderboard.biggest_win.daily"' in page


def test_the_page_needs_a_signed_in_player(client):
    response = client.get("/leaderboards/")

    assert response.status_code == 302


def test_the_nav_links_to_the_leaderboards(client, player):
    client.force_login(player)

    page = client.get("/leaderboards/").content.decode()

    assert 'href="/leaderboards/" aria-current="page"' in page
