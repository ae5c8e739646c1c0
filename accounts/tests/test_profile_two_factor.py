"""Two-factor authentication is offered to every player from the profile page
(issue 12, "Account security"); allauth's MFA pages are theirs to use."""

from __future__ import annotations

import pytest

from tests.support.mfa import with_totp

pytestmark = pytest.mark.django_db


def test_a_player_reaches_the_two_factor_pages(alice_client):
    assert alice_client.get("/accounts/2fa/").status_code == 200
    # Setting it up asks for the password again first (allauth's reauthentication).
    activate = alice_client.get("/accounts/2fa/totp/activate/")
    assert activate.status_code == 302
    assert activate["Location"].startswith("/accounts/reauthenticate/")


@pytest.mark.parametrize("with_second_factor", [False, True])
def test_the_profile_offers_two_factor_to_every_player(alice_client, player, with_second_factor):
    if with_second_factor:
        with_totp(player)

    html = alice_client.get("/profile/").content.decode()

    assert 'href="/accounts/2fa/" data-testid="profile-two-factor"' in html
    assert "Set up or manage two-factor authentication" in html


def test_the_profile_links_to_the_age_check(alice_client):
    html = alice_client.get("/profile/").content.decode()

    assert 'href="/profile/verify-age/" data-testid="profile-age"' in html


def test_the_two_factor_card_is_korean(alice_client):
    html = alice_client.get("/profile/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert "2단계 인증" in html
    assert "Two-factor authentication" not in html
