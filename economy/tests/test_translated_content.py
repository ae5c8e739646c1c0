"""Database text in Korean: mission templates, shop items, the season and its
rewards, events. The request's language picks the ``*_ko`` twin on pages and in
the API, an empty twin falls back to English, and what the worker writes uses
each player's own language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification, NotificationKind
from accounts.notifications import marketing_answer
from economy.models import Event, MissionTemplate, ShopItem
from economy.progression.tasks import events_announce
from economy.season_pass.defaults import defaults_seed_current

pytestmark = pytest.mark.django_db

KO = {"HTTP_ACCEPT_LANGUAGE": "ko"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def catalogue(db):
    # Transactional tests flush the migrated rows; the seed restores them with Korean.
    defaults_seed_current()


def only_shipped_missions(*codes: str) -> None:
    MissionTemplate.objects.exclude(code__in=codes).update(is_active=False)


def test_shipped_missions_are_korean_on_the_page_and_in_the_api(client, player):
    only_shipped_missions("daily-play-10")
    client.force_login(player)

    html = client.get("/missions/", **KO).content.decode()
    assert "10판 플레이하기" in html
    assert "Play 10 rounds" not in html

    korean = client.get("/api/missions/", **KO).json()["missions"]
    english = client.get("/api/missions/", **EN).json()["missions"]
    assert [(m["title"], m["description"]) for m in korean] == [
        ("10판 플레이하기", "어떤 게임이든 괜찮아요.")
    ]
    assert [(m["title"], m["description"]) for m in english] == [
        ("Play 10 rounds", "Any game counts.")
    ]


def test_an_empty_korean_field_falls_back_to_english(client, player):
    only_shipped_missions()
    MissionTemplate.objects.create(
        code="new-one",
        title="Spin for fun",
        description="Only English so far.",
        title_ko="재미로 돌리기",
        type="PLAY_ROUNDS",
        target=3,
        period="DAILY",
        reward_xp=10,
    )
    client.force_login(player)

    (mission,) = client.get("/api/missions/", **KO).json()["missions"]

    assert (mission["title"], mission["description"]) == ("재미로 돌리기", "Only English so far.")
    html = client.get("/missions/", **KO).content.decode()
    assert "재미로 돌리기" in html and "Only English so far." in html


def test_shop_items_are_korean_in_the_api_and_on_the_page(client, player, catalogue):
    ShopItem.objects.filter(slug="emote-gg").update(name_ko="")
    client.force_login(player)

    names = {
        offer["item"]["slug"]: offer["item"]["name"]
        for offer in client.get("/api/shop/items", **KO).json()["items"]
    }
    assert names["emote-wave"] == "손 흔들기"
    assert names["emote-gg"] == "Good game"  # no Korean yet: English
    html = client.get("/shop/", **KO).content.decode()
    assert "에메랄드 프레임" in html
    assert "Emerald frame" not in html
    english = client.get("/shop/", **EN).content.decode()
    assert "Emerald frame" in english and "에메랄드 프레임" not in english


def test_the_season_and_its_rewards_are_korean(client, player, catalogue):
    client.force_login(player)

    status = client.get("/api/battlepass/status", **KO).json()

    assert status["season"]["name"] == "시즌 1"
    labels = {tier["number"]: tier["reward"]["label"] for tier in status["tiers"]}
    assert labels[1] == "200 코인"
    assert labels[2] == "시즌 1 브론즈 프레임"
    assert labels[3] == "+50 XP"
    assert status["tiers"][1]["reward"]["item"]["name"] == "시즌 1 브론즈 프레임"
    html = client.get("/pass/", **KO).content.decode()
    assert "시즌 1 브론즈 프레임" in html
    english = client.get("/api/battlepass/status", **EN).json()
    assert english["season"]["name"] == "Season 1"
    assert english["tiers"][0]["reward"]["label"] == "200 coins"


def test_event_news_from_the_worker_is_in_each_players_language(make_player):
    korean, english = make_player("Jiwoo", language="ko"), make_player("Emma")
    for player in (korean, english):
        marketing_answer(player=player, opt_in=True)
    now = timezone.now()
    Event.objects.create(
        name="Double XP weekend",
        name_ko="XP 두 배 주말",
        description="Twice the XP from play.",
        starts_at=now - timedelta(seconds=5),
        ends_at=now + timedelta(days=2),
    )

    assert events_announce() == 1

    notices = dict(
        Notification.objects.filter(kind=NotificationKind.EVENT_STARTED).values_list(
            "player__nickname", "title"
        )
    )
    assert notices == {"Jiwoo": "XP 두 배 주말", "Emma": "Double XP weekend"}
    # No Korean description: the Korean player reads the English one.
    assert Notification.objects.get(player=korean).body == "Twice the XP from play."


def test_the_event_banner_is_korean(client, player):
    now = timezone.now()
    Event.objects.create(
        name="Double XP weekend",
        name_ko="XP 두 배 주말",
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(days=2),
    )
    client.force_login(player)

    assert "XP 두 배 주말" in client.get("/missions/", **KO).content.decode()
    assert "Double XP weekend" in client.get("/missions/", **EN).content.decode()
    events = client.get("/api/events/", **KO).json()
    assert "XP 두 배 주말" in str(events)


def test_moderators_edit_both_languages_in_admin(client, moderator):
    client.force_login(moderator)
    template = MissionTemplate.objects.get(code="daily-play-10")

    page = client.get(f"/admin/economy/missiontemplate/{template.pk}/change/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="title"' in html and 'name="title_ko"' in html
    assert "10판 플레이하기" in html
