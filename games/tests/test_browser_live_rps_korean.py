"""In Korean, the live rock-paper-scissors page's script speaks Korean: its
status lines come from the JavaScript catalogue (/jsi18n/, djangojs.po)."""

from __future__ import annotations

import pytest

from tests.support.browser import browser_context
from tests.support.clients import sign_in
from tests.support.ledger import give_coins

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_the_live_rps_script_says_its_status_in_korean(live_server, player):
    give_coins(player, 500)
    base = live_server.url

    with browser_context(viewport={"width": 1280, "height": 900}) as context:
        page = context.new_page()
        sign_in(page, base, player.email)
        context.add_cookies([{"name": "django_language", "value": "ko", "url": base}])
        page.goto(f"{base}/games/live-rps/")
        assert page.locator("html").get_attribute("lang") == "ko"

        status = page.get_by_test_id("live-status")
        page.get_by_test_id("live-find").click()
        # Written by live_rps.js when the server queues the player.
        status.filter(has_text="이 판돈으로 상대를 기다리는 중…").wait_for()
        page.get_by_role("button", name="취소").click()
        status.filter(has_text="대기열에서 나왔어요.").wait_for()
        page.screenshot(path="test-artifacts/live-rps-korean.png", full_page=True)
