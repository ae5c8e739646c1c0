"""An app client signs up, logs in and calls the API with a JWT."""

from __future__ import annotations

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db

SIGNUP = "/_allauth/app/v1/auth/signup"
LOGIN = "/_allauth/app/v1/auth/login"


def signup(client, **overrides):
    payload = {
        "email": "dana@example.com",
        "password": "a long and unusual passphrase",
        "nickname": "Dana",
        "date_of_birth": "1995-04-01",
        **overrides,
    }
    return client.post(SIGNUP, payload, content_type="application/json")


def test_signup_returns_a_jwt_that_opens_the_api(client):
    response = signup(client)

    assert response.status_code == 200, response.json()
    meta = response.json()["meta"]
    assert meta["access_token"] and meta["refresh_token"]
    user = User.objects.get(email="dana@example.com")
    assert user.nickname == "Dana"
    assert str(user.date_of_birth) == "1995-04-01"

    me = client.get("/api/users/me", HTTP_AUTHORIZATION=f"Bearer {meta['access_token']}")
    assert me.status_code == 200
    assert me.json()["nickname"] == "Dana"
    assert me.json()["email"] == "dana@example.com"
    assert "created_at" in me.json()


def test_login_returns_a_jwt_for_an_existing_player(client, player):
    response = client.post(
        LOGIN,
        {"email": player.email, "password": "correct horse battery staple"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    token = response.json()["meta"]["access_token"]
    me = client.get("/api/users/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.json()["nickname"] == "Alice"


def test_a_forged_token_is_refused(client):
    me = client.get("/api/users/me", HTTP_AUTHORIZATION="Bearer not.a.token")

    assert me.status_code == 401
    assert me.json()["error"]["code"] in {"not_authenticated", "authentication_failed"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_of_birth": "2020-01-01"}, "date_of_birth"),
        ({"date_of_birth": "not-a-date"}, "date_of_birth"),
        ({"nickname": "x"}, "nickname"),
        ({"nickname": "no spaces allowed"}, "nickname"),
        ({"email": "not-an-email"}, "email"),
    ],
)
def test_bad_signup_is_refused_and_creates_nobody(client, overrides, field):
    response = signup(client, **overrides)

    assert response.status_code == 400
    assert any(error.get("param") == field for error in response.json()["errors"])
    assert User.objects.count() == 0


def test_nickname_is_unique_regardless_of_case(client, player):
    response = signup(client, nickname="ALICE")

    assert response.status_code == 400
    assert User.objects.filter(nickname__iexact="alice").count() == 1


def test_every_login_is_recorded_as_an_action(client, player):
    from accounts.models import Action

    client.post(
        LOGIN,
        {"email": player.email, "password": "correct horse battery staple"},
        content_type="application/json",
    )
    client.post(
        "/accounts/login/", {"login": player.email, "password": "correct horse battery staple"}
    )

    assert Action.objects.filter(player=player, type="LOGGED_IN").count() == 2


@pytest.mark.parametrize("nickname", ["Anonymous", "anonymous", "익명", "Moderator"])
def test_reserved_nicknames_are_refused(client, nickname):
    response = signup(client, nickname=nickname)

    assert response.status_code == 400
    assert User.objects.count() == 0
