"""A player plays until a mission completes, claims it, claims a season pass tier,
then buys an emote in the shop and equips it."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import SETTLED, VIEWPORTS, browser_page, nav_click
from tests.support.clients import PASSWORD
from tests.support.ledger import give_coins

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(db):
    """Season 1, the shop and one short mission (a flush removed the migrations' rows)."""
    from economy.models import MissionTemplate
    from economy.season_pass.defaults import defaults_seed_current

    defaults_seed_current()
    MissionTemplate.objects.get_or_create(
        code="journey-play-3",
        defaults={
            "title": "Play 3 rounds",
            "type": "PLAY_ROUNDS",
            "target": 3,
            "period": "DAILY",
            "reward_coins": 50,
            "reward_xp": 30,
        },
    )


def balance_in_shop(page) -> int:
    return int(re.sub(r"\D", "", page.get_by_test_id("shop-balance").inner_text()))


@pytest.mark.parametrize("size", VIEWPORTS)
def test_player_completes_a_mission_claims_a_tier_and_wears_a_new_emote(
    live_server, player, catalogue, size
):
    give_coins(player, 2_000)
    base = live_server.url

    with browser_page(viewport=VIEWPORTS[size]) as page:
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Email").fill(player.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url(f"{base}/")

        # The day's missions are handed out when the player first looks.
        nav_click(page, "Missions")
        mission = page.get_by_test_id("mission-journey-play-3")
        assert "0 / 3" in mission.inner_text()

        # Three rounds of rock-paper-scissors at the minimum bet.
        page.goto(f"{base}/games/rps/")
        for _round in range(3):
            with page.expect_response(lambda r: r.url.endswith("/api/games/rps/play")):
                page.get_by_test_id("play").click()
            page.locator(SETTLED).wait_for()

        page.goto(f"{base}/missions/")
        mission = page.get_by_test_id("mission-journey-play-3")
        mission.get_by_role("button", name="Claim").click()
        page.get_by_test_id("mission-journey-play-3").get_by_text("Claimed").wait_for()
        page.screenshot(path=f"test-artifacts/progression-mission-{size}.png", full_page=True)

        # Rounds and the mission gave season XP: tier 1 (20 XP) is ready.
        nav_click(page, "Season pass")
        tier_one = page.locator("[data-testid=pass-tier][data-tier='1']")
        assert tier_one.get_attribute("data-state") == "claimable"
        assert (
            page.locator("[data-testid=pass-tier][data-tier='2']").get_attribute("data-state")
            == "locked"
        )
        page.get_by_role("button", name="Claim tier 1").click()
        page.get_by_text("Tier 1 claimed: 200 coins.").wait_for()
        assert tier_one.get_attribute("data-state") == "claimed"
        page.screenshot(path=f"test-artifacts/progression-pass-{size}.png", full_page=True)

        # The shop: buy the Wave emote and wear it.
        nav_click(page, "Shop")
        before_buy = balance_in_shop(page)
        page.get_by_role("button", name="Buy Wave").click()
        page.get_by_text("You bought Wave for 150 coins.").wait_for()
        assert balance_in_shop(page) == before_buy - 150
        page.get_by_role("button", name="Equip Wave").click()
        page.get_by_text("You are wearing Wave.").wait_for()
        inventory = page.get_by_test_id("inventory")
        assert "Equipped" in inventory.inner_text()
        page.get_by_role("button", name="Unequip Wave").wait_for()
        page.screenshot(path=f"test-artifacts/progression-shop-{size}.png", full_page=True)

        page.goto(f"{base}/profile/")
        assert "Wave" in page.get_by_test_id("profile-cosmetics").inner_text()
        assert page.get_by_test_id("profile-pass-tier").inner_text() == "1"

    from economy.models import InventoryItem, LedgerKind, PassClaim, PlayerMission, ShopPurchase
    from economy.selectors import player_balance

    mission = PlayerMission.objects.get(player=player, template__code="journey-play-3")
    assert mission.claimed_at is not None
    claim = PassClaim.objects.get(player=player)
    assert (claim.tier.number, claim.transaction.kind) == (1, LedgerKind.PASS_REWARD)
    purchase = ShopPurchase.objects.get(player=player)
    assert (purchase.item.slug, purchase.total) == ("emote-wave", 150)
    assert InventoryItem.objects.get(player=player, item__slug="emote-wave").equipped
    assert player_balance(player=player) == before_buy - 150
