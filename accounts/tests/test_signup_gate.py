"""Every way into the site makes a player with a nickname, a checked date of
birth and a wallet, or stops with a clear message: the signup page, the
headless API, a social sign-up (through its completion form), the admin's add
form and the services. The database refuses an active player without them.
"""

from __future__ import annotations

from datetime import date

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Action, User
from accounts.services import TooYoung, player_create
from economy.selectors import player_balance
from tests.support.fake_oidc import (  # the fake provider and its steps
    SOCIAL_SIGNUP,
    arrive_from_provider,
    claims,
)

pytestmark = pytest.mark.django_db

TOO_YOUNG = f"You must be at least {settings.SITE_MIN_AGE} years old to join."


def a_child_born() -> str:
    return date.today().replace(year=date.today().year - 10).isoformat()


def joined(user: User) -> list[str]:
    actions = Action.objects.filter(player=user, type="PLAYER_JOINED")
    return [action.metadata["source"] for action in actions]


def nothing_created() -> None:
    assert User.objects.count() == 0
    assert SocialAccount.objects.count() == 0
    assert Action.objects.count() == 0


# --- social sign-up ----------------------------------------------------------------


def test_social_signup_shows_the_completion_form_then_makes_a_player_with_a_wallet(
    client, provider, django_capture_on_commit_callbacks
):
    back = arrive_from_provider(client, provider, code="c1", claims=claims("s1", "sam@example.com"))

    assert back.status_code == 302
    assert back["Location"] == SOCIAL_SIGNUP
    assert User.objects.count() == 0  # not yet: the form comes first
    form = client.get(SOCIAL_SIGNUP)
    assert form.status_code == 200
    assert b'name="nickname"' in form.content
    assert b'name="date_of_birth"' in form.content

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            SOCIAL_SIGNUP,
            {"email": "sam@example.com", "nickname": "Sam", "date_of_birth": "1990-02-03"},
        )

    assert done.status_code == 302
    assert done["Location"] == "/welcome/reminders/"
    sam = User.objects.get(email="sam@example.com")
    assert (sam.nickname, sam.date_of_birth) == ("Sam", date(1990, 2, 3))
    assert SocialAccount.objects.get(user=sam).uid == "s1"
    assert joined(sam) == ["social"]
    assert player_balance(player=sam) == 1000


def test_social_signup_shows_the_form_even_if_auto_signup_is_switched_on(
    client, provider, settings
):
    settings.SOCIALACCOUNT_AUTO_SIGNUP = True

    back = arrive_from_provider(client, provider, code="c1", claims=claims("s1", "sam@example.com"))

    assert back["Location"] == SOCIAL_SIGNUP
    nothing_created()


def test_social_signup_under_age_is_refused_with_a_clear_message_and_creates_nobody(
    client, provider
):
    arrive_from_provider(client, provider, code="c1", claims=claims("s1", "kid@example.com"))

    refused = client.post(
        SOCIAL_SIGNUP,
        {"email": "kid@example.com", "nickname": "Kid", "date_of_birth": a_child_born()},
    )

    assert refused.status_code == 200
    assert TOO_YOUNG.encode() in refused.content
    nothing_created()


def test_social_signup_without_a_birth_date_or_nickname_is_refused(client, provider):
    arrive_from_provider(client, provider, code="c1", claims=claims("s1", "sam@example.com"))

    refused = client.post(SOCIAL_SIGNUP, {"email": "sam@example.com"})

    assert refused.status_code == 200
    assert refused.context["form"].errors.keys() >= {"nickname", "date_of_birth"}
    nothing_created()


def test_two_social_players_never_collide_on_nickname(
    client, provider, django_capture_on_commit_callbacks
):
    from django.test import Client

    first, second = client, Client()
    arrive_from_provider(first, provider, code="c1", claims=claims("s1", "one@example.com"))
    arrive_from_provider(second, provider, code="c2", claims=claims("s2", "two@example.com"))
    with django_capture_on_commit_callbacks(execute=True):
        first.post(
            SOCIAL_SIGNUP,
            {"email": "one@example.com", "nickname": "Sam", "date_of_birth": "1990-01-01"},
        )

    taken = second.post(
        SOCIAL_SIGNUP,
        {"email": "two@example.com", "nickname": "SAM", "date_of_birth": "1991-01-01"},
    )
    assert taken.status_code == 200
    assert b"That nickname is taken." in taken.content
    assert User.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        second.post(
            SOCIAL_SIGNUP,
            {"email": "two@example.com", "nickname": "Sam2", "date_of_birth": "1991-01-01"},
        )

    players = User.objects.order_by("pk")
    assert [player.nickname for player in players] == ["Sam", "Sam2"]
    assert [player_balance(player=player) for player in players] == [1000, 1000]
    assert [joined(player) for player in players] == [["social"], ["social"]]


