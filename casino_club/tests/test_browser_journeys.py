"""Journeys a new player takes, at 1280×800 and at 390×844 (the guard in
``tests/support/browser.py`` fails them on any console error or failed request):

- a day: the mood check-in, the daily bonus, a notification read and cleared,
  the language changed to Korean and back;
- a live rock-paper-scissors match between two browsers.
"""

from __future__ import annotations

import re

import pytest

from tests.support.browser import VIEWPORTS, browser_context, sibling_context
from tests.support.clients import sign_in
from tests.support.ledger import give_coins

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def coins(text: str) -> int:
    return int(re.sub(r"\D", "", text))


@pytest.mark.parametrize("size", VIEWPORTS)
def test_a_players_day_mood_bonus_notification_and_language(live_server, player, size):
    from accounts.models import NotificationKind
    from accounts.notifications import notification_send

    notification_send(
        player=player,
        kind=NotificationKind.MODERATOR_MESSAGE,
        title="The autumn event starts on Friday",
        body="Missions with double XP for a week.",
    )
    base = live_server.url
    with browser_context(viewport=VIEWPORTS[size]) as context:
        page = context.new_page()
        sign_in(page, base, player.email)

        # The first visit of the day asks, once, and a choice closes the prompt.
        prompt = page.get_by_test_id("mood-prompt")
        assert prompt.is_visible()
        page.get_by_test_id("mood-good").click()
        prompt.wait_for(state="hidden")
        page.reload()
        assert page.get_by_test_id("mood-prompt").count() == 0

        # The daily bonus, from the home page's link to the wallet.
        page.get_by_role("link", name=re.compile(r"Claim today's bonus")).click()
        page.wait_for_url(f"{base}/wallet/")
        before = coins(page.get_by_test_id("wallet-balance").inner_text())
        page.get_by_test_id("claim-daily").click()
        page.wait_for_url(f"{base}/wallet/")
        assert coins(page.get_by_test_id("wallet-balance").inner_text()) == before + 100
        assert page.get_by_test_id("claim-daily").count() == 0
        page.screenshot(path=f"test-artifacts/journey-bonus-{size}.png", full_page=True)

        # The bell counts the unread (the message, and the bonus mission's news).
        badge = page.locator("[data-unread-count]").first
        assert int(badge.inner_text()) >= 1
        page.get_by_test_id("nav-notifications").click()
        page.wait_for_url(f"{base}/notifications/")
        inbox = page.get_by_test_id("notification-list")
        assert "The autumn event starts on Friday" in inbox.inner_text()
        page.get_by_role("button", name="Mark all read").click()
        page.wait_for_url(f"{base}/notifications/")
        assert "New" not in page.get_by_test_id("notification-list").inner_text()
        assert page.locator("[data-unread-count]").first.get_attribute("data-zero") is not None

        # Korean, then back to English; the choice is remembered per page.
        page.locator("#language-select").select_option("ko")
        page.locator(".lang-form button[type=submit]").click()
        page.wait_for_function("() => document.documentElement.lang === 'ko'")
        assert page.locator("h1").first.inner_text() == "알림"
        page.goto(f"{base}/wallet/")
        assert page.locator("html").get_attribute("lang") == "ko"
        page.screenshot(path=f"test-artifacts/journey-korean-{size}.png", full_page=True)
        page.locator("#language-select").select_option("en")
        page.locator(".lang-form button[type=submit]").click()
        page.wait_for_function("() => document.documentElement.lang === 'en'")

    from accounts.mood_models import MoodCheckIn

    assert list(MoodCheckIn.objects.filter(player=player).values_list("mood", flat=True)) == [
        "good"
    ]


@pytest.mark.redis
@pytest.mark.parametrize("size", VIEWPORTS)
def test_two_players_play_a_live_match_in_two_browsers(live_server, player, other_player, size):
    give_coins(player, 500)
    give_coins(other_player, 500)
    base = live_server.url
    with browser_context(viewport=VIEWPORTS[size]) as alice_context:
        alice = alice_context.new_page()
        sign_in(alice, base, player.email)
        bob_context = sibling_context(alice_context, viewport=VIEWPORTS[size])
        try:
            bob = bob_context.new_page()
            sign_in(bob, base, other_player.email)
            pages = {"alice": alice, "bob": bob}
            for page in pages.values():
                page.goto(f"{base}/games/live-rps/")
                page.get_by_test_id("live-find").click()
            for page in pages.values():
                page.get_by_test_id("live-status").filter(has_text="Matched!").wait_for()
            alice.get_by_label("Rock").check()
            bob.get_by_label("Scissors").check()
            for page in pages.values():
                page.get_by_test_id("live-commit").click()
            alice_status = alice.get_by_test_id("live-status")
            alice_status.filter(has_text="You won!").wait_for(timeout=20_000)
            bob.get_by_test_id("live-status").filter(has_text="You lost.").wait_for()
            assert "(rock against scissors)" in alice_status.inner_text()
            assert coins(alice.get_by_test_id("live-balance").inner_text()) > coins(
                bob.get_by_test_id("live-balance").inner_text()
            )
            alice.screenshot(path=f"test-artifacts/journey-live-rps-{size}.png", full_page=True)
        finally:
            bob_context.close()

    from economy.selectors import player_balance
    from tests.support.rounds import assert_ledger_reconciles

    assert player_balance(player=player) > player_balance(player=other_player)
    assert_ledger_reconciles()
