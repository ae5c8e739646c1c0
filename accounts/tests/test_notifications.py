from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts import notifications
from accounts.models import Action, Broadcast, Notification, NotificationKind
from accounts.notifications import NotAllowed, notification_send

pytestmark = pytest.mark.django_db


def send(player, **overrides):
    return notification_send(
        player=player,
        kind=overrides.pop("kind", NotificationKind.MISSION_COMPLETED),
        title=overrides.pop("title", "Mission done"),
        **overrides,
    )


def test_notification_is_listed_with_unread_count(player_client, player):
    send(player, title="First")
    send(player, title="Second")

    response = player_client.get("/api/notifications/")

    assert response.status_code == 200
    body = response.json()
    assert [item["title"] for item in body["results"]] == ["Second", "First"]
    assert body["unread"] == 2
    assert body["results"][0]["read"] is False


def test_scheduled_notification_appears_only_at_its_time(player_client, player):
    later = timezone.now() + timedelta(hours=2)
    send(player, title="Later", deliver_at=later)

    assert player_client.get("/api/notifications/").json()["results"] == []
    assert notifications.notifications_deliver_due(now=later - timedelta(minutes=1)) == 0

    assert notifications.notifications_deliver_due(now=later) == 1
    assert [n["title"] for n in player_client.get("/api/notifications/").json()["results"]] == [
        "Later"
    ]
    # Delivered once: a second run finds nothing.
    assert notifications.notifications_deliver_due(now=later + timedelta(hours=1)) == 0


def test_mark_read_and_read_all(player_client, player):
    first = send(player, title="One")
    send(player, title="Two")

    response = player_client.post(f"/api/notifications/{first.pk}/read")
    assert response.status_code == 200
    assert response.json()["read"] is True
    assert player_client.get("/api/notifications/").json()["unread"] == 1

    assert player_client.post("/api/notifications/read-all").json() == {"marked": 1}
    assert player_client.get("/api/notifications/").json()["unread"] == 0


def test_reading_another_players_notification_is_not_found(player_client, other_player):
    theirs = send(other_player, title="Bob's")

    response = player_client.post(f"/api/notifications/{theirs.pk}/read")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_muted_kind_is_not_created_but_moderator_messages_always_are(player):
    notifications.preferences_update(
        player=player,
        muted_kinds=[NotificationKind.MISSION_COMPLETED],
        email_enabled=False,
        quiet_start=None,
        quiet_end=None,
    )

    assert send(player) is None
    assert send(player, kind=NotificationKind.MODERATOR_MESSAGE) is not None
    assert Notification.objects.filter(player=player).count() == 1


def test_preferences_api_validates_and_changes_nothing_on_error(player_client, player):
    good = {
        "muted_kinds": ["LEVEL_UP"],
        "email_enabled": True,
        "quiet_hours": {"start": "22:00", "end": "07:30"},
    }
    assert (
        player_client.put("/api/notifications/preferences", good, format="json").status_code == 200
    )

    for bad in (
        {**good, "muted_kinds": ["NOT_A_KIND"]},
        {**good, "muted_kinds": ["MODERATOR_MESSAGE"]},
        {**good, "quiet_hours": {"start": "22:00"}},
        {**good, "email_enabled": "sometimes"},
        {**good, "email_enabled": 1},
        {**good, "quiet_hours": {"start": "25:00", "end": "07:00"}},
        {**good, "marketing_opt_in": "yes"},
    ):
        response = player_client.put("/api/notifications/preferences", bad, format="json")
        assert response.status_code == 400, bad
        assert response.json()["error"]["code"] == "invalid"

    assert player_client.get("/api/notifications/preferences").json() == {
        "muted_kinds": ["LEVEL_UP"],
        "email_enabled": True,
        "quiet_hours": {"start": "22:00", "end": "07:30"},
        "marketing_opt_in": False,
        "marketing_asked": False,
    }


def test_email_goes_only_to_players_who_opted_in(
    player, other_player, django_capture_on_commit_callbacks
):
    notifications.preferences_update(
        player=player, muted_kinds=[], email_enabled=True, quiet_start=None, quiet_end=None
    )

    with django_capture_on_commit_callbacks(execute=True):
        send(player, title="For Alice")
        send(other_player, title="For Bob")

    assert [message.to for message in mail.outbox] == [[player.email]]


def test_email_is_sent_once_after_commit(player, django_capture_on_commit_callbacks):
    notifications.preferences_update(
        player=player, muted_kinds=[], email_enabled=True, quiet_start=None, quiet_end=None
    )

    with django_capture_on_commit_callbacks(execute=True):
        note = send(player, title="Level 5!")

    assert [message.to for message in mail.outbox] == [[player.email]]
    assert "Level 5!" in mail.outbox[0].subject
    assert notifications.notification_email(notification_id=note.pk) is False
    assert len(mail.outbox) == 1


