"""A new game is a new folder: discovered, then its page, API, admin and simulation work.

The coin flip in ``games/tests/extra_games/coin_flip/`` is laid out exactly
like ``games/<name>/`` (game.py, page.py, templates/, static/) and is
registered only for the duration of each test, so the other tests (and the
OpenAPI schema) never see it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from economy.models import Account, Entry
from games import registry
from games.models import GameConfig, GameRound
from games.simulate import simulate
from tests.support.ledger import give_coins
from tests.support.rounds import START, assert_ledger_reconciles, snapshot

FOLDER = Path(__file__).resolve().parent / "extra_games" / "coin_flip"


@pytest.fixture
def coin_flip():
    found = registry.discover("games.tests.extra_games")
    yield found
    for spec in found:
        registry.unregister(spec)


def test_the_folder_is_discovered_and_unregistered_afterwards(coin_flip):
    assert [spec.slug for spec in coin_flip] == ["coin_flip"]
    assert registry.get("coin_flip") is coin_flip[0]
    assert registry.folder_of(coin_flip[0]) == FOLDER
    registry.unregister(coin_flip[0])
    with pytest.raises(registry.UnknownGame):
        registry.get("coin_flip")


@pytest.mark.django_db
def test_its_page_renders_from_its_folder(coin_flip, alice_client):
    response = alice_client.get("/games/coin_flip/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="coin-flip"' in page
    assert '<li data-side="heads">heads</li>' in page
    assert "95.00%" in page
    assert 'src="/static/games/coin_flip.js"' in page
    assert finders.find("games/coin_flip.js") == str(FOLDER / "static" / "games" / "coin_flip.js")


@pytest.mark.django_db
def test_the_lobby_lists_it(coin_flip, alice_client):
    page = alice_client.get("/games/").content.decode()
    assert 'href="/games/coin_flip/"' in page
    assert "Heads or tails." in page


@pytest.mark.django_db
def test_a_round_plays_through_the_api_and_settles_through_the_ledger(
    coin_flip, player, player_client
):
    give_coins(player, START)

    response = player_client.post(
        "/api/games/coin_flip/play", {"bet": 10, "side": "heads"}, format="json"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    payout = body["round"]["payout"]
    assert body["round"]["game"] == "coin_flip"
    assert payout == (19 if body["round"]["outcome"]["side"] == "heads" else 0)
    assert body["balance"] == START - 10 + payout
    assert GameRound.objects.get(pk=body["round"]["id"]).game == "coin_flip"
    bank = Account.objects.get(code="game_bank:coin_flip")
    assert sum(Entry.objects.filter(account=bank).values_list("amount", flat=True)) == 10 - payout
    assert_ledger_reconciles()


@pytest.mark.django_db
def test_a_bad_bet_is_refused_and_changes_nothing(coin_flip, player, player_client):
    give_coins(player, START)
    before = snapshot(player)

    response = player_client.post(
        "/api/games/coin_flip/play", {"bet": 10, "side": "edge"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"side": "invalid choice"}
    assert snapshot(player) == before


@pytest.mark.django_db
def test_moderators_can_publish_a_version_in_the_admin(coin_flip, client, moderator):
    client.force_login(moderator)

    assert 'value="coin_flip"' in client.get("/admin/games/gameconfig/add/").content.decode()
    response = client.post(
        "/admin/games/gameconfig/add/",
        {"game": "coin_flip", "data": '{"min_bet": 10, "max_bet": 50}', "_save": "Save"},
    )

    assert response.status_code == 302
    assert GameConfig.objects.get(game="coin_flip", is_active=True).data["max_bet"] == 50


def test_the_simulation_agrees_with_its_published_rtp(coin_flip):
    result = simulate("coin_flip", 4_000, seed="coin")
    assert result["within_tolerance"], result
