"""A player signs in, plays each game once, and verifies a round in the browser."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import SETTLED, VIEWPORTS, balance_of, browser_page, nav_click
from tests.support.clients import sign_in
from tests.support.ledger import give_coins

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", VIEWPORTS)
def test_player_plays_every_game_and_verifies_a_round(live_server, player, size):
    give_coins(player, 5_000)
    base = live_server.url

    with browser_page(viewport=VIEWPORTS[size]) as page:
        sign_in(page, base, player.email)
        nav_click(page, "Games")
        page.wait_for_url(f"{base}/games/")
        assert "96.16%" in page.get_by_test_id("rtp-slots").inner_text()

        # Slots: one spin of 20 lines at 1 coin.
        page.get_by_role("link", name="Play Slots").click()
        before = balance_of(page)
        page.get_by_test_id("spin").click()
        page.locator(SETTLED).wait_for()
        after_slots = balance_of(page)
        session_net = page.get_by_test_id("session-net").inner_text()
        page.screenshot(path=f"test-artifacts/games-slots-{size}.png", full_page=True)

        # Roulette: a chip on red, then spin.
        page.goto(f"{base}/games/roulette/")
        assert balance_of(page) == after_slots
        page.get_by_role("button", name="Red", exact=True).click()
        assert page.get_by_test_id("total-bet").inner_text() == "1"
        page.get_by_test_id("spin").click()
        page.locator(SETTLED).wait_for(timeout=20_000)
        pocket = page.get_by_test_id("last-pocket").inner_text()
        assert pocket.isdigit() and 0 <= int(pocket) <= 36
        after_roulette = balance_of(page)
        page.screenshot(path=f"test-artifacts/games-roulette-{size}.png", full_page=True)

        # Rock-paper-scissors: paper for 10 coins.
        page.goto(f"{base}/games/rps/")
        page.get_by_label("Paper").check()
        page.get_by_test_id("play").click()
        page.locator(SETTLED).wait_for()
        rps_text = page.get_by_test_id("result").inner_text()
        assert "You played Paper, the house played" in rps_text
        after_rps = balance_of(page)
        page.screenshot(path=f"test-artifacts/games-rps-{size}.png", full_page=True)

        # Fairness: rotate to reveal the seed, then verify the newest round.
        nav_click(page, "Fairness")
        page.wait_for_url(f"{base}/games/fairness/")
        hex_hash = re.compile(r"^[0-9a-f]{64}$")
        page.get_by_test_id("server-seed-hash").filter(has_text=hex_hash).wait_for()
        old_hash = page.get_by_test_id("server-seed-hash").inner_text()
        page.get_by_label("New client seed (optional)").fill("alice-lucky-seed")
        page.get_by_test_id("rotate").click()
        page.get_by_test_id("revealed-seed").filter(has_text=re.compile(r"[0-9a-f]{64}")).wait_for()
        assert page.get_by_test_id("client-seed").inner_text() == "alice-lucky-seed"
        assert page.get_by_test_id("server-seed-hash").inner_text() != old_hash
        rows = page.get_by_test_id("rounds-table").locator("tbody tr")
        rows.nth(2).wait_for()
        assert rows.count() == 3
        for index in range(3):
            rows.nth(index).get_by_role("button").click()
            page.locator("[data-testid=verdict][data-verdict]").wait_for()
            verdict = page.get_by_test_id("verdict")
            page.wait_for_timeout(50)
            assert verdict.get_attribute("data-verdict") == "match", verdict.inner_text()
            assert verdict.inner_text().startswith("Match")
        page.screenshot(path=f"test-artifacts/games-fairness-{size}.png", full_page=True)

        # Tampering with the published result is caught in the browser.
        rows.nth(0).get_by_role("button").click()  # the newest round: rock-paper-scissors
        outcome = page.get_by_label("Published result (JSON)")
        # The previous round's verdict still reads "match": wait for this round's result.
        page.wait_for_function(
            # A function, not an expression: the page's CSP forbids eval of a string.
            "() => document.querySelector('[name=outcome]').value.includes('house_move')"
        )
        page.locator("[data-testid=verdict][data-verdict=match]").wait_for()
        outcome.fill(outcome.input_value().replace('"house_move":"', '"house_move":"x'))
        page.get_by_test_id("verify").click()
        page.locator("[data-testid=verdict][data-verdict=mismatch]").wait_for()

    with browser_page(
        viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    ) as phone:
        sign_in(phone, base, player.email)
        phone.goto(f"{base}/games/slots/")
        phone.get_by_test_id("spin").click()
        phone.locator(SETTLED).wait_for()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        phone.screenshot(path="test-artifacts/games-slots-phone.png", full_page=True)

    from economy.selectors import player_balance
    from games.models import GameRound

    rounds = list(GameRound.objects.filter(player=player).order_by("id"))
    assert [r.game for r in rounds] == ["slots", "roulette", "rps", "slots"]
    assert before - 20 + rounds[0].payout == after_slots
    assert after_slots - 1 + rounds[1].payout == after_roulette
    assert after_roulette - 10 + rounds[2].payout == after_rps
    assert session_net.replace("−", "-").lstrip("+") == str(rounds[0].payout - 20)
    assert player_balance(player=player) == rounds[3].balance_after
