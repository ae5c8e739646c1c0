"""Moderators publish configuration versions in the admin (Maude moderates, Alice plays)."""

from __future__ import annotations

import copy
import json

import pytest

from games.models import GameConfig
from games.registry import get
from games.services import game_config_active, round_play
from tests.support.ledger import give_coins

ADD_URL = "/admin/games/gameconfig/add/"


def rps_config(win_pays: str = "1.9") -> str:
    config = copy.deepcopy(get("rps").default_config)
    config["win_pays"] = win_pays
    return json.dumps(config)


@pytest.mark.django_db
def test_preview_shows_the_exact_math_and_saves_nothing(moderator_client):
    game_config_active(slug="rps")

    response = moderator_client.post(
        ADD_URL, {"game": "rps", "data": rps_config("1.8"), "note": "", "_preview": "Preview"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    # (1.8 + 1) / 3 = 93.3333%, hit frequency 2/3, volatility sqrt((1.8² + 1)/3 - rtp²)
    assert "Preview only, nothing saved" in page
    assert "RTP 93.3333%" in page
    assert "hit frequency 66.6667%" in page
    assert "volatility" in page
    assert GameConfig.objects.filter(game="rps").count() == 1


@pytest.mark.django_db
def test_the_form_offers_preview_before_publish(moderator_client):
    response = moderator_client.get(ADD_URL + "?game=rps")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="_preview"' in page and 'name="_save"' in page
    assert page.index('name="_preview"') < page.index('name="_save"')


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (rps_config("1.99"), "outside the allowed band"),  # RTP 99.67%
        (rps_config("1.4"), "outside the allowed band"),  # RTP 80%
        (rps_config("2.5"), "not playable"),  # check_config refuses
        ('{"min_bet": 10}', "not playable"),
        ("[1, 2]", "must be a JSON object"),
    ],
)
@pytest.mark.django_db
def test_an_unplayable_or_out_of_band_config_is_refused(moderator_client, data, message):
    before = list(GameConfig.objects.values_list("pk", "is_active"))

    response = moderator_client.post(ADD_URL, {"game": "rps", "data": data, "note": "x"})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(GameConfig.objects.values_list("pk", "is_active")) == before


@pytest.mark.django_db
def test_the_band_is_a_setting(moderator_client, settings):
    settings.GAMES_RTP_BAND = (0.95, 0.99)

    response = moderator_client.post(ADD_URL, {"game": "rps", "data": rps_config("1.8")})

    assert "outside the allowed band 95%–99%" in response.content.decode()


@pytest.mark.django_db
def test_publishing_creates_a_new_active_version_and_old_rounds_keep_theirs(
    moderator_client, moderator, player
):
    give_coins(player, 1000)
    old_round = round_play(player=player, slug="rps", params={"bet": 100, "move": "rock"}).round
    version_one = old_round.config

    response = moderator_client.post(
        ADD_URL, {"game": "rps", "data": rps_config("1.8"), "note": "lower win", "_save": "Save"}
    )

    assert response.status_code == 302
    version_one.refresh_from_db()
    version_two = GameConfig.objects.get(game="rps", is_active=True)
    assert version_two.version == 2
    assert version_two.data["win_pays"] == "1.8"
    assert version_two.rtp == pytest.approx(2.8 / 3)
    assert version_two.created_by == moderator
    assert version_two.note == "lower win"
    assert not version_one.is_active
    assert version_one.data["win_pays"] == "1.9"  # never edited
    old_round.refresh_from_db()
    assert old_round.config_id == version_one.pk
    new_round = round_play(player=player, slug="rps", params={"bet": 100, "move": "rock"}).round
    assert new_round.config_id == version_two.pk


@pytest.mark.django_db
def test_a_version_cannot_be_edited_or_deleted(moderator_client):
    config = game_config_active(slug="rps")
    url = f"/admin/games/gameconfig/{config.pk}/change/"

    page = moderator_client.get(url)
    posted = moderator_client.post(url, {"game": "rps", "data": rps_config("1.8")})
    deleted = moderator_client.post(f"/admin/games/gameconfig/{config.pk}/delete/", {"post": "yes"})

    assert page.status_code == 200
    assert "Start a new version from this one" in page.content.decode()
    assert posted.status_code == 403
    assert deleted.status_code == 403
    config.refresh_from_db()
    assert config.data["win_pays"] == "1.9" and config.is_active


@pytest.mark.django_db
def test_a_new_version_starts_from_an_old_one(moderator_client):
    config = game_config_active(slug="roulette")

    page = moderator_client.get(f"{ADD_URL}?from={config.pk}").content.decode()

    assert "table_max" in page


@pytest.mark.django_db
def test_players_cannot_open_the_config_admin(client, player):
    client.force_login(player)

    response = client.get(ADD_URL)

    assert response.status_code == 302  # to the admin login


@pytest.mark.django_db
def test_seed_pairs_hide_unrevealed_server_seeds(moderator_client, player):
    give_coins(player, 1000)
    pair = round_play(player=player, slug="rps", params={"bet": 10, "move": "rock"}).round.seed_pair

    page = moderator_client.get(f"/admin/games/seedpair/{pair.pk}/change/").content.decode()

    assert page.count(pair.server_seed) == 0
    assert "secret until rotated" in page
