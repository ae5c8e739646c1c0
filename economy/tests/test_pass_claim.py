"""The season pass: pass XP inside the season, tier states, claims paid once, notices, coupons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification, NotificationKind
from economy.models import (
    InventoryItem,
    LedgerKind,
    LedgerTransaction,
    PassClaim,
    PassCoupon,
    PassTier,
    Season,
    ShopItem,
    XpGrant,
)
from economy.progression.services.xp import xp_grant
from economy.season_pass.selectors import pass_status, pass_xp_for
from economy.season_pass.services import (
    COUPON_XP,
    NoSeason,
    TierAlreadyClaimed,
    TierLocked,
    TierNotFound,
    pass_coupons_grant,
    pass_tier_claim,
    pass_tiers_reached,
)
from economy.selectors import player_balance
from tests.support.ledger import ledger_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def season(db):
    now = timezone.now()
    season = Season.objects.create(
        slug="test-season",
        name="Test season",
        starts_at=now - timedelta(days=7),
        ends_at=now + timedelta(days=21),
    )
    frame = ShopItem.objects.create(
        slug="pass-frame", name="Pass frame", category="AVATAR_FRAME", price=100, listed=False
    )
    PassTier.objects.create(season=season, number=1, xp_required=50, reward_kind="COINS", coins=200)
    PassTier.objects.create(season=season, number=2, xp_required=100, reward_kind="XP_BOOST", xp=30)
    PassTier.objects.create(
        season=season, number=3, xp_required=150, reward_kind="COSMETIC", item=frame
    )
    return season


def give_xp(player, amount: int, reference: str, at=None) -> None:
    xp_grant(player=player, amount=amount, source="ADJUSTMENT", reference=reference, now=at)


def test_pass_xp_counts_only_grants_inside_the_season(player, season):
    give_xp(player, 40, "before", at=season.starts_at - timedelta(seconds=1))
    give_xp(player, 60, "inside")

    assert pass_xp_for(player=player, season=season) == 60
    status = pass_status(player=player)
    assert (status.season, status.xp, status.tier, status.next_tier_xp) == (season, 60, 1, 100)
    assert [view.state for view in status.tiers] == ["claimable", "locked", "locked"]
    assert timedelta(days=20) < status.time_left <= timedelta(days=21)


def test_claiming_a_coin_tier_pays_from_the_mint_once(player, season):
    give_xp(player, 60, "play")

    result = pass_tier_claim(player=player, tier_number=1)

    assert result.balance == 200 == player_balance(player=player)
    assert result.claim.transaction.kind == LedgerKind.PASS_REWARD
    assert pass_status(player=player).tiers[0].state == "claimed"
    before = ledger_snapshot()
    with pytest.raises(TierAlreadyClaimed):
        pass_tier_claim(player=player, tier_number=1)
    assert ledger_snapshot() == before
    assert PassClaim.objects.count() == 1


def test_claiming_a_locked_or_unknown_tier_changes_nothing(player, season):
    give_xp(player, 60, "play")
    before = ledger_snapshot()

    with pytest.raises(TierLocked):
        pass_tier_claim(player=player, tier_number=2)
    with pytest.raises(TierNotFound):
        pass_tier_claim(player=player, tier_number=11)

    assert ledger_snapshot() == before
    assert not PassClaim.objects.exists()


def test_xp_boost_and_cosmetic_tiers(player, season):
    give_xp(player, 150, "play")

    pass_tier_claim(player=player, tier_number=2)
    pass_tier_claim(player=player, tier_number=3)

    boost = XpGrant.objects.get(player=player, source="PASS")
    assert (boost.amount, boost.reference) == (30, "pass:test-season:2")
    assert pass_xp_for(player=player, season=season) == 180
    owned = InventoryItem.objects.get(player=player)
    assert (owned.item.slug, owned.source) == ("pass-frame", "PASS")
    assert not LedgerTransaction.objects.filter(kind=LedgerKind.PASS_REWARD).exists()


def test_no_season_running(player, season):
    season.starts_at = timezone.now() + timedelta(days=1)
    season.ends_at = timezone.now() + timedelta(days=2)
    season.save()
    Season.objects.exclude(pk=season.pk).delete()

    with pytest.raises(NoSeason):
        pass_tier_claim(player=player, tier_number=1)
    assert pass_status(player=player).season is None


def test_each_tier_is_announced_once(player, season):
    give_xp(player, 110, "play")

    assert [t.number for t in pass_tiers_reached(player=player)] == [1, 2]
    assert pass_tiers_reached(player=player) == []
    give_xp(player, 50, "more")
    assert [t.number for t in pass_tiers_reached(player=player)] == [3]

    notices = Notification.objects.filter(player=player, kind=NotificationKind.PASS_TIER_CLAIMABLE)
    assert sorted(n.data["tier"] for n in notices) == [1, 2, 3]


def test_weekly_coupon_goes_to_active_players_behind_the_pace_once(
    player, other_player, make_player, season
):
    from accounts.actions import action_record

    ahead = make_player("Ahead")
    idle = make_player("Idle")
    for someone in (player, other_player, ahead):
        action_record(
            player=someone,
            type="ROUND_PLAYED",
            value=1,
            metadata={"round": 0, "game": "slots", "wager": 1, "payout": 0, "net": -1},
        )
    give_xp(ahead, 150, "lots")  # pace a quarter into the season is ~37 XP
    give_xp(other_player, 10, "little")

    assert pass_coupons_grant() == 2
    assert pass_coupons_grant() == 0

    coupons = PassCoupon.objects.values_list("player__nickname", flat=True)
    assert sorted(coupons) == ["Alice", "Bob"]
    assert pass_xp_for(player=player, season=season) == COUPON_XP
    assert pass_xp_for(player=idle, season=season) == 0
