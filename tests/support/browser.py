"""Playwright with Debian's Chromium, for the browser journeys in tests.

Playwright's own browser download does not work here, so every test uses
``/usr/bin/chromium`` with the flags that keep it off the network.

Every page of every context opened here is watched: a console error (a
Content-Security-Policy violation is one), an uncaught exception, a request
that fails, or a response of 400 or more fails the test when its block ends,
unless the test allowed that URL and status (``allow=[(r"/api/x$", 409)]``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Chromium logs every response of 400 or more as this console error too.
FAILED_RESOURCE = "Failed to load resource"


@dataclass
class PageProblems:
    """What went wrong in the pages of one browser context, as readable lines."""

    allow: list[tuple[re.Pattern, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def allowed(self, url: str, status: int | None) -> bool:
        return any(
            pattern.search(url) and (status is None or status == allowed_status)
            for pattern, allowed_status in self.allow
        )

    def watch(self, page) -> None:
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self.on_request_failed)
        page.on("response", self.on_response)

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if message.text.startswith(FAILED_RESOURCE) and self.allowed(url, None):
            return
        self.problems.append(f"console error: {message.text} ({url})")

    def on_request_failed(self, request) -> None:
        # Leaving a page cancels its in-flight requests (net::ERR_ABORTED): that
        # is the browser's doing, not a failure of the site. Refused connections,
        # resets, DNS errors, CSP blocks (net::ERR_BLOCKED_BY_*) still count.
        if request.failure == "net::ERR_ABORTED":
            return
        self.problems.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def on_response(self, response) -> None:
        if response.status >= 400 and not self.allowed(response.url, response.status):
            method = response.request.method
            self.problems.append(f"response {response.status}: {method} {response.url}")

    def assert_clean(self) -> None:
        assert self.problems == [], "the browser reported problems:\n" + "\n".join(self.problems)


def _patterns(allow: Iterable[tuple[str, int]]) -> list[tuple[re.Pattern, int]]:
    return [(re.compile(pattern), status) for pattern, status in allow]


@contextmanager
def browser_context(*, allow: Iterable[tuple[str, int]] = (), **context_options) -> Iterator:
    """A fresh Chromium context; fails on any problem ``PageProblems`` sees.

    ``allow``: ``(url regex, status)`` pairs of error responses the test expects.
    """
    from playwright.sync_api import sync_playwright

    # ORM calls must stay outside this block: Playwright's sync API runs an
    # event loop, and Django refuses sync database calls inside one.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "false")
    watcher = PageProblems(allow=_patterns(allow))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(**context_options)
            context.set_default_timeout(15_000)
            context.on("page", watcher.watch)
            context.problems = watcher
            yield context
            watcher.assert_clean()
        finally:
            browser.close()


def sibling_context(context, **context_options):
    """A second context on ``context``'s browser (another player), watched by the
    same guard; the caller closes it."""
    other = context.browser.new_context(**context_options)
    other.set_default_timeout(15_000)
    other.on("page", context.problems.watch)
    return other


@contextmanager
def browser_page(*, allow: Iterable[tuple[str, int]] = (), **context_options) -> Iterator:
    with browser_context(allow=allow, **context_options) as context:
        yield context.new_page()


# The two sizes every journey runs at (issue 14): a laptop and a phone.
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def nav_click(page, name: str) -> None:
    """Follow a main-menu link as a player would: on a phone the menu sits behind
    its toggle, so open it first."""
    link = page.locator("#site-nav").get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        page.locator(".nav-toggle").click()
    link.click()


# A game page's result line once its round has settled (not "pending").
SETTLED = "[data-result][data-kind]:not([data-kind=pending])"


def balance_of(page) -> int:
    """The balance a game page shows, once it has loaded."""
    page.locator("[data-testid=balance]").filter(has_text=re.compile(r"\d")).wait_for()
    return int(re.sub(r"\D", "", page.get_by_test_id("balance").inner_text()))
