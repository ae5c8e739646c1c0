"""A moderator opens the admin through allauth's login and its code prompt,
then suspends a player with a reason; the moderation log shows it."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth.models import Group

from tests.support.browser import browser_page
from tests.support.clients import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_moderator_logs_in_with_a_code_and_suspends_a_player(live_server, moderator, player):
    from accounts.models import ModeratorAction

    mira = type(moderator).objects.create_user(
        email="mira@example.com", password=PASSWORD, nickname="Mira", is_staff=True
    )
    mira.groups.add(Group.objects.get(name="Moderators"))
    secret = generate_totp_secret()
    TOTP.activate(mira, secret)

    with browser_page() as page:
        page.goto(f"{live_server.url}/admin/")
        assert "/accounts/login/" in page.url
        page.get_by_label("Email").fill("mira@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()

        page.wait_for_url("**/accounts/2fa/authenticate/**")
        page.get_by_placeholder("Code").fill(
            format_hotp_value(hotp_value(secret, int(time.time()) // 30))
        )
        page.get_by_role("button", name="Sign In").click()

        page.wait_for_url(f"{live_server.url}/admin/")
        page.get_by_role("link", name="Users").first.click()
        assert "Maude" not in page.content()  # staff are not listed for moderators
        page.get_by_role("row", name="Alice").get_by_role("checkbox").check()
        page.locator("select[name=action]").select_option("suspend_players")
        page.get_by_role("button", name="Go").click()
        page.get_by_label("Reason").fill("Abusive chat")
        page.get_by_role("button", name="Confirm").click()

        page.wait_for_url("**/admin/accounts/user/")
        assert "Suspend players: 1 player(s)." in page.content()
        page.screenshot(path="test-artifacts/moderator-suspends.png", full_page=True)

    player.refresh_from_db()
    assert not player.is_active
    entry = ModeratorAction.objects.get()
    assert (entry.actor, entry.target, entry.action, entry.reason) == (
        mira,
        player,
        "player.suspend",
        "Abusive chat",
    )