APP_PROVIDER_TOKEN = "/_allauth/app/v1/auth/provider/token"
APP_PROVIDER_SIGNUP = "/_allauth/app/v1/auth/provider/signup"


def app_arrives_with_id_token(client, provider, claims: dict) -> str:
    """An app signs in with the provider's SDK and hands allauth the ID token."""
    response = client.post(
        APP_PROVIDER_TOKEN,
        {
            "provider": "fakeid",
            "process": "login",
            "token": {"client_id": "casino-club", "id_token": provider.id_token(claims)},
        },
        content_type="application/json",
    )
    assert response.status_code == 401, response.json()
    pending = [flow for flow in response.json()["data"]["flows"] if flow.get("is_pending")]
    assert [flow["id"] for flow in pending] == ["provider_signup"]
    return response.json()["meta"]["session_token"]


def test_app_social_signup_needs_the_completion_step_and_checks_age(
    client, provider, django_capture_on_commit_callbacks
):
    session = app_arrives_with_id_token(client, provider, claims("s9", "app@example.com"))
    assert User.objects.count() == 0

    refused = client.post(
        APP_PROVIDER_SIGNUP,
        {"email": "app@example.com", "nickname": "Appy", "date_of_birth": a_child_born()},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=session,
    )
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert {"param": "date_of_birth", "message": TOO_YOUNG} in [
        {"param": error.get("param"), "message": error["message"]} for error in errors
    ]
    nothing_created()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            APP_PROVIDER_SIGNUP,
            {"email": "app@example.com", "nickname": "Appy", "date_of_birth": "1990-01-01"},
            content_type="application/json",
            HTTP_X_SESSION_TOKEN=session,
        )

    assert done.status_code == 200, done.json()
    assert done.json()["meta"]["access_token"]
    appy = User.objects.get(nickname="Appy")
    assert SocialAccount.objects.get(user=appy).uid == "s9"
    assert joined(appy) == ["social"]
    assert player_balance(player=appy) == 1000


def test_the_social_adapter_refuses_to_save_a_player_without_the_form(rf, provider):
    from allauth.socialaccount.adapter import get_adapter

    with pytest.raises(ValueError, match="completion form"):
        get_adapter().save_user(rf.get("/"), sociallogin=None, form=None)
    nothing_created()


# --- the signup page and the headless API -------------------------------------------------


def test_page_signup_makes_a_player_with_a_wallet_then_asks_about_reminders(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "Erin@Example.com",
                "password1": "an unguessable passphrase 42",
                "nickname": "Erin",
                "date_of_birth": "1992-06-15",
            },
        )

    assert response.status_code == 302
    assert response["Location"] == "/welcome/reminders/"
    erin = User.objects.get(nickname="Erin")
    assert erin.email == "erin@example.com"
    assert joined(erin) == ["signup"]
    assert player_balance(player=erin) == 1000


def test_page_signup_under_age_is_refused_with_a_clear_message(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "kid@example.com",
            "password1": "an unguessable passphrase 42",
            "nickname": "Kid",
            "date_of_birth": a_child_born(),
        },
    )

    assert response.status_code == 200
    assert TOO_YOUNG.encode() in response.content
    nothing_created()


def test_headless_signup_makes_a_player_with_a_wallet(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/_allauth/app/v1/auth/signup",
            {
                "email": "dana@example.com",
                "password": "a long and unusual passphrase",
                "nickname": "Dana",
                "date_of_birth": "1995-04-01",
            },
            content_type="application/json",
        )

    assert response.status_code == 200, response.json()
    dana = User.objects.get(nickname="Dana")
    assert joined(dana) == ["signup"]
    assert player_balance(player=dana) == 1000


