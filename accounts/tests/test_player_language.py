"""A player's language: stored, chosen on the profile, the switcher or the API,
and used for their pages, for what the worker writes to them and for API errors.

The rule for API requests: an app client (bearer token) is answered in its
``Accept-Language``; a session request of a player who chose a language is
answered in that language, whatever the browser asks for.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from accounts import notifications
from accounts.models import Action, Notification, NotificationKind, User
from accounts.tasks import email_notification, inactivity_reminders

pytestmark = pytest.mark.django_db

REMINDER_EN = "Your daily bonus is waiting"
REMINDER_KO = "일일 보너스가 기다리고 있어요"


def away_and_opted_in(player) -> None:
    Action.objects.filter(player=player).update(created_at=timezone.now() - timedelta(days=7))
    notifications.marketing_answer(player=player, opt_in=True)


def test_the_workers_reminder_is_written_in_each_players_language(make_player):
    korean = make_player("Jiwoo", language="ko")
    english = make_player("Emma", language="en")
    undecided = make_player("Noor")
    for player in (korean, english, undecided):
        away_and_opted_in(player)

    # The worker's own language must not leak into what players read.
    with translation.override("ko"):
        sent = inactivity_reminders()
    assert sent == 3

    titles = dict(
        Notification.objects.filter(kind=NotificationKind.INACTIVITY_REMINDER).values_list(
            "player__nickname", "title"
        )
    )
    assert titles == {"Jiwoo": REMINDER_KO, "Emma": REMINDER_EN, "Noor": REMINDER_EN}
    body = Notification.objects.get(player=korean).body
    assert body.startswith("들러서 무료 일일 코인을")
    assert "daily coins" not in body


def test_the_email_is_written_in_the_players_language(make_player):
    korean = make_player("Jiwoo", language="ko")
    notifications.preferences_update(
        player=korean, muted_kinds=[], email_enabled=True, quiet_start=None, quiet_end=None
    )
    with translation.override("ko"):
        notification = notifications.notification_send(
            player=korean, kind=NotificationKind.LEVEL_UP, title="레벨 2에 도달했어요"
        )
    mail.outbox.clear()

    assert email_notification(notification.pk) is True

    assert [message.subject for message in mail.outbox] == ["Casino Club: 레벨 2에 도달했어요"]


def test_signup_stores_the_language_of_the_page(client):
    client.cookies["django_language"] = "ko"
    response = client.post(
        "/accounts/signup/",
        {
            "email": "jiwoo@example.com",
            "password1": "an unguessable passphrase 42",
            "nickname": "Jiwoo",
            "date_of_birth": "1990-01-01",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(nickname="Jiwoo").language == "ko"


def test_changing_the_language_on_the_profile_persists_and_changes_the_next_page(client, player):
    client.force_login(player)
    page = client.get("/profile/")
    assert b'name="language"' in page.content

    response = client.post(
        "/profile/",
        {
            "nickname": player.nickname,
            "time_zone": "UTC",
            "language": "ko",
            "show_on_leaderboards": "on",
        },
    )

    assert response.status_code == 302
    player.refresh_from_db()
    assert player.language == "ko"
    # No cookie, and the browser asks for English: the stored choice wins.
    html = client.get("/wallet/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ko">' in html
    assert "내 지갑" in html


def test_a_profile_form_without_the_field_keeps_the_choice(client, make_player):
    player = make_player("Jiwoo", language="ko")
    client.force_login(player)

    client.post("/profile/", {"nickname": "Jiwoo2", "time_zone": "UTC"})

    player.refresh_from_db()
    assert (player.nickname, player.language) == ("Jiwoo2", "ko")


def test_the_header_switcher_saves_a_signed_in_players_choice(client, player):
    client.force_login(player)

    response = client.post("/i18n/setlang/", {"language": "ko", "next": "/wallet/"})

    assert response.status_code == 302
    player.refresh_from_db()
    assert player.language == "ko"
    assert '<html lang="ko">' in client.get("/wallet/").content.decode()

    client.post("/i18n/setlang/", {"language": "en", "next": "/wallet/"})
    player.refresh_from_db()
    assert player.language == "en"
    assert '<html lang="en">' in client.get("/wallet/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()


def test_the_switcher_only_sets_the_cookie_when_signed_out(client):
    response = client.post("/i18n/setlang/", {"language": "ko", "next": "/"})

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "ko"
    assert not User.objects.exclude(language="").exists()


def test_a_player_who_never_chose_follows_the_browser(client, player):
    client.force_login(player)

    assert '<html lang="ko">' in client.get("/wallet/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert '<html lang="en">' in client.get("/wallet/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_api_reads_and_changes_the_language(player_client, player):
    assert player_client.get("/api/users/me").json()["language"] == ""

    response = player_client.patch("/api/users/me", {"language": "ko"}, format="json")

    assert response.status_code == 200
    assert response.json()["language"] == "ko"
    player.refresh_from_db()
    assert player.language == "ko"


def test_the_api_refuses_an_unknown_language(player_client, player):
    response = player_client.patch("/api/users/me", {"language": "fr"}, format="json")

    assert response.status_code == 400
    assert "language" in response.json()["error"]["fields"]
    player.refresh_from_db()
    assert player.language == ""


def test_accept_language_ko_gives_a_korean_api_error(api_client, player):
    api_client.force_authenticate(player)

    response = api_client.post(
        "/api/games/rps/play", {"bet": 5, "move": "rock"}, format="json", HTTP_ACCEPT_LANGUAGE="ko"
    )

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "bet 값은 10에서 1000 사이여야 해요."
    english = api_client.post(
        "/api/games/rps/play", {"bet": 5, "move": "rock"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json()["error"]["message"] == "bet must be between 10 and 1000."


def test_not_enough_coins_is_korean_for_a_korean_request(api_client, make_player, no_signup_grant):
    broke = make_player("Broke")
    api_client.force_authenticate(broke)

    response = api_client.post(
        "/api/games/rps/play",
        {"bet": 10, "move": "rock"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ko",
    )

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "insufficient_coins"
    assert error["message"] == "코인이 부족해요. 10 코인이 필요한데 잔액은 0 코인이에요."


def test_a_session_players_stored_language_wins_over_accept_language(client, make_player):
    player = make_player("Jiwoo", language="ko")
    client.force_login(player)

    response = client.get("/api/games/rounds/999999", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "그런 판이 없어요."


def test_the_password_reset_email_is_in_the_players_language(client, make_player):
    make_player("Jiwoo", language="ko")
    mail.outbox.clear()

    response = client.post(
        "/accounts/password/reset/", {"email": "jiwoo@example.com"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 302
    (message,) = mail.outbox
    assert "비밀번호" in message.subject


def test_the_game_catalogue_names_follow_accept_language(api_client, player):
    api_client.force_authenticate(player)

    korean = api_client.get("/api/games/", HTTP_ACCEPT_LANGUAGE="ko").json()
    english = api_client.get("/api/games/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert {game["slug"]: game["name"] for game in korean}["slots"] == "슬롯"
    assert {game["slug"]: game["name"] for game in english}["slots"] == "Slots"
