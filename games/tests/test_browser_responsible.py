"""A player sets a daily limit on the responsible-play page, plays until stopped, and
sees the message; a due reality check shows its dialog and is answered by keyboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import PlaySettings
from tests.support.browser import SETTLED, VIEWPORTS, browser_page
from tests.support.clients import sign_in
from tests.support.ledger import give_coins

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", VIEWPORTS)
def test_a_limit_set_on_the_page_stops_play_with_a_clear_message(live_server, player, size):
    give_coins(player, 5_000)
    # A session that started 20 minutes ago with a 15-minute interval: a check is due.
    now = timezone.now()
    PlaySettings.objects.create(
        player=player,
        session_started_at=now - timedelta(minutes=20),
        session_last_play_at=now - timedelta(minutes=1),
        session_seconds=19 * 60,
        session_net=-40,
    )
    base = live_server.url

    # The limit's refusal is a 403 the page shows: the one error response expected.
    with browser_page(viewport=VIEWPORTS[size], allow=[(r"/api/games/slots/play$", 403)]) as page:
        sign_in(page, base, player.email)
        page.goto(f"{base}/profile/")
        page.get_by_test_id("profile-responsible-play").click()
        page.get_by_label("Coins wagered per day (blank: no limit)").fill("40")
        page.get_by_label("Reality check every").select_option("15")
        page.get_by_test_id("limits-save").click()
        page.get_by_text("Your limits are saved.").wait_for()

        page.goto(f"{base}/games/slots/")
        dialog = page.get_by_test_id("reality-check")
        dialog.wait_for(state="visible")
        assert "19 minutes" in dialog.inner_text() and "-40" in dialog.inner_text()
        page.keyboard.press("Enter")  # focus starts on "Keep playing"
        dialog.wait_for(state="hidden")

        stopped = None
        for _ in range(5):
            page.get_by_test_id("spin").click()
            page.locator(SETTLED).wait_for()
            text = page.get_by_test_id("result").inner_text()
            if "daily limit" in text:
                stopped = text
                break
        assert stopped is not None and "tomorrow" in stopped
        page.screenshot(path=f"test-artifacts/responsible-stopped-{size}.png", full_page=True)

        page.reload()
        banner = page.get_by_test_id("play-blocked")
        banner.wait_for()
        assert "daily limit on coins wagered" in banner.inner_text()

    row = PlaySettings.objects.get(player=player)
    assert row.reality_check_at is not None
    assert row.wager_limit == 40