def test_headless_signup_without_a_birth_date_is_refused(client):
    response = client.post(
        "/_allauth/app/v1/auth/signup",
        {"email": "dana@example.com", "password": "a long unusual passphrase", "nickname": "D1"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert any(error.get("param") == "date_of_birth" for error in response.json()["errors"])
    nothing_created()


# --- the admin's add form ---------------------------------------------------------------------


@pytest.fixture
def root(client):
    # createsuperuser's way: staff, no date of birth (the one exemption).
    user = User.objects.create_superuser(email="root@example.com", password="pw", nickname="Root")
    TOTP.activate(user, generate_totp_secret())  # the admin opens only with a second factor
    client.force_login(user)
    return user


ADMIN_ADD = "/admin/accounts/user/add/"


def admin_add(client, **overrides):
    return client.post(
        ADMIN_ADD,
        {
            "email": "Fran@Example.com",
            "nickname": "Fran",
            "date_of_birth": "1985-05-05",
            "usable_password": "true",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
            **overrides,
        },
    )


def test_admin_add_form_asks_for_nickname_and_birth_date(client, root):
    page = client.get(ADMIN_ADD)

    assert page.status_code == 200
    assert b'name="nickname"' in page.content
    assert b'name="date_of_birth"' in page.content


def test_admin_adds_a_player_with_a_wallet(client, root, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_add(client)

    assert response.status_code == 302, response.context["adminform"].form.errors
    fran = User.objects.get(nickname="Fran")
    assert fran.email == "fran@example.com"
    assert fran.date_of_birth == date(1985, 5, 5)
    assert fran.check_password("a long and unusual passphrase")
    assert joined(fran) == ["admin"]
    assert player_balance(player=fran) == 1000


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date_of_birth": ""}, "date_of_birth", "This field is required."),
        ({"date_of_birth": "2020-01-01"}, "date_of_birth", TOO_YOUNG),
        ({"nickname": ""}, "nickname", "This field is required."),
        ({"nickname": "ROOT"}, "nickname", "That nickname is taken."),
        ({"nickname": "Anonymous"}, "nickname", "That nickname is reserved."),
    ],
)
def test_admin_add_without_the_gate_is_refused(client, root, overrides, field, message):
    response = admin_add(client, **overrides)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert list(User.objects.values_list("nickname", flat=True)) == ["Root"]
    assert not Action.objects.filter(type="PLAYER_JOINED").exists()


# --- services and the database ------------------------------------------------------------------


def test_player_create_refuses_the_under_age(db):
    with pytest.raises(TooYoung):
        player_create(
            email="kid@example.com",
            password="pw",
            nickname="Kid",
            date_of_birth=date.fromisoformat(a_child_born()),
        )
    nothing_created()


def test_the_manager_refuses_a_player_without_a_birth_date(db):
    with pytest.raises(ValidationError, match="nickname and a date of birth"):
        User.objects.create_user(email="nobody@example.com", password="pw", nickname="Nobody")
    assert User.objects.count() == 0


@pytest.mark.parametrize("change", [{"date_of_birth": None}, {"nickname": ""}])
def test_the_database_refuses_an_active_player_without_the_gate(player, change):
    refused = pytest.raises(IntegrityError, match="user_player_has_nickname_and_birth_date")
    with refused, transaction.atomic():
        User.objects.filter(pk=player.pk).update(**change)

    player.refresh_from_db()
    assert (player.nickname, player.date_of_birth) == ("Alice", date(1990, 1, 1))


def test_staff_from_createsuperuser_need_no_birth_date(db):
    staff = User.objects.create_superuser(email="ops@example.com", password="pw", nickname="Ops")

    assert staff.date_of_birth is None
    assert not Action.objects.filter(player=staff).exists()


@pytest.mark.postgres
def test_the_migration_parks_players_who_joined_without_the_gate(player):
    """Rows from before the gate (no birth date, or no nickname) are deactivated
    so the constraint can hold; staff and complete players are left alone."""
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("accounts.migrations.0007_signup_gate_and_opt_in")
    constraint = next(
        c for c in User._meta.constraints if c.name == "user_player_has_nickname_and_birth_date"
    )
    # PostgreSQL DDL is transactional: the test's rollback restores the constraint.
    with connection.schema_editor() as editor:
        editor.remove_constraint(User, constraint)
    no_birth_date = User.objects.create(email="old@example.com", nickname="Old")
    no_nickname = User.objects.create(email="blank@example.com", date_of_birth=date(1990, 1, 1))
    staff = User.objects.create(email="ops@example.com", nickname="Ops", is_staff=True)

    migration.park_players_without_the_gate(apps, None)
    with connection.schema_editor() as editor:
        editor.add_constraint(User, constraint)

    active = dict(User.objects.values_list("email", "is_active"))
    assert active == {
        player.email: True,
        no_birth_date.email: False,
        no_nickname.email: False,
        staff.email: True,
    }
