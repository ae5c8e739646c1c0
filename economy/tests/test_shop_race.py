"""Shop races on the real PostgreSQL: threads buying the last copy, retries of one key,
and exact interleavings of two buyers of the last copy."""

from __future__ import annotations

import pytest

from economy.models import InventoryItem, LedgerKind, LedgerTransaction, ShopItem
from economy.selectors import player_balance, system_balance
from economy.services import SHOP_SINK, ledger_reconcile
from economy.shop.services import PurchaseResult, SoldOut, shop_buy
from tests.support.factories import FundedPlayerFactory
from tests.support.races import Competitor, outcome, run_after, run_before, run_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def last_copy() -> ShopItem:
    return ShopItem.objects.create(
        slug="last-frame", name="Last frame", category="AVATAR_FRAME", price=250, stock=1
    )


def assert_one_copy_sold(item: ShopItem, players: list) -> None:
    """Exactly one copy left the shop, paid once; every other coin stayed put."""
    item.refresh_from_db()
    assert item.stock == 0
    assert LedgerTransaction.objects.filter(kind=LedgerKind.SHOP_PURCHASE).count() == 1
    assert InventoryItem.objects.filter(item=item).count() == 1
    assert system_balance(code=SHOP_SINK) == 250
    balances = sorted(player_balance(player=p) for p in players)
    assert balances == [750] + [1000] * (len(players) - 1)
    assert ledger_reconcile().ok


def test_eight_players_racing_for_the_last_copy_one_wins(no_signup_grant):
    item = last_copy()
    players = FundedPlayerFactory.create_batch(8, coins=1000)

    results = run_threads(8, lambda i: shop_buy(player=players[i], item_slug=item.slug))

    assert sorted(outcome(r) for r in results).count("PurchaseResult") == 1
    assert all(isinstance(r, SoldOut) for r in results if outcome(r) != "PurchaseResult")
    assert_one_copy_sold(item, players)


@pytest.mark.parametrize(
    ("around", "target"),
    [
        # Alice holds the item row and has read stock 1, not yet checked it.
        (run_before, "economy.shop.services.item_is_available"),
        # Alice has paid; the stock is not decremented yet.
        (run_after, "economy.shop.services.ledger_transfer"),
    ],
    ids=["before-the-stock-check", "after-the-payment"],
)
def test_a_buyer_arriving_mid_sale_of_the_last_copy_finds_it_sold_out(
    no_signup_grant, around, target
):
    """Bob buys the last copy, on his own connection, at an exact moment of
    Alice's purchase of it: he gets ``SoldOut`` and pays nothing.

    This fails if ``shop_buy`` stopped locking the item row
    (``select_for_update``; tried by removing it): Bob would no longer wait
    for Alice, both would act on stock 1, and whichever decremented second
    would drive the stock to -1, which the column's check refuses. One of
    them would get an IntegrityError (a 500) instead of a sale or
    ``SoldOut``. With the lock, Bob waits on
    the row (``Competitor.start`` returns once PostgreSQL reports him
    blocked) until Alice commits, then sees stock 0.
    """
    item = last_copy()
    alice, bob = FundedPlayerFactory.create_batch(2, coins=1000)
    bob_buys = Competitor(lambda: shop_buy(player=bob, item_slug=item.slug))

    with around(target, bob_buys.start):
        alice_bought = shop_buy(player=alice, item_slug=item.slug)

    assert bob_buys.waited, "Bob did not wait for Alice's lock on the item"
    assert isinstance(alice_bought, PurchaseResult)
    assert isinstance(bob_buys.result(), SoldOut)
    assert_one_copy_sold(item, [alice, bob])
    assert player_balance(player=alice) == 750


def test_concurrent_retries_of_one_key_buy_once(no_signup_grant, player, fund):
    item = ShopItem.objects.create(
        slug="emote-x", name="Emote", category="EMOTE", price=100, stock=50, max_per_player=50
    )
    fund(player, 1000)

    results = run_threads(
        6, lambda i: shop_buy(player=player, item_slug=item.slug, idempotency_key="same-key")
    )

    assert all(outcome(r) == "PurchaseResult" for r in results), results
    assert len({r.purchase.pk for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    assert player_balance(player=player) == 900
    item.refresh_from_db()
    assert item.stock == 49
