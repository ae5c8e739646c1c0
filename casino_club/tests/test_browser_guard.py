"""The shared browser guard (tests/support/browser.py): every browser test
fails on a console error, an uncaught exception, a failed request or an
error response it did not allow — and every browser test goes through it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import browser_page

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.browser]

SCRIPT_ERROR = "data:text/html,<title>x</title><script>console.error('boom')</script>"
UNCAUGHT = "data:text/html,<title>x</title><script>null.boom()</script>"


@pytest.mark.parametrize(
    ("url", "expected"), [(SCRIPT_ERROR, "console error: boom"), (UNCAUGHT, "page error")]
)
def test_a_console_error_or_an_uncaught_exception_fails_the_block(url, expected):
    with pytest.raises(AssertionError, match=expected), browser_page() as page:
        page.goto(url)
        page.wait_for_load_state("load")


def test_an_error_response_fails_unless_allowed(live_server):
    missing = f"{live_server.url}/no-such-page/"
    with pytest.raises(AssertionError, match="response 404"), browser_page() as page:
        page.goto(missing)

    with browser_page(allow=[(r"/no-such-page/$", 404)]) as page:
        assert page.goto(missing).status == 404


def test_a_failed_request_fails_the_block():
    with pytest.raises(AssertionError, match="request failed"), browser_page() as page:
        # Nothing listens on port 9 (discard) here.
        page.goto("data:text/html,<title>x</title><img src='http://127.0.0.1:9/x.png'>")
        page.wait_for_load_state("load")


def test_every_browser_test_goes_through_the_guard():
    # A test that launched Playwright itself would skip the checks.
    own = {Path(__file__), ROOT / "tests" / "support" / "browser.py"}
    offenders = [
        str(path.relative_to(ROOT))
        for top in ("accounts", "economy", "games", "casino_club", "tests")
        for path in (ROOT / top).rglob("*.py")
        if path not in own and "sync_playwright" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
