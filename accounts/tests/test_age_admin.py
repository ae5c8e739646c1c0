"""Moderators and age verification (issue 12): they see a player's state
read-only and change it only through three audited actions on the user list.

The cast: Maude moderates (``moderate_player``, TOTP), Alice and Bob play,
Otto owns the site (superuser), Vera is staff with view-only rights and no
``moderate_player``.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.age.moderation import (
    NoAgeVerification,
    age_verification_reset,
    age_verification_revoke,
    date_of_birth_correct,
)
from accounts.models import AgeVerification, ModeratorAction, User
from accounts.moderation import NotAllowed
from accounts.selectors import mature_allowed
from accounts.services import AgeNotMatching, TooYoung, age_verify
from tests.support.clients import PASSWORD
from tests.support.mfa import with_totp

pytestmark = pytest.mark.django_db

ALICE_BORN = date(1990, 1, 1)


@pytest.fixture
def verified(player):
    return age_verify(player=player, date_of_birth=ALICE_BORN, ip_address="192.0.2.10")


@pytest.fixture
def owner(db):
    user = User.objects.create_superuser(
        email="otto@example.com", password=PASSWORD, nickname="Otto"
    )
    with_totp(user)
    return user


@pytest.fixture
def viewer(make_player):
    """Staff who may look at players but not moderate them."""
    user = make_player("Vera", is_staff=True)
    group = Group.objects.create(name="Viewers")
    group.permissions.set(Permission.objects.filter(codename__in=["view_user"]))
    user.groups.add(group)
    with_totp(user)
    return user


def run_action(client, action: str, players: list[User], **data):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": action, "_selected_action": [p.pk for p in players], **data},
    )


def state(player: User) -> tuple:
    player.refresh_from_db()
    row = AgeVerification.objects.filter(player=player).values_list(
        "date_of_birth", "verified_at", "ip_address", "revoked_at"
    )
    return player.date_of_birth, list(row)


# --- seeing -------------------------------------------------------------------------


def test_a_moderator_sees_a_players_verification_on_the_user_page(
    moderator_client, player, other_player, verified
):
    alice = moderator_client.get(reverse("admin:accounts_user_change", args=[player.pk]))
    bob = moderator_client.get(reverse("admin:accounts_user_change", args=[other_player.pk]))

    assert alice.status_code == 200
    html = alice.content.decode()
    assert "Verified (attested Jan. 1, 1990 on" in html
    assert "); mature content allowed" in html
    assert "Not verified" in bob.content.decode()


def test_the_user_page_says_when_a_verified_player_is_under_the_mature_age(
    moderator_client, player, verified, settings
):
    settings.MATURE_MIN_AGE = 60

    html = moderator_client.get(
        reverse("admin:accounts_user_change", args=[player.pk])
    ).content.decode()

    assert "under 60, so no mature content until" in html


def test_the_verification_list_is_read_only_for_moderators_and_superusers(
    moderator_client, client, owner, player, verified
):
    listing = moderator_client.get(reverse("admin:accounts_ageverification_changelist"))
    change_url = reverse("admin:accounts_ageverification_change", args=[verified.pk])
    detail = moderator_client.get(change_url)

    assert listing.status_code == 200
    assert player.nickname in listing.content.decode()
    assert "192.0.2.10" in listing.content.decode()
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    before = state(player)
    for actor_client in (moderator_client, client):
        if actor_client is client:
            client.force_login(owner)
        edit = actor_client.post(change_url, {"revoked_at_0": "2026-01-01"})
        delete = actor_client.post(
            reverse("admin:accounts_ageverification_delete", args=[verified.pk]), {"post": "yes"}
        )
        add = actor_client.get(reverse("admin:accounts_ageverification_add"))
        assert (edit.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    assert state(player) == before


def test_players_and_staff_without_moderate_player_see_no_verifications(
    client, player, viewer, verified
):
    client.force_login(player)
    as_player = client.get(reverse("admin:accounts_ageverification_changelist"))
    client.force_login(viewer)
    as_viewer = client.get(reverse("admin:accounts_ageverification_changelist"))
    user_page = client.get(reverse("admin:accounts_user_change", args=[player.pk]))

    assert as_player.status_code == 302  # to the admin login
    assert as_viewer.status_code == 403
    assert user_page.status_code == 200
    assert "192.0.2.10" not in user_page.content.decode()


def test_staff_without_a_second_factor_cannot_reach_the_verifications(client, make_player):
    moderator = make_player("Nofa", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(moderator)

    response = client.get(reverse("admin:accounts_ageverification_changelist"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


# --- revoke ---------------------------------------------------------------------------


def test_a_moderator_revokes_a_verification_with_a_reason(
    moderator_client, moderator, player, verified
):
    confirm = run_action(moderator_client, "revoke_age_verification", [player])
    assert confirm.status_code == 200
    assert "Reason" in confirm.content.decode()
    assert AgeVerification.objects.get(player=player).revoked_at is None

    done = run_action(
        moderator_client, "revoke_age_verification", [player], apply="1", reason="Fake ID report"
    )

    assert done.status_code == 302
    verification = AgeVerification.objects.get(player=player)
    assert verification.revoked_at is not None
    assert not mature_allowed(player)
    entry = ModeratorAction.objects.get()
    assert (entry.actor, entry.target, entry.action, entry.reason) == (
        moderator,
        player,
        "age.revoke",
        "Fake ID report",
    )
    assert entry.details["date_of_birth"] == "1990-01-01"
    assert entry.details["revoked_at"] == verification.revoked_at.isoformat()


def test_a_revocation_without_a_reason_changes_nothing(moderator_client, player, verified):
    before = state(player)

    response = run_action(
        moderator_client, "revoke_age_verification", [player], apply="1", reason="  "
    )

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert state(player) == before
    assert not ModeratorAction.objects.exists()


def test_revoking_twice_or_without_a_verification_is_refused(moderator, player, other_player):
    age_verify(player=player, date_of_birth=ALICE_BORN, ip_address=None)
    age_verification_revoke(actor=moderator, player=player, reason="Report")
    before = (state(player), state(other_player))

    with pytest.raises(NoAgeVerification):
        age_verification_revoke(actor=moderator, player=other_player, reason="Report")
    with pytest.raises(Exception, match="already revoked"):
        age_verification_revoke(actor=moderator, player=player, reason="Again")

    assert (state(player), state(other_player)) == before
    assert ModeratorAction.objects.count() == 1


def test_the_admin_reports_a_player_without_a_verification(moderator_client, player):
    response = run_action(
        moderator_client, "revoke_age_verification", [player], apply="1", reason="Report"
    )

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("has no age verification" in text for text in messages)
    assert not ModeratorAction.objects.exists()


# --- reset ----------------------------------------------------------------------------


def test_a_moderator_resets_a_revoked_verification_and_the_player_attests_again(
    moderator_client, moderator, player, verified
):
    age_verification_revoke(actor=moderator, player=player, reason="Report")

    response = run_action(
        moderator_client,
        "reset_age_verification",
        [player],
        apply="1",
        reason="Report was mistaken",
    )

    assert response.status_code == 302
    assert not AgeVerification.objects.filter(player=player).exists()
    entry = ModeratorAction.objects.get(action="age.reset")
    assert (entry.actor, entry.target, entry.reason) == (moderator, player, "Report was mistaken")
    # The deleted attestation is kept in the log: when, from where, which date.
    assert entry.details["ip_address"] == "192.0.2.10"
    assert entry.details["date_of_birth"] == "1990-01-01"
    assert entry.details["revoked_at"] is not None
    assert age_verify(player=player, date_of_birth=ALICE_BORN, ip_address="192.0.2.11")
    assert mature_allowed(player)


def test_resetting_without_a_verification_is_refused(moderator, player):
    with pytest.raises(NoAgeVerification):
        age_verification_reset(actor=moderator, player=player, reason="Nothing to reset")

    assert not ModeratorAction.objects.exists()


# --- correct the date of birth ----------------------------------------------------------


def test_a_moderator_corrects_the_date_of_birth_and_the_verification_is_reset(
    moderator_client, moderator, player, verified
):
    confirm = run_action(moderator_client, "correct_date_of_birth", [player])
    assert 'type="date"' in confirm.content.decode()

    response = run_action(
        moderator_client,
        "correct_date_of_birth",
        [player],
        apply="1",
        date_of_birth="1991-05-17",
        reason="Typo at signup, ID seen in ticket 77",
    )

    assert response.status_code == 302
    player.refresh_from_db()
    assert player.date_of_birth == date(1991, 5, 17)
    assert not AgeVerification.objects.filter(player=player).exists()
    entry = ModeratorAction.objects.get()
    assert (entry.actor, entry.target, entry.action) == (moderator, player, "age.correct_dob")
    assert entry.reason == "Typo at signup, ID seen in ticket 77"
    assert entry.details["previous_date_of_birth"] == "1990-01-01"
    assert entry.details["date_of_birth"] == "1991-05-17"
    assert entry.details["verification_reset"]["date_of_birth"] == "1990-01-01"
    # The player now attests against the corrected date only.
    with pytest.raises(AgeNotMatching):
        age_verify(player=player, date_of_birth=ALICE_BORN, ip_address=None)
    assert age_verify(player=player, date_of_birth=date(1991, 5, 17), ip_address=None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date_of_birth": "1991-05-17", "reason": ""}, "This field is required"),
        ({"date_of_birth": "", "reason": "Typo"}, "This field is required"),
        ({"date_of_birth": "17/05/1991x", "reason": "Typo"}, "Enter a valid date"),
    ],
)
def test_a_correction_with_bad_input_changes_nothing(
    moderator_client, player, verified, data, message
):
    before = state(player)

    response = run_action(moderator_client, "correct_date_of_birth", [player], apply="1", **data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert state(player) == before
    assert not ModeratorAction.objects.exists()


def test_a_correction_to_an_under_age_or_the_same_date_is_refused(
    moderator_client, moderator, player, verified, settings
):
    settings.SITE_MIN_AGE = 18
    before = state(player)
    too_young = date.today().replace(year=date.today().year - 15, day=1)

    response = run_action(
        moderator_client,
        "correct_date_of_birth",
        [player],
        apply="1",
        date_of_birth=too_young.isoformat(),
        reason="Player says so",
    )
    with pytest.raises(TooYoung):
        date_of_birth_correct(
            actor=moderator, player=player, date_of_birth=too_young, reason="Player says so"
        )
    with pytest.raises(Exception, match="already the player's date of birth"):
        date_of_birth_correct(
            actor=moderator, player=player, date_of_birth=ALICE_BORN, reason="No change"
        )

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("at least 18" in text for text in messages)
    assert state(player) == before
    assert not ModeratorAction.objects.exists()


def test_a_correction_is_for_one_player_at_a_time(moderator_client, player, other_player):
    before = (state(player), state(other_player))

    response = run_action(
        moderator_client,
        "correct_date_of_birth",
        [player, other_player],
        apply="1",
        date_of_birth="1991-05-17",
        reason="Batch",
    )

    assert response.status_code == 302
    assert (state(player), state(other_player)) == before
    assert not ModeratorAction.objects.exists()


# --- who may ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("revoke_age_verification", {"reason": "x"}),
        ("reset_age_verification", {"reason": "x"}),
        ("correct_date_of_birth", {"reason": "x", "date_of_birth": "1991-05-17"}),
    ],
)
def test_a_player_cannot_run_the_actions(client, player, other_player, action, data):
    age_verify(player=other_player, date_of_birth=ALICE_BORN, ip_address=None)
    before = state(other_player)
    client.force_login(player)

    response = run_action(client, action, [other_player], apply="1", **data)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert state(other_player) == before
    assert not ModeratorAction.objects.exists()


@pytest.mark.parametrize(
    "action", ["revoke_age_verification", "reset_age_verification", "correct_date_of_birth"]
)
def test_staff_without_moderate_player_neither_see_nor_run_the_actions(
    client, viewer, player, verified, action
):
    client.force_login(viewer)
    listing = client.get(reverse("admin:accounts_user_changelist"))
    before = state(player)

    response = run_action(
        client, action, [player], apply="1", reason="x", date_of_birth="1991-05-17"
    )

    assert listing.status_code == 200
    assert f'value="{action}"' not in listing.content.decode()
    assert response.status_code in {200, 302}
    assert state(player) == before
    assert not ModeratorAction.objects.exists()


def test_the_services_refuse_non_moderators_and_staff_targets(
    moderator, viewer, player, verified, owner
):
    before = state(player)
    for service, extra in [
        (age_verification_revoke, {}),
        (age_verification_reset, {}),
        (date_of_birth_correct, {"date_of_birth": date(1991, 5, 17)}),
    ]:
        with pytest.raises(NotAllowed):
            service(actor=player, player=player, reason="Myself", **extra)
        with pytest.raises(NotAllowed):
            service(actor=viewer, player=player, reason="Viewer", **extra)
        with pytest.raises(NotAllowed):
            service(actor=moderator, player=owner, reason="Staff", **extra)

    assert state(player) == before
    assert not ModeratorAction.objects.exists()


def test_the_moderators_see_the_actions_on_the_user_list(moderator_client):
    html = moderator_client.get(reverse("admin:accounts_user_changelist")).content.decode()

    for action in ["revoke_age_verification", "reset_age_verification", "correct_date_of_birth"]:
        assert f'value="{action}"' in html
