"""Moderators see players read-only and act on them only through audited
actions; only superusers manage staff (issue 9, section 1).

The cast: Maude moderates, Alice and Bob play, Otto owns the site (superuser),
Mira is a second moderator.
"""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import ModeratorAction, Notification, NotificationKind, User
from accounts.moderation import NotAllowed, player_suspend
from tests.support.clients import PASSWORD

pytestmark = pytest.mark.django_db

ACCESS_FIELDS = ["is_superuser", "is_staff", "groups", "user_permissions", "password"]


@pytest.fixture
def owner(db):
    user = User.objects.create_superuser(
        email="otto@example.com", password=PASSWORD, nickname="Otto"
    )
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def other_moderator(make_player):
    user = make_player("Mira", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    TOTP.activate(user, generate_totp_secret())
    return user


def change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def password_url(user: User) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def access_of(user: User) -> tuple:
    user.refresh_from_db()
    return (
        user.is_active,
        user.is_staff,
        user.is_superuser,
        sorted(user.groups.values_list("name", flat=True)),
        sorted(user.user_permissions.values_list("codename", flat=True)),
        user.password,
    )


def test_a_moderators_change_form_has_no_access_or_password_fields(moderator_client, player):
    page = moderator_client.get(change_url(player))

    assert page.status_code == 200
    html = page.content.decode()
    assert player.email in html
    for field in ACCESS_FIELDS:
        assert f'name="{field}"' not in html
        assert f"field-{field}" not in html
    assert "password/" not in html
    assert "Superuser status" not in html
    assert 'name="_save"' not in html  # read-only: nothing to submit


def test_posting_access_fields_to_a_player_changes_nothing(moderator_client, player):
    before = access_of(player)
    group = Group.objects.get(name="Moderators")

    response = moderator_client.post(
        change_url(player),
        {
            "email": player.email,
            "nickname": player.nickname,
            "time_zone": "UTC",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [group.pk],
            "user_permissions": list(Permission.objects.values_list("pk", flat=True)[:5]),
            "password": "pbkdf2_sha256$1$x$y",
        },
    )

    assert response.status_code == 403
    assert access_of(player) == before


def test_a_moderator_cannot_make_themselves_superuser(moderator_client, moderator):
    before = access_of(moderator)

    response = moderator_client.post(
        change_url(moderator),
        {
            "email": moderator.email,
            "nickname": moderator.nickname,
            "time_zone": "UTC",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )

    assert response.status_code == 403
    assert access_of(moderator) == before
    assert not moderator.is_superuser


@pytest.mark.parametrize("whose", ["own", "other moderator", "owner"])
def test_a_moderator_cannot_open_a_staff_accounts_change_or_password_page(
    moderator_client, moderator, other_moderator, owner, whose
):
    target = {"own": moderator, "other moderator": other_moderator, "owner": owner}[whose]
    before = access_of(target)

    for url in (change_url(target), password_url(target)):
        assert moderator_client.get(url).status_code == 403, url
        posted = moderator_client.post(
            url, {"password1": "x9!takeover-pass", "password2": "x9!takeover-pass"}
        )
        assert posted.status_code == 403, url

    assert access_of(target) == before


def test_a_moderator_cannot_open_a_players_password_page(moderator_client, player):
    before = access_of(player)

    assert moderator_client.get(password_url(player)).status_code == 403
    response = moderator_client.post(
        password_url(player), {"password1": "x9!takeover-pass", "password2": "x9!takeover-pass"}
    )

    assert response.status_code == 403
    assert access_of(player) == before


def test_a_moderator_cannot_add_themselves_to_a_group(moderator_client, moderator, owner):
    superusers = Group.objects.create(name="Owners")
    superusers.permissions.set(Permission.objects.all())
    moderators = Group.objects.get(name="Moderators")
    moderator_permissions = set(moderators.permissions.values_list("pk", flat=True))
    before = access_of(moderator)

    through_user = moderator_client.post(
        change_url(moderator),
        {"email": moderator.email, "nickname": moderator.nickname, "groups": [superusers.pk]},
    )
    through_group = moderator_client.post(
        reverse("admin:auth_group_change", args=[moderators.pk]),
        {
            "name": "Moderators",
            "permissions": list(Permission.objects.values_list("pk", flat=True)),
        },
    )
    new_group = moderator_client.post(
        reverse("admin:auth_group_add"),
        {"name": "Mine", "permissions": list(Permission.objects.values_list("pk", flat=True))},
    )

    assert (through_user.status_code, through_group.status_code, new_group.status_code) == (
        403,
        403,
        403,
    )
    assert access_of(moderator) == before
    assert set(moderators.permissions.values_list("pk", flat=True)) == moderator_permissions
    assert not Group.objects.filter(name="Mine").exists()


def test_the_moderators_user_list_shows_players_only(
    moderator_client, player, other_moderator, owner
):
    page = moderator_client.get(reverse("admin:accounts_user_changelist"))

    assert page.status_code == 200
    html = page.content.decode()
    assert player.email in html
    assert other_moderator.email not in html
    assert owner.email not in html
    searched = moderator_client.get(reverse("admin:accounts_user_changelist") + "?q=example.com")
    # "1 result (N total)" would count the staff accounts left out.
    assert searched.status_code == 200
    assert " total</a>" not in searched.content.decode()


def test_a_superuser_manages_staff(client, owner, moderator):
    client.force_login(owner)

    form = client.get(change_url(moderator))
    password_page = client.get(password_url(moderator))
    assert form.status_code == 200
    assert 'name="is_superuser"' in form.content.decode()
    assert password_page.status_code == 200

    response = client.post(
        change_url(moderator),
        {
            "email": moderator.email,
            "nickname": moderator.nickname,
            # An active non-staff account is a player: it needs a date of birth.
            "date_of_birth": moderator.date_of_birth.isoformat(),
            "time_zone": "UTC",
            "is_active": "on",
            "groups": [],
        },
    )

    assert response.status_code == 302
    moderator.refresh_from_db()
    assert not moderator.is_staff
    assert not moderator.groups.exists()


# --- the purpose-built actions -------------------------------------------------


def run_action(client, action: str, players: list[User], **data):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": action, "_selected_action": [p.pk for p in players], **data},
    )


def test_a_moderator_suspends_a_player_with_a_reason_and_it_is_logged(
    moderator_client, moderator, player, other_player
):
    confirm = run_action(moderator_client, "suspend_players", [player])
    assert confirm.status_code == 200
    assert "Reason" in confirm.content.decode()
    player.refresh_from_db()
    assert player.is_active

    done = run_action(
        moderator_client, "suspend_players", [player], apply="1", reason="Abusive chat"
    )

    assert done.status_code == 302
    player.refresh_from_db()
    other_player.refresh_from_db()
    assert not player.is_active
    assert other_player.is_active
    entry = ModeratorAction.objects.get()
    assert (entry.actor, entry.target, entry.action, entry.reason) == (
        moderator,
        player,
        "player.suspend",
        "Abusive chat",
    )
    assert entry.created_at is not None


def test_a_suspension_without_a_reason_changes_nothing(moderator_client, player):
    response = run_action(moderator_client, "suspend_players", [player], apply="1", reason="  ")

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    player.refresh_from_db()
    assert player.is_active
    assert not ModeratorAction.objects.exists()


def test_a_suspended_players_session_stops_working(client, moderator, player):
    client.force_login(player)
    assert client.get("/profile/").status_code == 200

    player_suspend(actor=moderator, player=player, reason="Cheating")

    assert client.get("/profile/").status_code == 302


def test_staff_accounts_cannot_be_suspended_through_the_action(
    moderator_client, other_moderator, owner
):
    before = (access_of(other_moderator), access_of(owner))

    response = run_action(
        moderator_client, "suspend_players", [other_moderator, owner], apply="1", reason="Coup"
    )

    assert response.status_code == 302  # nothing selectable: the list holds players only
    assert (access_of(other_moderator), access_of(owner)) == before
    assert not ModeratorAction.objects.exists()


def test_the_suspend_service_refuses_staff_and_non_moderators(moderator, other_moderator, player):
    with pytest.raises(NotAllowed):
        player_suspend(actor=moderator, player=other_moderator, reason="Coup")
    with pytest.raises(NotAllowed):
        player_suspend(actor=player, player=moderator, reason="Revenge")

    other_moderator.refresh_from_db()
    moderator.refresh_from_db()
    assert other_moderator.is_active and moderator.is_active
    assert not ModeratorAction.objects.exists()


def test_a_moderator_reinstates_a_suspended_player(moderator_client, moderator, player):
    player_suspend(actor=moderator, player=player, reason="Cheating")

    response = run_action(
        moderator_client, "reinstate_players", [player], apply="1", reason="Appeal upheld"
    )

    assert response.status_code == 302
    player.refresh_from_db()
    assert player.is_active
    assert list(ModeratorAction.objects.values_list("action", flat=True)) == [
        "player.reinstate",
        "player.suspend",
    ]


def test_a_moderator_sends_a_player_a_notification_and_it_is_logged(
    moderator_client, moderator, player
):
    response = run_action(
        moderator_client,
        "notify_players",
        [player],
        apply="1",
        title="About your last match",
        body="Please keep the chat friendly.",
        reason="Chat report 42",
    )

    assert response.status_code == 302
    notification = Notification.objects.get(player=player)
    assert notification.kind == NotificationKind.MODERATOR_MESSAGE
    assert notification.title == "About your last match"
    entry = ModeratorAction.objects.get()
    assert (entry.actor, entry.target, entry.action, entry.reason) == (
        moderator,
        player,
        "player.notify",
        "Chat report 42",
    )
    assert entry.details["notification_id"] == notification.pk


def test_a_notification_without_a_title_sends_nothing(moderator_client, player):
    response = run_action(
        moderator_client, "notify_players", [player], apply="1", title="", reason="x"
    )

    assert response.status_code == 200
    assert not Notification.objects.filter(player=player).exists()
    assert not ModeratorAction.objects.exists()


def test_players_see_no_user_admin(client, player):
    client.force_login(player)

    response = client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code in {302, 403}


# --- the log ------------------------------------------------------------------


def test_the_moderation_log_is_visible_and_read_only(moderator_client, moderator, player):
    player_suspend(actor=moderator, player=player, reason="Cheating")
    entry = ModeratorAction.objects.get()

    listing = moderator_client.get(reverse("admin:accounts_moderatoraction_changelist"))
    detail = moderator_client.get(reverse("admin:accounts_moderatoraction_change", args=[entry.pk]))
    edit = moderator_client.post(
        reverse("admin:accounts_moderatoraction_change", args=[entry.pk]), {"reason": "Nothing"}
    )
    delete = moderator_client.post(
        reverse("admin:accounts_moderatoraction_delete", args=[entry.pk]), {"post": "yes"}
    )
    add = moderator_client.get(reverse("admin:accounts_moderatoraction_add"))

    assert listing.status_code == 200
    assert "Cheating" in listing.content.decode()
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert (edit.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    entry.refresh_from_db()
    assert entry.reason == "Cheating"


def test_the_moderation_log_is_read_only_for_superusers_too(client, owner, moderator, player):
    player_suspend(actor=moderator, player=player, reason="Cheating")
    entry = ModeratorAction.objects.get()
    client.force_login(owner)

    delete = client.post(
        reverse("admin:accounts_moderatoraction_delete", args=[entry.pk]), {"post": "yes"}
    )

    assert delete.status_code == 403
    assert ModeratorAction.objects.filter(pk=entry.pk).exists()


def test_even_with_change_user_a_non_superuser_edits_no_access_field(
    moderator_client, moderator, player
):
    # Defence in depth: should someone grant change_user again, the form
    # still has no access fields and staff accounts stay closed.
    moderator.user_permissions.add(Permission.objects.get(codename="change_user"))
    before = access_of(player)

    on_player = moderator_client.post(
        change_url(player),
        {
            "email": player.email,
            "nickname": player.nickname,
            "is_staff": "on",
            "is_superuser": "on",
            "is_active": "",
            "groups": [Group.objects.get(name="Moderators").pk],
        },
    )
    on_self = moderator_client.post(
        change_url(moderator),
        {"email": moderator.email, "nickname": moderator.nickname, "is_superuser": "on"},
    )

    assert on_player.status_code in {200, 302}
    assert access_of(player) == before
    assert on_self.status_code == 403
    moderator.refresh_from_db()
    assert not moderator.is_superuser


def action_names(client) -> set[str]:
    page = client.get(reverse("admin:accounts_user_changelist"))
    assert page.status_code == 200
    form = page.context["action_form"]  # None when no action is allowed
    return {name for name, _label in form.fields["action"].choices if name} if form else set()


def test_moderators_get_the_audited_actions_and_no_delete(moderator_client):
    names = action_names(moderator_client)

    assert {"suspend_players", "reinstate_players", "notify_players", "adjust_coins"} <= names
    assert "delete_selected" not in names


def test_staff_without_moderate_player_get_no_actions(client, make_player, player):
    viewer = make_player("Vera", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    TOTP.activate(viewer, generate_totp_secret())
    client.force_login(viewer)

    assert action_names(client) == set()
    response = run_action(client, "suspend_players", [player], apply="1", reason="Because")

    assert response.status_code in {200, 302}
    player.refresh_from_db()
    assert player.is_active
    assert not ModeratorAction.objects.exists()
