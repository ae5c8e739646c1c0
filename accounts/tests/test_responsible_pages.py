"""The responsible-play pages: settings forms and activity (Alice, ``player``)."""

from __future__ import annotations

import pytest

from accounts import responsible
from accounts.models import PlaySettings

pytestmark = pytest.mark.django_db


def test_profile_and_footer_link_the_settings_page(alice_client):
    page = alice_client.get("/profile/").content.decode()

    assert 'data-testid="profile-responsible-play"' in page
    assert 'data-testid="footer-responsible-play"' in page


def test_limits_are_saved_from_the_form(alice_client, player):
    response = alice_client.post(
        "/profile/responsible-play/",
        {
            "action": "limits",
            "daily_wager_limit": "200",
            "daily_minutes_limit": "",
            "reality_check_minutes": "30",
        },
    )

    assert response.status_code == 302
    row = PlaySettings.objects.get(player=player)
    assert (row.wager_limit, row.minutes_limit, row.reality_check_minutes) == (200, None, 30)


@pytest.mark.parametrize("value", ["-5", "0", "1.5", "abc", "1000000001"])
def test_a_bad_limit_in_the_form_saves_nothing(alice_client, player, value):
    alice_client.post(
        "/profile/responsible-play/",
        {"action": "limits", "daily_wager_limit": value, "reality_check_minutes": "30"},
    )

    row = PlaySettings.objects.filter(player=player).first()
    assert row is None or (row.wager_limit is None and row.reality_check_minutes == 60)


def test_a_break_needs_the_confirmation_box(alice_client, player):
    alice_client.post(
        "/profile/responsible-play/", {"action": "exclusion", "kind": "cool_off", "duration": "7d"}
    )
    assert responsible.play_status(player=player).blocked is None

    alice_client.post(
        "/profile/responsible-play/",
        {"action": "exclusion", "kind": "cool_off", "duration": "7d", "confirm": "yes"},
    )
    assert responsible.play_status(player=player).blocked.code == "cool_off"
    page = alice_client.get("/profile/responsible-play/").content.decode()
    assert 'data-testid="exclusion-state"' in page


def test_an_excluded_player_can_still_see_their_history_and_data(alice_client, player):
    alice_client.post(
        "/profile/responsible-play/",
        {
            "action": "exclusion",
            "kind": "self_exclusion",
            "duration": "permanent",
            "confirm": "yes",
        },
    )

    for path in ("/profile/", "/profile/activity/", "/notifications/", "/api/users/me"):
        assert alice_client.get(path).status_code == 200, path


def test_the_activity_page_shows_days_and_the_plain_statements(alice_client, player):
    responsible.play_round(player=player, stake=30, payout=10)

    page = alice_client.get("/profile/activity/").content.decode()

    assert 'data-testid="activity-days"' in page and 'data-testid="activity-weeks"' in page
    assert "-20" in page
    assert "no cash value" in page
    assert "Every round is independent" in page


def test_the_pages_are_in_korean(alice_client, player):
    page = alice_client.get("/profile/activity/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    settings_page = alice_client.get(
        "/profile/responsible-play/", HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()

    assert "현금 가치" in page
    assert "책임감 있는 플레이" in settings_page
