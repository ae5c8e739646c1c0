"""Playwright with Debian's Chromium, for the browser journeys in tests.

Playwright's own browser download does not work here, so every test uses
``/usr/bin/chromium`` with the flags that keep it off the network.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def browser_context(**context_options) -> Iterator:
    from playwright.sync_api import sync_playwright

    # ORM calls must stay outside this block: Playwright's sync API runs an
    # event loop, and Django refuses sync database calls inside one.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "false")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(**context_options)
            context.set_default_timeout(15_000)
            yield context
        finally:
            browser.close()


@contextmanager
def browser_page(**context_options) -> Iterator:
    with browser_context(**context_options) as context:
        yield context.new_page()
