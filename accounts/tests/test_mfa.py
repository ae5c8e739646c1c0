"""A player turns on TOTP and is then asked for a code at login."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value

from tests.support.clients import PASSWORD

pytestmark = pytest.mark.django_db


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_player_activates_totp_and_needs_a_code_to_log_in(client, player):
    client.post("/accounts/login/", {"login": player.email, "password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302:  # allauth asks for the password again before MFA changes
        assert page["Location"].startswith("/accounts/reauthenticate/")
        client.post(page["Location"], {"password": PASSWORD})
        page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]

    activated = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=player, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(
        user=player, type=Authenticator.Type.RECOVERY_CODES
    ).exists()

    client.post("/accounts/logout/")
    login = client.post("/accounts/login/", {"login": player.email, "password": PASSWORD})
    assert login.status_code == 302
    assert login["Location"].startswith("/accounts/2fa/authenticate/")
    assert "_auth_user_id" not in client.session

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    done = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert done.status_code == 302
    assert client.session["_auth_user_id"] == str(player.pk)


def test_security_page_offers_totp_and_recovery_codes(client, player):
    client.force_login(player)

    page = client.get("/accounts/2fa/")

    assert page.status_code == 200
    assert b"Authenticator App" in page.content
    assert b"Recovery Codes" in page.content


def test_login_is_rate_limited_after_repeated_failures(client, player):
    statuses = [
        client.post("/accounts/login/", {"login": player.email, "password": "wrong"}).status_code
        for _ in range(7)
    ]

    last = client.post("/accounts/login/", {"login": player.email, "password": PASSWORD})
    assert statuses[0] == 200
    assert last.status_code in {200, 429}
    assert "_auth_user_id" not in client.session
