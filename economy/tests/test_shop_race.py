"""Shop races on the real PostgreSQL: threads buying the last copy, retries of one key."""

from __future__ import annotations

import pytest

from economy.models import EconomySettings, InventoryItem, LedgerKind, LedgerTransaction, ShopItem
from economy.selectors import economy_settings_forget, player_balance, system_balance
from economy.services import SHOP_SINK, ledger_reconcile
from economy.shop.services import SoldOut, shop_buy
from economy.tests.test_concurrency import fund, outcome, run_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_signup_grant():
    EconomySettings.objects.update_or_create(pk=1, defaults={"signup_grant": 0})
    economy_settings_forget()


def test_eight_players_racing_for_the_last_copy_one_wins(no_signup_grant, make_player):
    item = ShopItem.objects.create(
        slug="last-frame", name="Last frame", category="AVATAR_FRAME", price=250, stock=1
    )
    players = [make_player(f"racer{i}") for i in range(8)]
    for racer in players:
        fund(racer, 1000)

    results = run_threads(8, lambda i: shop_buy(player=players[i], item_slug=item.slug))

    assert sorted(outcome(r) for r in results).count("PurchaseResult") == 1
    assert all(isinstance(r, SoldOut) for r in results if outcome(r) != "PurchaseResult")
    item.refresh_from_db()
    assert item.stock == 0
    assert LedgerTransaction.objects.filter(kind=LedgerKind.SHOP_PURCHASE).count() == 1
    assert InventoryItem.objects.filter(item=item).count() == 1
    assert system_balance(code=SHOP_SINK) == 250
    assert sorted(player_balance(player=p) for p in players) == [750] + [1000] * 7
    assert ledger_reconcile().ok


def test_concurrent_retries_of_one_key_buy_once(no_signup_grant, player):
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
