"""The progression API, the mission hub, the dashboard, the banner, the profile and admin."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from economy.models import Event, MissionTemplate, PlayerMission
from economy.progression import rules
from economy.progression.services.missions import missions_assign
from economy.selectors import player_balance
from tests.support.factories import MissionTemplateFactory
from tests.support.ledger import ledger_snapshot
from tests.support.progression import round_action

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_template(db):
    MissionTemplate.objects.all().update(is_active=False)
    MissionTemplateFactory(code="play-1", title="Play one round", reward_coins=40, reward_xp=10)
    MissionTemplateFactory(
        code="play-9",
        title="Play nine rounds",
        target=9,
        period="WEEKLY",
        reward_coins=90,
        reward_xp=0,
    )


def mission_id(player, code: str) -> int:
    return PlayerMission.objects.get(player=player, template__code=code).pk


def test_missions_list_assigns_and_shows_progress(player_client, player):
    response = player_client.get("/api/missions/")

    assert response.status_code == 200
    missions = {m["code"]: m for m in response.json()["missions"]}
    assert set(missions) == {"play-1", "play-9"}
    daily = missions["play-1"]
    assert daily["period"] == "DAILY"
    assert (daily["progress"], daily["target"], daily["status"]) == (0, 1, "in_progress")
    assert (daily["reward_coins"], daily["reward_xp"]) == (40, 10)
    assert set(daily) >= {"id", "title", "type", "game", "starts_at", "ends_at", "claimed_at"}


def test_missions_need_a_signed_in_player(api_client):
    assert api_client.get("/api/missions/").status_code == 401
    assert api_client.post("/api/missions/1/claim").status_code == 401
    assert api_client.get("/api/events/").status_code == 401
    assert api_client.get("/api/progression").status_code == 401


def test_claim_pays_once_then_conflicts(player_client, player, django_capture_on_commit_callbacks):
    player_client.get("/api/missions/")
    round_action(django_capture_on_commit_callbacks, player, wager=0)
    balance = player_balance(player=player)
    target = mission_id(player, "play-1")

    with django_capture_on_commit_callbacks(execute=True):
        response = player_client.post(f"/api/missions/{target}/claim")

    assert response.status_code == 200
    body = response.json()
    assert (body["coins"], body["xp"], body["balance"]) == (40, 10, balance + 40)
    assert body["mission"]["status"] == "claimed"

    before = ledger_snapshot()
    again = player_client.post(f"/api/missions/{target}/claim")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "mission_already_claimed"
    assert ledger_snapshot() == before


def test_claim_errors_change_nothing(player_client, player, other_player):
    player_client.get("/api/missions/")
    unfinished = mission_id(player, "play-9")
    missions_assign(player=other_player)
    others = mission_id(other_player, "play-1")
    PlayerMission.objects.filter(pk=others).update(progress=1, completed_at=timezone.now())
    before = ledger_snapshot()

    response = player_client.post(f"/api/missions/{unfinished}/claim")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "mission_not_completed"
    assert response.json()["error"]["fields"] == {"progress": ["0 of 9"]}
    for wrong in (others, 999_999, 2**40):
        response = player_client.post(f"/api/missions/{wrong}/claim")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

    assert ledger_snapshot() == before
    assert not PlayerMission.objects.filter(claimed_at__isnull=False).exists()


def test_events_api_lists_active_and_upcoming(player_client):
    now = timezone.now()
    Event.objects.create(
        name="Happy hour",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1),
        xp_multiplier=Decimal("2.00"),
    )
    Event.objects.create(
        name="Weekend sale",
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=3),
        shop_discount_percent=20,
    )
    Event.objects.create(
        name="Over", starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1)
    )

    body = player_client.get("/api/events/").json()

    assert [e["name"] for e in body["active"]] == ["Happy hour"]
    assert body["active"][0]["xp_multiplier"] == "2.00"
    assert [e["name"] for e in body["upcoming"]] == ["Weekend sale"]
    assert body["upcoming"][0]["shop_discount_percent"] == 20


def test_progression_rules_are_published(player_client):
    body = player_client.get("/api/progression").json()

    assert body["levels"][1] == {"level": 2, "xp": 100, "reward_coins": 0}
    assert body["levels"][4] == {"level": 5, "xp": 1000, "reward_coins": 100}
    assert len(body["levels"]) == rules.MAX_LEVEL
    assert [t["tier"] for t in body["tiers"]] == ["BRONZE", "SILVER", "GOLD", "PLATINUM", "DIAMOND"]
    assert body["tiers"][4]["daily_bonus_multiplier"] == "2.00"
    assert body["xp_rules"]["play_xp_daily_cap"] == rules.PLAY_XP_DAILY_CAP


def test_profile_shows_progression(player_client, player, django_capture_on_commit_callbacks):
    round_action(django_capture_on_commit_callbacks, player, wager=100)

    body = player_client.get("/api/users/me").json()

    assert (body["xp"], body["level"], body["next_level_xp"]) == (10, 1, 100)
    assert (body["vip_tier"], body["streak"]) == ("BRONZE", 1)
    page = player_client.get("/profile/")
    assert b'data-testid="profile-level"' in page.content


def test_daily_bonus_is_multiplied_by_the_vip_tier(
    player, django_capture_on_commit_callbacks, client
):
    from economy.faucets import daily_bonus_claim
    from economy.models import PlayerProgress, VipTier
    from economy.selectors import economy_settings_get

    PlayerProgress.objects.create(player=player, vip_tier=VipTier.GOLD, xp=25_000, level=23)
    base = economy_settings_get().daily_ladder[0]
    with django_capture_on_commit_callbacks(execute=True):
        result = daily_bonus_claim(player=player)
    assert result.amount == int(base * Decimal("1.25"))
    client.force_login(player)
    assert b'data-testid="vip-bonus"' in client.get("/wallet/").content


# --- pages ------------------------------------------------------------------------------


def test_missions_page_lists_and_claims(client, player, django_capture_on_commit_callbacks):
    client.force_login(player)
    page = client.get("/missions/")
    assert page.status_code == 200
    assert b"Play one round" in page.content
    round_action(django_capture_on_commit_callbacks, player, wager=0)
    target = mission_id(player, "play-1")
    balance = player_balance(player=player)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/missions/{target}/claim/", {"next": "/"}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert "Mission reward claimed: 40 coins and 10 XP." in [
        str(m) for m in response.context["messages"]
    ]
    assert player_balance(player=player) == balance + 40


def test_missions_page_refuses_a_second_claim_with_a_message(
    client, player, django_capture_on_commit_callbacks
):
    client.force_login(player)
    round_action(django_capture_on_commit_callbacks, player, wager=0)
    target = mission_id(player, "play-1")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/missions/{target}/claim/")
    before = ledger_snapshot()

    response = client.post(
        f"/missions/{target}/claim/", {"next": "https://evil.example/"}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/missions/"
    assert "You already claimed that reward." in [str(m) for m in response.context["messages"]]
    assert ledger_snapshot() == before


def test_home_dashboard_shows_missions_streak_and_level(client, player):
    client.force_login(player)
    page = client.get("/")
    assert b'data-testid="dashboard"' in page.content
    assert b'data-testid="streak"' in page.content
    assert b'data-testid="level-bar"' in page.content
    assert b"Play one round" in page.content


def test_banner_shows_an_active_event_on_every_page(client, player):
    client.force_login(player)
    now = timezone.now()
    Event.objects.create(
        name="Double XP weekend",
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=2),
        xp_multiplier=Decimal("2.00"),
    )
    for url in ("/", "/wallet/", "/missions/", "/profile/"):
        page = client.get(url).content.decode()
        assert "Double XP weekend" in page, url
        assert "data-countdown" in page
        assert "economy/events.js" in page


# --- admin --------------------------------------------------------------------------------


def event_form(**overrides) -> dict:
    now = timezone.localtime()
    data = {
        "name": "Bad event",
        "description": "",
        "starts_at_0": now.strftime("%Y-%m-%d"),
        "starts_at_1": now.strftime("%H:%M:%S"),
        "ends_at_0": (now + timedelta(days=1)).strftime("%Y-%m-%d"),
        "ends_at_1": now.strftime("%H:%M:%S"),
        "xp_multiplier": "2.00",
        "mission_reward_multiplier": "1.00",
        "shop_discount_percent": "0",
    }
    data.update(overrides)
    return data


def test_moderator_schedules_an_event(client, moderator):
    client.force_login(moderator)
    response = client.post("/admin/economy/event/add/", event_form(name="Good event"))
    assert response.status_code == 302
    assert Event.objects.get().created_by == moderator


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at_0": "2000-01-01"}, "ends_at"),
        ({"xp_multiplier": "9.00"}, "xp_multiplier"),
        ({"mission_reward_multiplier": "0.50"}, "mission_reward_multiplier"),
        ({"shop_discount_percent": "95"}, "shop_discount_percent"),
        ({"starts_at_0": "not a date"}, "starts_at"),
    ],
)
def test_admin_refuses_bad_event_input(client, moderator, overrides, field):
    client.force_login(moderator)
    response = client.post("/admin/economy/event/add/", event_form(**overrides))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Event.objects.exists()


def test_admin_refuses_a_template_without_reward(client, moderator):
    client.force_login(moderator)
    count = MissionTemplate.objects.count()
    response = client.post(
        "/admin/economy/missiontemplate/add/",
        {
            "code": "nothing",
            "title": "Nothing",
            "type": "PLAY_ROUNDS",
            "target": "3",
            "period": "DAILY",
            "reward_coins": "0",
            "reward_xp": "0",
            "position": "0",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert MissionTemplate.objects.count() == count
