"""A new player signs up through the page and lands signed in."""

from __future__ import annotations

import pytest

from tests.support.browser import VIEWPORTS, browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", VIEWPORTS)
def test_new_player_signs_up_and_sees_their_nickname(live_server, size):
    with browser_page(viewport=VIEWPORTS[size]) as page:
        page.goto(f"{live_server.url}/accounts/signup/")
        page.get_by_label("Email").fill("erin@example.com")
        page.get_by_label("Nickname").fill("Erin")
        page.get_by_label("Date of birth").fill("1992-06-15")
        page.get_by_label("Password").fill("an unguessable passphrase 42")
        page.get_by_role("button", name="Sign Up").click()

        # Asked once, plainly: reminders and news are off unless she says yes.
        page.wait_for_url(f"{live_server.url}/welcome/reminders/")
        question = page.get_by_role("heading", name="May we send you reminders and news?")
        assert question.is_visible()
        page.screenshot(path=f"test-artifacts/signup-reminders-question-{size}.png", full_page=True)
        page.get_by_role("button", name="Yes, send them").focus()
        page.keyboard.press("Enter")

        page.wait_for_url(f"{live_server.url}/")
        assert page.get_by_test_id("nav-nickname").inner_text() == "Erin"
        # She signed up a moment ago: welcomed, not welcomed back.
        assert page.locator("h1").inner_text() == "Welcome, Erin"
        # Every game is one click away from the home page.
        for name in ("Slots", "Roulette", "Rock Paper Scissors", "Rock Paper Scissors live"):
            assert page.get_by_role("link", name=f"Play {name}", exact=True).is_visible()
        page.screenshot(path=f"test-artifacts/signup-journey-{size}.png", full_page=True)
        page.get_by_role("link", name="Play Roulette", exact=True).click()
        page.wait_for_url(f"{live_server.url}/games/roulette/")

    from accounts.models import User

    erin = User.objects.get(email="erin@example.com", nickname="Erin")
    assert erin.notification_preference.marketing_opt_in is True
