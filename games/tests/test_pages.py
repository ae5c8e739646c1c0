"""The games' pages render for players, in English and Korean, and keep others out."""

from __future__ import annotations

import pytest

from tests.support.ledger import give_coins

pytestmark = pytest.mark.django_db

PAGES = ["/games/", "/games/slots/", "/games/roulette/", "/games/rps/", "/games/fairness/"]


def published_rtp(slug: str) -> str:
    from games import services

    return f"{services.game_config_active(slug=slug).math['rtp'] * 100:.2f}%"


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_for_a_player(alice_client, path):
    response = alice_client.get(path)
    assert response.status_code == 200
    assert b'type="module"' in response.content


@pytest.mark.parametrize("slug", ["slots", "roulette", "rps"])
def test_each_game_page_shows_its_published_rtp(alice_client, slug):
    response = alice_client.get(f"/games/{slug}/")
    assert published_rtp(slug) in response.content.decode()


def test_lobby_lists_every_game_with_its_rtp(alice_client):
    page = alice_client.get("/games/").content.decode()
    for slug in ("slots", "roulette", "rps"):
        assert f'href="/games/{slug}/"' in page
        assert published_rtp(slug) in page


def test_slots_page_publishes_hit_frequency_and_the_chance_of_beating_the_stake(alice_client):
    from games import services

    math = services.game_config_active(slug="slots").math
    page = alice_client.get("/games/slots/").content.decode()
    assert f"{math['hit_frequency'] * 100:.2f}%" in page
    assert f"{math['win_over_stake_probability'] * 100:.2f}%" in page


def test_roulette_page_shows_the_house_edge_and_the_past_results_warning(alice_client):
    page = alice_client.get("/games/roulette/").content.decode()
    assert "2.70%" in page and "1/37" in page
    assert "Past results do not change the odds." in page
    assert 'aria-label="Straight 17, black"' in page


def test_roulette_hot_and_cold_counts_come_from_the_last_rounds(alice_client, player):
    from games.services import round_play

    give_coins(player, 100)
    for _ in range(3):
        round_play(
            player=player,
            slug="roulette",
            params={"bets": [{"type": "red", "value": None, "amount": 1}]},
        )
    page = alice_client.get("/games/roulette/").content.decode()
    assert "Counts over the last 3 spins at this table." in page


def test_rps_page_shows_the_pay_table(alice_client):
    page = alice_client.get("/games/rps/").content.decode()
    assert "1.9× your bet" in page
    assert "96.67%" in page


def test_pages_never_use_inline_scripts_or_styles(alice_client):
    for path in PAGES:
        page = alice_client.get(path).content.decode()
        assert "<script>" not in page
        assert " style=" not in page
        assert " onclick=" not in page


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_an_unknown_game_is_not_found(alice_client):
    assert alice_client.get("/games/blackjack/").status_code == 404


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_in_korean_from_accept_language(alice_client, path):
    response = alice_client.get(path, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200
    assert '<html lang="ko">' in response.content.decode()


def test_pages_render_in_korean_from_the_language_cookie(alice_client):
    from django.conf import settings

    alice_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    response = alice_client.get("/games/slots/")
    assert response.status_code == 200
    assert '<html lang="ko">' in response.content.decode()
    assert published_rtp("slots") in response.content.decode()


def test_nav_links_to_the_lobby_and_fairness_page(alice_client):
    page = alice_client.get("/").content.decode()
    assert 'href="/games/"' in page
    assert 'href="/games/fairness/"' in page
