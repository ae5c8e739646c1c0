"""A player who owns the Art deco gallery unlocks stage 2 of a picture on the gallery page
and sees it reveal; with reduced motion, stage 3 arrives without the transition."""

from __future__ import annotations

import pytest

from tests.support.browser import browser_context, sibling_context
from tests.support.clients import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.GALLERY_MEDIA_ROOT = tmp_path / "gallery"


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{base}/")


def balance(page) -> int:
    return int(page.get_by_test_id("gallery-balance").inner_text().replace(",", ""))


def test_unlock_a_stage_and_see_the_reveal(live_server, player):
    from economy.models import PlayerProgress
    from tests.support.gallery import give_key, make_collection, make_item
    from tests.support.ledger import give_coins

    item = make_item(make_collection())
    give_key(player)
    give_coins(player, 500)
    PlayerProgress.objects.update_or_create(player=player, defaults={"vip_tier": "SILVER"})
    base = live_server.url
    with browser_context(viewport={"width": 1280, "height": 900}) as context:
        page = context.new_page()
        sign_in(page, base, player.email)

        page.get_by_role("link", name="Gallery", exact=True).first.click()
        card = page.locator(f"#item-{item.pk}")
        assert card.get_attribute("data-stage") == "1"
        image = card.get_by_test_id("gallery-image")
        assert image.get_attribute("src").endswith(f"/{item.pk}/1.webp")
        assert "100 coins" in card.get_by_test_id("gallery-next").inner_text()
        before = balance(page)

        # Keyboard: focus the unlock button and press Enter.
        card.get_by_role("button", name="Unlock stage 2").focus()
        with page.expect_response(lambda r: r.url.endswith("/api/unlock")) as unlocked:
            page.keyboard.press("Enter")
        assert unlocked.value.status == 201
        page.locator(f"#item-{item.pk}.revealed[data-stage='2']").wait_for()
        assert image.get_attribute("src").endswith(f"/{item.pk}/2.webp")
        assert image.evaluate("img => img.complete && img.naturalWidth") == 1024
        assert "reveal-start" not in (image.get_attribute("class") or "")
        transition = image.evaluate("img => getComputedStyle(img).transitionDuration")
        assert transition.startswith("0.9s"), transition
        card.get_by_text("Stage 3:").wait_for()
        assert balance(page) == before - 100
        page.screenshot(path="test-artifacts/gallery-reveal.png", full_page=True)

        # Reduced motion: the next stage swaps in with no transition.
        calm = sibling_context(
            context, reduced_motion="reduce", viewport={"width": 390, "height": 844}
        )
        quiet = calm.new_page()
        sign_in(quiet, base, player.email)
        quiet.goto(f"{base}/gallery/")
        quiet_card = quiet.locator(f"#item-{item.pk}")
        quiet_card.get_by_role("button", name="Unlock stage 3").click()
        quiet.locator(f"#item-{item.pk}.revealed[data-stage='3']").wait_for()
        quiet_image = quiet_card.get_by_test_id("gallery-image")
        assert quiet_image.evaluate("img => getComputedStyle(img).transitionDuration") in (
            "0s",
            "1e-05s",
        )
        quiet_card.get_by_text("Fully revealed").wait_for()
        calm.close()
