"""The home page greets a new player with "Welcome", a returning one with
"Welcome back", and offers every game with a "Play" call to action."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.translation import override

pytestmark = pytest.mark.django_db


def greeting(client) -> str:
    page = client.get("/").content.decode()
    start = page.index("<h1>") + len("<h1>")
    return page[start : page.index("</h1>", start)]


def test_a_player_who_just_signed_up_is_welcomed_not_welcomed_back(alice_client, player):
    assert greeting(alice_client) == f"Welcome, {player.nickname}"


def test_a_player_who_joined_yesterday_is_welcomed_back(alice_client, player):
    player.created_at = timezone.now() - timedelta(days=1)
    player.save(update_fields=["created_at"])
    assert greeting(alice_client) == f"Welcome back, {player.nickname}"


def test_the_day_of_joining_is_the_players_own(alice_client, player):
    # Half an hour before midnight in Seoul was yesterday there, whatever day it is in UTC.
    seoul_midnight = timezone.localtime(timezone=ZoneInfo("Asia/Seoul"))
    seoul_midnight = seoul_midnight.replace(hour=0, minute=0, second=0, microsecond=0)
    player.time_zone = "Asia/Seoul"
    player.created_at = seoul_midnight - timedelta(minutes=30)
    player.save(update_fields=["time_zone", "created_at"])
    assert greeting(alice_client) == f"Welcome back, {player.nickname}"


def test_the_home_page_offers_every_game_with_a_play_link(alice_client):
    page = alice_client.get("/").content.decode()
    for slug, path in [
        ("slots", "/games/slots/"),
        ("roulette", "/games/roulette/"),
        ("rps", "/games/rps/"),
        ("live-rps", "/games/live-rps/"),
    ]:
        tile = page[page.index(f'data-testid="game-tile-{slug}"') :]
        tile = tile[: tile.index("</li>")]
        assert f'href="{path}"' in tile and ">Play " in tile


def test_the_tiles_and_greeting_are_in_korean(alice_client, player):
    alice_client.cookies["django_language"] = "ko"
    with override("ko"):
        page = alice_client.get("/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert f"환영해요, {player.nickname}님" in page
    assert "게임하기" in page and "룰렛 플레이" in page


def test_a_visitor_sees_no_game_tiles(client):
    assert 'data-testid="game-tile-' not in client.get("/").content.decode()