def test_quiet_hours_span_midnight_in_the_players_zone(player):
    player.time_zone = "Asia/Seoul"
    preference = notifications.preferences_update(
        player=player,
        muted_kinds=[],
        email_enabled=False,
        quiet_start=time(22, 0),
        quiet_end=time(7, 0),
    )
    # 23:30 in Seoul is 14:30 UTC; 12:00 in Seoul is 03:00 UTC.
    at = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)
    noon = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)

    assert notifications.in_quiet_hours(player=player, preference=preference, now=at)
    assert not notifications.in_quiet_hours(player=player, preference=preference, now=noon)


def make_action(player, at):
    return Action.objects.create(player=player, type="ROUND_PLAYED", created_at=at)


def test_inactivity_reminder_goes_once_per_period_and_not_in_quiet_hours(make_player):
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    away = make_player("Away")
    active = make_player("Active")
    never = make_player("Never")
    sleeping = make_player("Sleeping")
    Action.objects.all().delete()
    make_action(away, now - timedelta(days=5))
    make_action(active, now - timedelta(hours=3))
    make_action(sleeping, now - timedelta(days=5))
    for opted_in in (away, active, never):
        notifications.marketing_answer(player=opted_in, opt_in=True)
    notifications.preferences_update(
        player=sleeping,
        muted_kinds=[],
        email_enabled=False,
        quiet_start=time(11, 0),
        quiet_end=time(13, 0),
        marketing_opt_in=True,
    )

    assert notifications.inactivity_reminders_send(now=now, days=3) == 1
    reminded = Notification.objects.filter(kind=NotificationKind.INACTIVITY_REMINDER)
    assert [n.player.nickname for n in reminded] == ["Away"]

    # An hour later: Away was reminded this period; Sleeping's quiet hours are over.
    assert notifications.inactivity_reminders_send(now=now + timedelta(hours=1), days=3) == 1
    assert sorted(n.player.nickname for n in reminded.all()) == ["Away", "Sleeping"]


def test_player_cannot_schedule_messages(player_client, other_player):
    response = player_client.post(
        "/api/notification", {"audience": "EVERYONE", "title": "Free coins!"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert Broadcast.objects.count() == 0
    with pytest.raises(NotAllowed):
        notifications.broadcast_schedule(author=other_player, audience="EVERYONE", title="Nope")


def test_moderator_schedules_for_one_player_and_for_everyone(
    api_client, moderator, player, other_player
):
    api_client.force_login(moderator)
    send_at = timezone.now() + timedelta(minutes=10)

    one = api_client.post(
        "/api/notification",
        {"audience": "PLAYER", "player": "alice", "title": "Hi Alice", "send_at": send_at},
        format="json",
    )
    everyone = api_client.post(
        "/api/notification",
        {"audience": "EVERYONE", "title": "Maintenance tonight", "send_at": send_at},
        format="json",
    )
    assert one.status_code == 201 and everyone.status_code == 201

    assert Notification.objects.count() == 0
    assert notifications.broadcasts_send_due(now=send_at) == 2
    assert notifications.broadcasts_send_due(now=send_at) == 0
    titles = dict(
        Notification.objects.filter(player=player).values_list("title", "kind").order_by("title")
    )
    assert titles == {"Hi Alice": "MODERATOR_MESSAGE", "Maintenance tonight": "MODERATOR_MESSAGE"}
    assert list(
        Notification.objects.filter(player=other_player).values_list("title", flat=True)
    ) == ["Maintenance tonight"]
    assert Broadcast.objects.get(title="Maintenance tonight").recipients == 3


def test_unknown_player_and_missing_player_are_rejected(api_client, moderator):
    api_client.force_login(moderator)

    unknown = api_client.post(
        "/api/notification", {"audience": "PLAYER", "player": "nobody", "title": "x"}, format="json"
    )
    missing = api_client.post(
        "/api/notification", {"audience": "PLAYER", "title": "x"}, format="json"
    )

    assert unknown.status_code == 404
    assert missing.status_code == 400
    assert missing.json()["error"]["fields"] == {
        "player": ["Name the player for a one-player message."]
    }
    assert Broadcast.objects.count() == 0


def test_notifications_page_lists_marks_and_saves_preferences(client, player):
    client.force_login(player)
    note = send(player, title="Page test")

    page = client.get("/notifications/")
    assert page.status_code == 200
    assert b"Page test" in page.content
    assert b"data-unread-count" in page.content

    client.post("/notifications/", {"action": "read", "id": note.pk})
    note.refresh_from_db()
    assert note.read_at is not None

    bad = client.post(
        "/notifications/", {"action": "preferences", "quiet_start": "22:00", "quiet_end": ""}
    )
    assert bad.status_code == 200
    assert b"Give both the start and the end" in bad.content
    assert notifications.preference_get(player=player).pk is None
    good = client.post(
        "/notifications/",
        {"action": "preferences", "muted_kinds": ["LEVEL_UP"], "email_enabled": "on"},
        follow=True,
    )
    assert b"settings are saved" in good.content
    fresh = type(player).objects.get(pk=player.pk)
    assert notifications.preference_get(player=fresh).muted_kinds == ["LEVEL_UP"]
