"""Re-engagement and marketing notifications are opt-in: asked once after
signup, plainly; changeable in the settings page and the API; the inactivity
reminder and event news go only to players who said yes, while service
notifications (rewards, missions, moderators) keep arriving."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accounts import notifications
from accounts.models import Action, Notification, NotificationKind, NotificationPreference

pytestmark = pytest.mark.django_db

QUESTION = "/welcome/reminders/"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def away_for_a_week(player) -> None:
    Action.objects.filter(player=player).update(created_at=NOW - timedelta(days=7))


def opted_in(player) -> bool:
    return NotificationPreference.objects.get(player=player).marketing_opt_in


def reminders_sent() -> int:
    return notifications.inactivity_reminders_send(now=NOW, days=3)


def test_a_new_player_gets_no_inactivity_reminder(player):
    away_for_a_week(player)

    assert reminders_sent() == 0
    assert not Notification.objects.exists()


def test_after_opting_in_on_the_question_page_they_do(client, player):
    away_for_a_week(player)
    client.force_login(player)

    client.get(QUESTION)
    answered = client.post(QUESTION, {"answer": "yes"}, follow=True)

    assert b"We will send you reminders and news." in answered.content
    assert reminders_sent() == 1
    reminder = Notification.objects.get()
    assert (reminder.player, reminder.kind) == (player, NotificationKind.INACTIVITY_REMINDER)


def test_saying_no_keeps_reminders_off(client, player):
    away_for_a_week(player)
    client.force_login(player)

    client.post(QUESTION, {"answer": "no"})

    preference = NotificationPreference.objects.get(player=player)
    assert (preference.marketing_opt_in, preference.marketing_asked_at is not None) == (False, True)
    assert reminders_sent() == 0


def test_the_question_follows_signup_and_is_shown_once(client):
    signed_up = client.post(
        "/accounts/signup/",
        {
            "email": "gil@example.com",
            "password1": "an unguessable passphrase 42",
            "nickname": "Gil",
            "date_of_birth": "1990-01-01",
        },
    )
    assert signed_up["Location"] == QUESTION

    first = client.get(QUESTION)
    assert first.status_code == 200
    assert b'data-testid="reminders-question"' in first.content
    assert b'name="answer" value="yes"' in first.content
    assert b'name="answer" value="no"' in first.content

    again = client.get(QUESTION)
    assert again.status_code == 302
    assert again["Location"] == "/"
    preference = NotificationPreference.objects.get(player__nickname="Gil")
    assert preference.marketing_opt_in is False  # not answering is "no"


def test_a_later_login_does_not_ask_again(client, player):
    client.force_login(player)
    client.get(QUESTION)
    client.logout()

    login = client.post(
        "/accounts/login/", {"login": player.email, "password": "correct horse battery staple"}
    )

    assert login["Location"] == "/"
    assert client.get(QUESTION)["Location"] == "/"


def test_an_unclear_answer_is_refused_and_changes_nothing(client, player):
    client.force_login(player)
    client.get(QUESTION)
    asked = NotificationPreference.objects.get(player=player)

    refused = client.post(QUESTION, {"answer": "maybe"})

    assert refused.status_code == 200
    assert b"Choose yes or no." in refused.content
    after = NotificationPreference.objects.get(player=player)
    assert (after.marketing_opt_in, after.marketing_asked_at) == (False, asked.marketing_asked_at)


def test_the_question_needs_a_signed_in_player_and_stays_on_site(client, player):
    anonymous = client.get(QUESTION)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert not NotificationPreference.objects.exists()

    client.force_login(player)
    answered = client.post(QUESTION, {"answer": "no", "next": "https://evil.example/"})
    assert answered["Location"] == "/"


def test_the_settings_page_changes_the_answer(client, player):
    away_for_a_week(player)
    client.force_login(player)

    page = client.get("/notifications/")
    assert b'name="marketing_opt_in"' in page.content
    client.post("/notifications/", {"action": "preferences", "marketing_opt_in": "on"})
    assert opted_in(player) is True
    assert reminders_sent() == 1
    assert client.get(QUESTION)["Location"] == "/"  # answered there: not asked again

    client.post("/notifications/", {"action": "preferences"})
    assert opted_in(player) is False


def test_the_api_shows_and_changes_the_answer(player_client, player):
    preferences = "/api/notifications/preferences"
    base = {"muted_kinds": [], "email_enabled": False, "quiet_hours": None}
    fresh = player_client.get(preferences).json()
    assert (fresh["marketing_opt_in"], fresh["marketing_asked"]) == (False, False)

    said_yes = player_client.put(preferences, {**base, "marketing_opt_in": True}, format="json")
    assert said_yes.status_code == 200
    assert (said_yes.json()["marketing_opt_in"], said_yes.json()["marketing_asked"]) == (True, True)

    # Omitted means unchanged, so older clients do not opt anyone out (or in).
    unchanged = player_client.put(preferences, base, format="json")
    assert unchanged.json()["marketing_opt_in"] is True

    refused = player_client.put(preferences, {**base, "marketing_opt_in": "yes"}, format="json")
    assert refused.status_code == 400
    assert opted_in(player) is True

    player_client.put(preferences, {**base, "marketing_opt_in": False}, format="json")
    assert opted_in(player) is False


def test_service_notifications_stay_on_without_opting_in(player):
    kept = [
        kind
        for kind in (
            NotificationKind.MISSION_COMPLETED,
            NotificationKind.LEVEL_UP,
            NotificationKind.INVITE_REWARD,
            NotificationKind.PASS_TIER_CLAIMABLE,
            NotificationKind.MODERATOR_MESSAGE,
        )
        if notifications.notification_send(player=player, kind=kind, title="t") is not None
    ]
    dropped = [
        kind
        for kind in (NotificationKind.INACTIVITY_REMINDER, NotificationKind.EVENT_STARTED)
        if notifications.notification_send(player=player, kind=kind, title="t") is None
    ]

    assert len(kept) == 5
    assert dropped == [NotificationKind.INACTIVITY_REMINDER, NotificationKind.EVENT_STARTED]
    assert Notification.objects.filter(player=player).count() == 5


def test_opted_in_players_still_have_quiet_hours_and_mutes(player, other_player):
    for someone in (player, other_player):
        away_for_a_week(someone)
        notifications.marketing_answer(player=someone, opt_in=True)
    notifications.preferences_update(
        player=other_player,
        muted_kinds=[NotificationKind.INACTIVITY_REMINDER],
        email_enabled=False,
        quiet_start=None,
        quiet_end=None,
    )

    assert reminders_sent() == 1
    assert Notification.objects.get().player == player
    assert opted_in(other_player) is True


def test_the_question_is_asked_in_korean(client, player):
    client.force_login(player)

    html = client.get(QUESTION, HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert "알림과 소식을 보내 드려도 될까요?" in html
    assert "네, 보내 주세요" in html
    assert 'href="/notifications/#settings"' in html
    assert "May we send you" not in html


def test_after_the_question_the_player_goes_where_they_were_going(client):
    signed_up = client.post(
        "/accounts/signup/?next=/join/ABCD2345/",
        {
            "email": "hal@example.com",
            "password1": "an unguessable passphrase 42",
            "nickname": "Hal",
            "date_of_birth": "1990-01-01",
        },
    )
    assert signed_up["Location"] == f"{QUESTION}?next=%2Fjoin%2FABCD2345%2F"

    page = client.get(signed_up["Location"])
    assert b'name="next" value="/join/ABCD2345/"' in page.content
    answered = client.post(QUESTION, {"answer": "no", "next": "/join/ABCD2345/"})
    assert answered["Location"] == "/join/ABCD2345/"
