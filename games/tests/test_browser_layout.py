"""The layout in a real browser: three columns from 1024 px, two on tablets, one
below 640 px with the menu behind a toggle (that also works by keyboard), no
sideways scrolling at 360 px, and touch targets of at least 44 px."""

from __future__ import annotations

import pytest

from tests.support.browser import browser_context
from tests.support.clients import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/games/",
    "/games/slots/",
    "/games/roulette/",
    "/games/rps/",
    "/games/live-rps/",
    "/wallet/",
    "/missions/",
    "/pass/",
    "/shop/",
    "/gallery/",
    "/leaderboards/",
    "/notifications/",
    "/profile/",
    "/profile/responsible-play/",
    "/help/",
]
# Controls a finger must hit: buttons, button-looking links, menu links, form fields.
TARGETS = (
    "button:visible, .button:visible, .site-nav a:visible, select:visible, "
    "input:not([type=hidden]):not([type=checkbox]):not([type=radio]):visible, .nav-toggle:visible"
)


def boxes(page) -> dict:
    return page.evaluate(
        """() => Object.fromEntries(['.site-nav', '.main', '.sidebar'].map((s) => {
            const r = document.querySelector(s).getBoundingClientRect();
            return [s, {x: Math.round(r.x), y: Math.round(r.y), w: Math.round(r.width),
                        h: Math.round(r.height)}];
        }))"""
    )


def test_columns_follow_the_width(live_server, player):
    base = live_server.url
    with browser_context() as context:
        page = context.new_page()
        sign_in(page, base, player.email)

        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(f"{base}/")
        b = boxes(page)
        assert b[".site-nav"]["x"] < b[".main"]["x"] < b[".sidebar"]["x"]
        assert b[".site-nav"]["y"] == b[".main"]["y"] == b[".sidebar"]["y"]

        page.set_viewport_size({"width": 768, "height": 1024})
        b = boxes(page)
        assert b[".site-nav"]["x"] < b[".main"]["x"] == b[".sidebar"]["x"]
        assert b[".sidebar"]["y"] > b[".main"]["y"]

        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{base}/")
        assert not page.locator("#site-nav").is_visible()
        b = boxes(page)
        assert b[".main"]["x"] == b[".sidebar"]["x"] and b[".sidebar"]["y"] > b[".main"]["y"]

        # Keyboard: focus the toggle, open with Enter, the first menu link takes focus.
        toggle = page.locator(".nav-toggle")
        toggle.focus()
        page.keyboard.press("Enter")
        assert page.locator("#site-nav").is_visible()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.evaluate("document.activeElement.closest('#site-nav') !== null")
        toggle.focus()
        page.keyboard.press("Space")
        assert not page.locator("#site-nav").is_visible()


def test_the_menu_opens_without_javascript(live_server, player):
    base = live_server.url
    with browser_context(java_script_enabled=False, viewport={"width": 390, "height": 844}) as c:
        page = c.new_page()
        page.goto(f"{base}/help/")
        assert not page.locator("#site-nav").is_visible()
        page.locator(".nav-toggle").click()
        assert page.locator("#site-nav").is_visible()
        assert page.get_by_role("link", name="Sign in").first.is_visible()


def test_no_sideways_scrolling_and_big_enough_targets_on_a_small_phone(live_server, player):
    base = live_server.url
    problems = []
    with browser_context(viewport={"width": 360, "height": 740}) as context:
        page = context.new_page()
        sign_in(page, base, player.email)
        for path in PAGES:
            page.goto(f"{base}{path}")
            page.wait_for_load_state("load")
            width = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if width[0] > width[1]:
                problems.append(f"{path}: scrolls sideways ({width[0]} > {width[1]})")
            for menu_open in (False, True):
                if menu_open:
                    page.locator(".nav-toggle").click()
                for target in page.locator(TARGETS).all():
                    box = target.bounding_box()
                    if box and (box["height"] < 44 or box["width"] < 44):
                        label = target.evaluate(
                            "(e) => e.outerHTML.slice(0, 90).replace(/\\s+/g, ' ')"
                        )
                        problems.append(f"{path}: {box['width']:.0f}x{box['height']:.0f} {label}")
    assert problems == [], "\n".join(dict.fromkeys(problems))
