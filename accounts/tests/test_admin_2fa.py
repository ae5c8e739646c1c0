"""The admin is behind allauth's login and requires a second factor on every
staff account (issue 9, section 2). Codes come from allauth's own TOTP helpers."""

from __future__ import annotations

import re
import time
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from accounts.models import User
from tests.support.clients import PASSWORD

pytestmark = pytest.mark.django_db


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def staff(make_player):
    user = make_player("Sam", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_admin_login_is_allauths(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "next=%2Fadmin%2F" in response["Location"]


def test_the_old_admin_password_form_logs_nobody_in(client, staff):
    TOTP.activate(staff, generate_totp_secret())

    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not is_logged_in(client)
    assert client.get("/admin/").status_code == 302


def test_password_only_login_of_a_totp_staff_account_does_not_reach_the_admin(client, staff):
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    login = client.post(
        "/accounts/login/?next=/admin/", {"login": staff.email, "password": PASSWORD}
    )

    assert login.status_code == 302
    assert login["Location"].startswith("/accounts/2fa/authenticate/")
    assert not is_logged_in(client)
    admin = client.get("/admin/")
    assert admin.status_code == 302
    assert admin["Location"].startswith("/admin/login/")

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get("/admin/").status_code == 302

    done = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert done.status_code == 302
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("path", ["/admin/", "/admin/accounts/user/", "/admin/password_change/"])
def test_a_staff_account_without_2fa_is_sent_to_set_it_up(client, staff, path):
    login = client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert login.status_code == 302
    assert is_logged_in(client)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_recovery_codes_alone_are_not_a_second_factor(client, staff):
    RecoveryCodes.activate(staff)
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_a_staff_account_that_sets_up_totp_then_reaches_the_admin(client, staff):
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert client.get("/admin/").status_code == 302

    page = client.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302:  # allauth asks for the password again before MFA changes
        assert page["Location"].startswith("/accounts/reauthenticate/")
        client.post(page["Location"], {"password": PASSWORD})
        page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    secret = client.session[SECRET_SESSION_KEY]
    activated = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})

    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/").status_code == 200


def test_players_are_not_asked_for_2fa_and_get_no_admin(client, player):
    client.post("/accounts/login/", {"login": player.email, "password": PASSWORD})
    assert is_logged_in(client)

    assert client.get("/profile/").status_code == 200
    admin = client.get("/admin/", follow=True)
    assert admin.status_code == 403


def test_the_seeded_demo_moderator_logs_in_with_the_printed_totp_secret(client, tmp_path):
    out = StringIO()
    call_command("seed_demo", credentials_file=str(tmp_path / "demo.txt"), stdout=out)
    printed = out.getvalue()

    password = re.search(r"moderator\tmoderator@casino.local\t(\S+)", printed).group(1)
    secret = re.search(r"totp\tmoderator@casino.local\tsecret (\S+)", printed).group(1)
    codes = re.search(r"recovery codes\tmoderator@casino.local\t(.+)", printed).group(1).split()
    assert len(codes) >= 8
    assert secret in (tmp_path / "demo.txt").read_text()

    client.post(
        "/accounts/login/?next=/admin/", {"login": "moderator@casino.local", "password": password}
    )
    done = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})

    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_seeded_demo_moderator_can_use_a_recovery_code(client, tmp_path):
    out = StringIO()
    call_command("seed_demo", credentials_file=str(tmp_path / "demo.txt"), stdout=out)
    printed = out.getvalue()
    password = re.search(r"moderator\tmoderator@casino.local\t(\S+)", printed).group(1)
    code = re.search(r"recovery codes\tmoderator@casino.local\t(\S+)", printed).group(1)

    client.post("/accounts/login/", {"login": "moderator@casino.local", "password": password})
    client.post("/accounts/2fa/authenticate/", {"code": code})

    assert client.get("/admin/").status_code == 200


def test_seed_demo_gives_an_older_demo_moderator_a_second_factor(tmp_path):
    call_command("seed_demo", credentials_file=str(tmp_path / "demo.txt"), stdout=StringIO())
    moderator = User.objects.get(email="moderator@casino.local")
    Authenticator.objects.filter(user=moderator).delete()  # seeded before 2FA was required

    out = StringIO()
    call_command("seed_demo", credentials_file=str(tmp_path / "demo.txt"), stdout=out)

    assert "totp\tmoderator@casino.local\tsecret " in out.getvalue()
    assert Authenticator.objects.filter(user=moderator, type=Authenticator.Type.TOTP).count() == 1
    again = StringIO()
    call_command("seed_demo", credentials_file=str(tmp_path / "demo.txt"), stdout=again)
    assert "already present" in again.getvalue()
    assert Authenticator.objects.filter(user=moderator, type=Authenticator.Type.TOTP).count() == 1


def test_mfa_reset_lets_a_locked_out_owner_set_up_2fa_again(client):
    owner = User.objects.create_superuser(
        email="otto@example.com", password=PASSWORD, nickname="Otto"
    )
    TOTP.activate(owner, generate_totp_secret())  # the phone with this secret is lost
    RecoveryCodes.activate(owner)
    out = StringIO()

    call_command("mfa_reset", "OTTO@example.com", stdout=out)

    assert "Removed 2 authenticator(s)" in out.getvalue()
    assert not Authenticator.objects.filter(user=owner).exists()
    login = client.post("/accounts/login/", {"login": owner.email, "password": PASSWORD})
    assert login.status_code == 302
    assert client.get("/admin/")["Location"] == "/accounts/2fa/totp/activate/"


def test_mfa_reset_of_an_unknown_account_fails_and_changes_nothing(staff):
    TOTP.activate(staff, generate_totp_secret())

    with pytest.raises(CommandError):
        call_command("mfa_reset", "nobody@example.com", stdout=StringIO())

    assert Authenticator.objects.filter(user=staff).count() == 1


def test_moderators_hold_no_permission_on_users_groups_or_permissions_beyond_viewing():
    codenames = set(
        Group.objects.get(name="Moderators").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )

    assert ("accounts", "view_user") in codenames
    assert ("accounts", "moderate_player") in codenames
    assert ("accounts", "view_moderatoraction") in codenames
    for forbidden in ["add_user", "change_user", "delete_user"]:
        assert ("accounts", forbidden) not in codenames
    assert not [pair for pair in codenames if pair[0] in {"auth", "mfa", "admin"}]
    assert not [
        pair
        for pair in codenames
        if pair[1].endswith("_moderatoraction") and pair[1] != "view_moderatoraction"
    ]


def test_a_staff_account_without_2fa_can_still_log_out_of_the_admin(client, staff):
    client.force_login(staff)

    response = client.post("/admin/logout/")

    assert response.status_code == 200
    assert not is_logged_in(client)
