"""The issue's journey, in Chromium against a real ASGI server (daphne, with its
live sockets): a player verifies their age, finds the mature picture that was
hidden before, unlocks its next stage and sees it reveal, sets a daily wager
limit and is stopped by it with a clear message.

The page must stay clean throughout: any console error (a CSP violation
included), failed request or 5xx fails the test, but for the one 403 the
journey provokes on purpose (the spin over the limit, which Chromium logs).
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.browser import SETTLED, browser_context
from tests.support.clients import PASSWORD
from tests.support.servers import Daphne

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PLAY = "/api/games/slots/play"


@pytest.fixture
def site(tmp_path, settings):
    import os

    settings.GALLERY_MEDIA_ROOT = tmp_path / "gallery"
    server = Daphne(redis_url=os.environ.get("REDIS_URL"), var_dir=tmp_path)
    server.env["GALLERY_MEDIA_ROOT"] = str(tmp_path / "gallery")
    server.start()
    yield server
    server.stop()


def test_verify_age_unlock_a_stage_set_a_limit_and_be_stopped(site, make_player, settings):
    from django.conf import global_settings

    from accounts.models import AgeVerification
    from economy.models import GalleryUnlock
    from tests.support.gallery import give_key, make_collection, make_item
    from tests.support.ledger import give_coins

    # The daphne process checks passwords with the site's real hashers.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    player = make_player("Mina")
    assert player.date_of_birth <= date(2000, 1, 1)  # of age for MATURE_MIN_AGE
    collection = make_collection()
    general = make_item(collection, title="Sunburst")
    mature = make_item(collection, title="Midnight", rating="MATURE", seed=2)
    give_key(player)
    give_coins(player, 5_000)
    base = site.origin
    problems: list[str] = []

    # The limit's refusal is a 403 the page shows: the one error response expected.
    with browser_context(
        viewport={"width": 390, "height": 844}, allow=[(r"/api/games/slots/play$", 403)]
    ) as context:
        page = context.new_page()
        expected = []  # the one refusal the journey provokes: the spin over the limit

        def console(message) -> None:
            if message.type != "error":
                return
            if "403" in message.text and message.location.get("url", "").endswith(PLAY):
                expected.append(message.text)
            else:
                problems.append(f"{message.text} ({message.location.get('url')})")

        page.on("console", console)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
        page.on(
            "response",
            lambda response: (
                problems.append(f"{response.status}: {response.url}")
                if response.status >= 500
                else None
            ),
        )

        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Email").fill(player.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url(f"{base}/")

        # Before the check the mature picture does not exist for this player.
        page.goto(f"{base}/gallery/")
        page.locator(f"#item-{general.pk}").wait_for()
        assert page.locator(f"#item-{mature.pk}").count() == 0

        # Verify the age on its page, by keyboard.
        page.goto(f"{base}/profile/verify-age/")
        page.get_by_label("Your date of birth", exact=True).fill(player.date_of_birth.isoformat())
        page.get_by_label("I confirm that this is my real date of birth.").check()
        page.get_by_role("button", name="Verify my age").press("Enter")
        page.get_by_test_id("mature-allowed").wait_for()
        assert AgeVerification.objects.filter(player=player, revoked_at=None).exists()

        # Now it is there: unlock its next stage and watch it reveal.
        page.goto(f"{base}/gallery/")
        card = page.locator(f"#item-{mature.pk}")
        assert card.get_attribute("data-stage") == "1"
        with page.expect_response(lambda r: r.url.endswith("/api/unlock")) as unlocked:
            card.get_by_role("button", name="Unlock stage 2").click()
        assert unlocked.value.status == 201
        page.locator(f"#item-{mature.pk}.revealed[data-stage='2']").wait_for()
        image = card.get_by_test_id("gallery-image")
        assert image.get_attribute("src").endswith(f"/{mature.pk}/2.webp")
        assert image.evaluate("img => img.complete && img.naturalWidth") == 1024
        assert GalleryUnlock.objects.filter(player=player, item=mature, stage=2).exists()

        # A daily wager limit, set on the responsible-play page.
        page.goto(f"{base}/profile/")
        page.get_by_test_id("profile-responsible-play").click()
        page.get_by_label("Coins wagered per day (blank: no limit)").fill("40")
        page.get_by_test_id("limits-save").click()
        page.get_by_text("Your limits are saved.").wait_for()

        # Play until the limit stops it, with a clear message.
        page.goto(f"{base}/games/slots/")
        stopped = None
        for _ in range(5):
            page.get_by_test_id("spin").click()
            page.locator(SETTLED).wait_for()
            text = page.get_by_test_id("result").inner_text()
            if "daily limit" in text:
                stopped = text
                break
        assert stopped is not None and "tomorrow" in stopped
        page.reload()
        page.get_by_test_id("play-blocked").wait_for()
        page.screenshot(path="test-artifacts/safety-journey.png", full_page=True)

    assert problems == [], problems
    assert len(expected) == 1, expected  # Chromium logs every 4xx fetch; this one is by design
