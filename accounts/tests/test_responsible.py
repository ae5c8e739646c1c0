"""Responsible play in accounts: limits, reality checks, breaks, and their API.

Alice (``player``) sets her own limits; Maude (``moderator``) can look but not
shorten. Time moves by passing ``at=`` to the services.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from accounts import responsible, responsible_settings
from accounts.action_types import ActionType
from accounts.actions import action_record
from accounts.models import Action, Notification, NotificationKind, PlayDay, PlaySettings
from accounts.notifications import (
    inactivity_reminders_send,
    marketing_answer,
    notification_send,
)

pytestmark = pytest.mark.django_db


def limits(client, **body):
    return client.put("/api/users/me/limits", body, format="json")


def test_a_new_player_has_no_limits_and_a_60_minute_reality_check(player_client):
    body = player_client.get("/api/users/me/limits").json()

    assert body["daily_wager_limit"] is None
    assert body["daily_minutes_limit"] is None
    assert body["reality_check_minutes"] == 60
    assert body["exclusion"] is None and body["blocked"] is None
    assert body["today"]["wagered"] == 0


def test_lowering_a_limit_takes_effect_at_once(player_client, player):
    assert limits(player_client, daily_wager_limit=500).status_code == 200
    response = limits(player_client, daily_wager_limit=200, daily_minutes_limit=30)

    body = response.json()
    assert response.status_code == 200
    assert body["daily_wager_limit"] == 200 and body["daily_minutes_limit"] == 30
    assert body["pending"] == {"daily_wager_limit": None, "daily_minutes_limit": None}


def test_raising_or_removing_a_limit_waits_24_hours(player):
    start = timezone.now()
    responsible_settings.limits_update(player=player, wager_limit=100, minutes_limit=60, at=start)
    row = responsible_settings.limits_update(
        player=player, wager_limit=1000, minutes_limit=None, at=start
    )

    assert row.wager_limit == 100 and row.wager_pending == 1000
    assert row.minutes_limit == 60 and row.minutes_pending_set and row.minutes_pending is None
    assert row.wager_pending_at == start + timedelta(hours=24)
    almost = responsible.play_status(player=player, at=start + timedelta(hours=23, minutes=59))
    assert almost.settings.wager_limit == 100
    later = responsible.play_status(player=player, at=start + timedelta(hours=24))
    assert later.settings.wager_limit == 1000 and later.settings.minutes_limit is None
    responsible.play_round(player=player, stake=1, at=start + timedelta(hours=24))
    assert PlaySettings.objects.get(player=player).wager_limit == 1000


def test_the_pending_raise_is_shown_and_lowering_again_cancels_it(player_client):
    limits(player_client, daily_wager_limit=100)
    pending = limits(player_client, daily_wager_limit=900).json()["pending"]["daily_wager_limit"]
    assert pending["value"] == 900 and pending["effective_at"]

    body = limits(player_client, daily_wager_limit=50).json()
    assert body["daily_wager_limit"] == 50 and body["pending"]["daily_wager_limit"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"daily_wager_limit": -1},
        {"daily_wager_limit": 0},
        {"daily_wager_limit": 10**9 + 1},
        {"daily_wager_limit": 1.5},
        {"daily_wager_limit": "100"},
        {"daily_wager_limit": True},
        {"daily_minutes_limit": 0},
        {"daily_minutes_limit": 24 * 60 + 1},
        {"daily_minutes_limit": [30]},
        {"reality_check_minutes": 0},
        {"reality_check_minutes": 61},
        {"reality_check_minutes": None},
        {"daily_wager_limit": 100, "reality_check_minutes": 7},
        {"daily_wager_limit": 100, "daily_minutes_limit": -5},
        {"surprise": 1},
    ],
)
def test_bad_limits_answer_400_and_change_nothing(player_client, player, body):
    limits(player_client, daily_wager_limit=300, daily_minutes_limit=90)
    before = player_client.get("/api/users/me/limits").json()

    response = limits(player_client, **body)

    assert response.status_code == 400
    assert "error" in response.json()
    assert player_client.get("/api/users/me/limits").json() == before


def test_a_body_that_is_not_an_object_is_refused(player_client):
    response = player_client.put("/api/users/me/limits", [1, 2], format="json")

    assert response.status_code == 400


def test_the_reality_check_interval_is_the_players_choice(player_client):
    body = limits(player_client, reality_check_minutes=15).json()

    assert body["reality_check_minutes"] == 15


def test_the_session_counts_play_and_restarts_after_30_idle_minutes(player):
    start = timezone.now()
    responsible.play_round(player=player, stake=10, payout=0, at=start)
    responsible.play_round(player=player, stake=10, payout=25, at=start + timedelta(minutes=10))
    status = responsible.play_status(player=player, at=start + timedelta(minutes=11))

    assert status.session_active
    assert status.settings.session_seconds == 600
    assert status.settings.session_net == 5
    assert status.settings.session_rounds == 2
    assert status.next_reality_check_at == start + timedelta(minutes=60)
    assert status.today.wagered == 20 and status.today.rounds == 2

    responsible.play_round(player=player, stake=5, at=start + timedelta(minutes=45))
    row = PlaySettings.objects.get(player=player)
    assert row.session_started_at == start + timedelta(minutes=45)
    assert row.session_seconds == 0 and row.session_net == -5


def test_session_endpoint_and_reality_check_acknowledgement(player_client, player):
    responsible.play_round(player=player, stake=10, at=timezone.now() - timedelta(minutes=20))
    responsible.play_round(player=player, stake=10, payout=4)
    responsible_settings.reality_check_set(player=player, minutes=15)

    body = player_client.get("/api/users/me/session").json()

    assert body["active"] is True
    assert body["minutes_played"] == 20
    assert body["net_coins"] == -16
    assert body["reality_check_minutes"] == 15
    assert body["reality_check_due"] is True

    acked = player_client.post("/api/users/me/session/reality-check").json()
    assert acked["reality_check_due"] is False


def test_days_are_the_players_local_days(make_player):
    seoul = make_player("Seo")
    seoul.time_zone = "Asia/Seoul"
    seoul.save(update_fields=["time_zone"])
    at = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)  # 01:00 on 2 March in Seoul
    responsible.play_round(player=seoul, stake=10, at=at)

    assert PlayDay.objects.get(player=seoul).day.isoformat() == "2026-03-02"


def test_a_wager_over_the_daily_limit_is_refused(player):
    responsible_settings.limits_update(player=player, wager_limit=100)
    responsible.play_round(player=player, stake=60)

    with pytest.raises(responsible.DailyWagerLimit) as raised:
        responsible.play_round(player=player, stake=41)
    assert raised.value.status == 403


def test_the_time_limit_stops_play_until_the_next_local_day(player):
    day = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    responsible_settings.limits_update(player=player, minutes_limit=10, at=day)
    responsible.play_round(player=player, stake=1, at=day)
    responsible.play_round(player=player, stake=1, at=day + timedelta(minutes=9))

    with pytest.raises(responsible.DailyTimeLimit):
        responsible.play_round(player=player, stake=1, at=day + timedelta(minutes=11))
    status = responsible.play_status(player=player, at=day + timedelta(minutes=12))
    assert status.blocked.code == "daily_time_limit"
    assert status.today.seconds == 9 * 60  # the refused attempt counted nothing
    responsible.play_round(player=player, stake=1, at=day + timedelta(days=1))


@pytest.mark.parametrize(
    "body",
    [
        {"duration": "24h"},
        {"duration": "24h", "confirm": "yes"},
        {"duration": "12h", "confirm": True},
        {"duration": "6m", "confirm": True},
        {"kind": "self_exclusion", "duration": "7d", "confirm": True},
        {"kind": "forever", "duration": "permanent", "confirm": True},
        {"duration": 24, "confirm": True},
        {"duration": "24h", "confirm": True, "until": "2030-01-01"},
    ],
)
def test_bad_cool_off_requests_answer_400_and_change_nothing(player_client, player, body):
    response = player_client.post("/api/users/me/cool-off", body, format="json")

    assert response.status_code == 400
    assert not PlaySettings.objects.filter(player=player).exclude(exclusion_kind="").exists()


def test_a_cool_off_stops_play_and_ends_by_itself(player_client, player):
    response = player_client.post(
        "/api/users/me/cool-off", {"duration": "7d", "confirm": True}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["exclusion"]["kind"] == "cool_off"
    assert response.json()["blocked"] == "cool_off"
    with pytest.raises(responsible.CoolingOff):
        responsible.play_round(player=player, stake=1)
    later = timezone.now() + timedelta(days=7, minutes=1)
    responsible.play_round(player=player, stake=1, at=later)


def test_a_break_can_grow_but_never_shrink(player_client, player):
    responsible_settings.exclusion_start(
        player=player, kind="cool_off", duration="30d", confirm=True
    )

    shorter = player_client.post(
        "/api/users/me/cool-off", {"duration": "24h", "confirm": True}, format="json"
    )
    assert shorter.status_code == 409
    assert shorter.json()["error"]["code"] == "exclusion_active"
    longer = player_client.post(
        "/api/users/me/cool-off",
        {"kind": "self_exclusion", "duration": "permanent", "confirm": True},
        format="json",
    )
    assert longer.status_code == 200
    assert longer.json()["exclusion"]["permanent"] is True
    weaker = player_client.post(
        "/api/users/me/cool-off", {"duration": "6w", "confirm": True}, format="json"
    )
    assert weaker.status_code == 409
    with pytest.raises(responsible.SelfExcluded):
        responsible.play_round(player=player, stake=1, at=timezone.now() + timedelta(days=3650))


def test_no_marketing_or_reminders_during_a_break(player):
    marketing_answer(player=player, opt_in=True)
    responsible_settings.exclusion_start(
        player=player, kind="self_exclusion", duration="6m", confirm=True
    )

    assert notification_send(player=player, kind=NotificationKind.EVENT_STARTED, title="x") is None
    assert (
        notification_send(player=player, kind=NotificationKind.INACTIVITY_REMINDER, title="x")
        is None
    )
    # Messages that are not marketing still arrive.
    assert notification_send(player=player, kind=NotificationKind.MODERATOR_MESSAGE, title="x")


def test_inactivity_reminders_skip_excluded_players(player, other_player):
    for someone in (player, other_player):
        marketing_answer(player=someone, opt_in=True)
    responsible_settings.exclusion_start(
        player=player, kind="cool_off", duration="6w", confirm=True
    )
    long_ago = timezone.now() - timedelta(days=30)
    for someone in (player, other_player):
        action_record(player=someone, type=ActionType.PAGE_VIEW_SHOP, value=0, metadata={})
    Action.objects.update(created_at=long_ago)

    inactivity_reminders_send()

    reminded = set(
        Notification.objects.filter(kind=NotificationKind.INACTIVITY_REMINDER).values_list(
            "player_id", flat=True
        )
    )
    assert player.pk not in reminded
    assert other_player.pk in reminded
