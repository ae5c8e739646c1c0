"""The coin shop: buying at the server's price, stock, windows, tiers, sales, equipping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from economy.errors import IdempotencyConflict, InsufficientCoins
from economy.models import (
    Event,
    InventoryItem,
    LedgerKind,
    LedgerTransaction,
    PlayerProgress,
    ShopItem,
    ShopPurchase,
)
from economy.selectors import player_balance, system_balance
from economy.services import SHOP_SINK
from economy.shop.selectors import equipped_cosmetics_for, price_for, sale_price
from economy.shop.services import (
    InvalidQuantity,
    ItemNotFound,
    ItemUnavailable,
    NotEquippable,
    NotOwned,
    OwnedLimit,
    SoldOut,
    TierTooLow,
    item_equip,
    item_unequip,
    shop_buy,
)
from tests.support.ledger import ledger_snapshot

pytestmark = pytest.mark.django_db


def make_item(slug="frame-test", **fields) -> ShopItem:
    defaults = {"name": slug.title(), "category": "AVATAR_FRAME", "price": 300}
    return ShopItem.objects.create(slug=slug, **{**defaults, **fields})


def nothing_changed_since(snapshot, item=None, stock=None) -> None:
    assert ledger_snapshot() == snapshot
    assert ShopPurchase.objects.count() == 0
    assert InventoryItem.objects.count() == 0
    if item is not None:
        item.refresh_from_db()
        assert item.stock == stock


def test_buy_pays_the_shop_sink_and_fills_the_inventory(player, fund):
    fund(player, 1000)
    item = make_item(stock=5)

    result = shop_buy(player=player, item_slug=item.slug)

    assert result.balance == 700 == player_balance(player=player)
    assert system_balance(code=SHOP_SINK) == 300
    txn = result.purchase.transaction
    assert txn.kind == LedgerKind.SHOP_PURCHASE
    assert sorted(txn.entries.values_list("amount", flat=True)) == [-300, 300]
    item.refresh_from_db()
    assert item.stock == 4
    owned = InventoryItem.objects.get(player=player, item=item)
    assert (owned.quantity, owned.equipped, owned.source) == (1, False, "SHOP")


def test_buy_with_too_few_coins_changes_nothing(player, fund):
    fund(player, 299)
    item = make_item(stock=3)
    before = ledger_snapshot()

    with pytest.raises(InsufficientCoins):
        shop_buy(player=player, item_slug=item.slug)

    nothing_changed_since(before, item, 3)


@pytest.mark.parametrize("quantity", [0, -1, 101, 10**12, True, 1.5, "2"])
def test_buy_refuses_a_bad_quantity(player, fund, quantity):
    fund(player, 1000)
    item = make_item(max_per_player=200)
    before = ledger_snapshot()

    with pytest.raises(InvalidQuantity):
        shop_buy(player=player, item_slug=item.slug, quantity=quantity)

    nothing_changed_since(before)


def test_buy_refuses_unknown_unlisted_and_out_of_window_items(player, fund):
    fund(player, 5000)
    now = timezone.now()
    make_item("pass-only", listed=False)
    make_item("not-yet", available_from=now + timedelta(hours=1))
    make_item("gone", available_until=now - timedelta(seconds=1))
    before = ledger_snapshot()

    with pytest.raises(ItemNotFound):
        shop_buy(player=player, item_slug="no-such-item")
    with pytest.raises(ItemNotFound):
        shop_buy(player=player, item_slug="pass-only")
    with pytest.raises(ItemUnavailable):
        shop_buy(player=player, item_slug="not-yet")
    with pytest.raises(ItemUnavailable):
        shop_buy(player=player, item_slug="gone")

    nothing_changed_since(before)


def test_buy_refuses_a_sold_out_item_and_more_than_the_stock(player, other_player, fund):
    fund(player, 5000)
    item = make_item(stock=1, max_per_player=5)
    before = ledger_snapshot()

    with pytest.raises(SoldOut):
        shop_buy(player=player, item_slug=item.slug, quantity=2)
    nothing_changed_since(before, item, 1)

    shop_buy(player=player, item_slug=item.slug)
    fund(other_player, 5000)
    after_sale = ledger_snapshot()
    with pytest.raises(SoldOut):
        shop_buy(player=other_player, item_slug=item.slug)
    assert ledger_snapshot() == after_sale
    assert not InventoryItem.objects.filter(player=other_player).exists()


def test_buy_refuses_a_second_copy_of_a_one_per_player_item(player, fund):
    fund(player, 5000)
    item = make_item()
    shop_buy(player=player, item_slug=item.slug)
    before = ledger_snapshot()

    with pytest.raises(OwnedLimit):
        shop_buy(player=player, item_slug=item.slug)

    assert ledger_snapshot() == before
    assert InventoryItem.objects.get(player=player, item=item).quantity == 1


def test_tier_only_item_needs_the_tier(player, fund):
    fund(player, 5000)
    item = make_item(min_vip_tier="GOLD")
    before = ledger_snapshot()

    with pytest.raises(TierTooLow):
        shop_buy(player=player, item_slug=item.slug)
    nothing_changed_since(before)

    PlayerProgress.objects.create(player=player, vip_tier="GOLD")
    assert shop_buy(player=player, item_slug=item.slug).purchase.total == 300


def test_idempotent_replay_returns_the_first_purchase(player, fund):
    fund(player, 1000)
    item = make_item(stock=10, max_per_player=10)

    first = shop_buy(player=player, item_slug=item.slug, quantity=2, idempotency_key="buy-1")
    again = shop_buy(player=player, item_slug=item.slug, quantity=2, idempotency_key="buy-1")

    assert again.replayed and not first.replayed
    assert again.purchase.pk == first.purchase.pk
    assert again.balance == first.balance == 400
    assert player_balance(player=player) == 400
    item.refresh_from_db()
    assert item.stock == 8
    assert LedgerTransaction.objects.filter(kind=LedgerKind.SHOP_PURCHASE).count() == 1
    with pytest.raises(IdempotencyConflict):
        shop_buy(player=player, item_slug=item.slug, quantity=1, idempotency_key="buy-1")


def test_sale_price_applies_only_inside_the_event_window(player, fund):
    fund(player, 5000)
    now = timezone.now()
    item = make_item(price=999, max_per_player=5)
    sale = Event.objects.create(
        name="Spring sale",
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
        shop_discount_percent=25,
    )
    smaller = Event.objects.create(
        name="Small sale",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=3),
        shop_discount_percent=10,
    )
    item.sale_events.add(sale, smaller)

    assert sale_price(999, 25) == 749  # floored
    assert price_for(item, now - timedelta(hours=2)).price == 999  # before both
    assert price_for(item, now).price == 899  # only the small one runs
    during = price_for(item, now + timedelta(minutes=90))
    assert (during.price, during.event, during.on_sale) == (749, sale, True)  # the best wins
    assert price_for(item, now + timedelta(hours=2)).price == 899  # end is exclusive
    assert price_for(item, now + timedelta(hours=4)).price == 999

    inside = shop_buy(player=player, item_slug=item.slug, now=now + timedelta(minutes=90))
    after = shop_buy(player=player, item_slug=item.slug, now=now + timedelta(hours=5))
    assert (inside.purchase.unit_price, inside.purchase.sale_event) == (749, sale)
    assert (after.purchase.unit_price, after.purchase.sale_event) == (999, None)
    assert player_balance(player=player) == 5000 - 749 - 999


def test_an_event_the_item_is_not_part_of_gives_no_discount(player):
    now = timezone.now()
    item = make_item(price=500)
    Event.objects.create(
        name="Other sale", starts_at=now, ends_at=now + timedelta(hours=1), shop_discount_percent=50
    )

    assert price_for(item, now + timedelta(minutes=1)).price == 500


def test_equip_wears_one_item_per_category_and_shows_to_others(player, other_player, fund):
    fund(player, 5000)
    first = make_item("frame-a", preview="🟢")
    second = make_item("frame-b")
    title = make_item("title-a", category="PROFILE_TITLE")
    gallery = make_item("gallery-a", category="GALLERY_UNLOCK")
    for item in (first, second, title, gallery):
        shop_buy(player=player, item_slug=item.slug)

    item_equip(player=player, item_slug="frame-a")
    item_equip(player=player, item_slug="title-a")
    item_equip(player=player, item_slug="frame-b")

    worn = equipped_cosmetics_for([player.pk, other_player.pk])
    assert worn[other_player.pk] == {}
    assert worn[player.pk]["avatar_frame"]["slug"] == "frame-b"
    assert worn[player.pk]["profile_title"]["slug"] == "title-a"
    assert InventoryItem.objects.filter(player=player, equipped=True).count() == 2

    item_unequip(player=player, item_slug="frame-b")
    assert "avatar_frame" not in equipped_cosmetics_for([player.pk])[player.pk]


def test_equip_refuses_items_not_owned_or_not_wearable(player, other_player, fund):
    fund(player, 5000)
    make_item("frame-a")
    make_item("gallery-a", category="GALLERY_UNLOCK")
    shop_buy(player=player, item_slug="gallery-a")

    with pytest.raises(NotOwned):
        item_equip(player=player, item_slug="frame-a")
    with pytest.raises(NotOwned):
        item_equip(player=other_player, item_slug="gallery-a")
    with pytest.raises(NotEquippable):
        item_equip(player=player, item_slug="gallery-a")
    assert not InventoryItem.objects.filter(equipped=True).exists()
