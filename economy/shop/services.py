"""Writes about the coin shop: buying with coins, equipping what you own.

Prices always come from the server (``price_for``); a request names only
the item and how many. Coins go to the ``shop_sink`` through the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.action_types import ActionType
from accounts.actions import action_record
from casino_club.kit.errors import DomainError, NotFound
from casino_club.kit.validation import is_whole_number
from economy.errors import IdempotencyKeyReused
from economy.models import InventoryItem, ItemSource, LedgerKind, ShopItem, ShopPurchase
from economy.progression.selectors import vip_tier_for
from economy.services import (
    SHOP_SINK,
    idempotency_key_check,
    ledger_transfer,
    player_account,
    system_account,
)
from economy.shop.selectors import item_is_available, price_for, tier_allows

MAX_QUANTITY = 100


class InvalidQuantity(DomainError):
    code = "invalid_quantity"
    status = 400
    default_message = f"The quantity must be a whole number from 1 to {MAX_QUANTITY}."


class ItemNotFound(NotFound):
    code = "item_not_found"
    default_message = gettext_lazy("There is no such item in the shop.")


class ItemUnavailable(DomainError):
    code = "item_unavailable"
    status = 409
    default_message = gettext_lazy("This item is not on sale right now.")


class SoldOut(DomainError):
    code = "sold_out"
    status = 409
    default_message = gettext_lazy("This item is sold out.")


class TierTooLow(DomainError):
    code = "vip_tier_too_low"
    status = 403
    default_message = gettext_lazy("This item is for a higher VIP tier.")


class OwnedLimit(DomainError):
    code = "already_owned"
    status = 409
    default_message = gettext_lazy("You already own as many of this item as one player can.")


class NotOwned(NotFound):
    code = "not_owned"
    default_message = gettext_lazy("You do not own this item.")


class NotEquippable(DomainError):
    code = "not_equippable"
    status = 409
    default_message = gettext_lazy("This item is not something you wear.")


@dataclass(frozen=True)
class PurchaseResult:
    purchase: ShopPurchase
    balance: int
    replayed: bool = False


def _replay(*, player, key: str, item: ShopItem, quantity: int) -> PurchaseResult | None:
    earlier = (
        ShopPurchase.objects.filter(player=player, idempotency_key=key)
        .select_related("item", "transaction")
        .first()
    )
    if earlier is None:
        return None
    if earlier.item_id != item.pk or earlier.quantity != quantity:
        raise IdempotencyKeyReused()
    balance = (
        earlier.transaction.entries.filter(account__player=player)
        .values_list("balance_after", flat=True)
        .get()
    )
    return PurchaseResult(purchase=earlier, balance=balance, replayed=True)


def inventory_grant(*, player, item: ShopItem, quantity: int, source: str) -> InventoryItem:
    """Add ``quantity`` copies of ``item`` to the inventory, in the caller's transaction."""
    owned, created = InventoryItem.objects.get_or_create(
        player=player,
        item=item,
        defaults={"category": item.category, "quantity": quantity, "source": source},
    )
    if not created:
        InventoryItem.objects.filter(pk=owned.pk).update(quantity=F("quantity") + quantity)
        owned.refresh_from_db()
    return owned


def shop_buy(
    *,
    player,
    item_slug: str,
    quantity: int = 1,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> PurchaseResult:
    """Buy ``quantity`` copies of a listed item at today's server price.

    Raises ``ItemNotFound``, ``ItemUnavailable`` (outside its window),
    ``SoldOut``, ``TierTooLow``, ``OwnedLimit``, ``InvalidQuantity`` or
    ``InsufficientCoins``; nothing is written then. A repeated
    Idempotency-Key returns the first purchase.
    """
    key = idempotency_key_check(idempotency_key)
    if not is_whole_number(quantity) or not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidQuantity(fields={"quantity": f"a whole number from 1 to {MAX_QUANTITY}"})
    now = now or timezone.now()
    with transaction.atomic():
        # The item row lock makes buyers of one item take turns: the stock
        # check below and its decrement see every earlier sale, so the last
        # copy sells once, and a retried key finds the first purchase.
        item = ShopItem.objects.select_for_update().filter(slug=item_slug).first()
        if item is None:
            raise ItemNotFound(fields={"item": "unknown item"})
        if key is not None:
            replay = _replay(player=player, key=key, item=item, quantity=quantity)
            if replay is not None:
                return replay
        if not item_is_available(item, now):
            if not item.listed:
                raise ItemNotFound(fields={"item": "unknown item"})
            raise ItemUnavailable(fields={"item": "not on sale now"})
        if not tier_allows(tier=vip_tier_for(player), item=item):
            raise TierTooLow(
                f"This item is for {item.get_min_vip_tier_display()} tier players and above.",
                fields={"item": f"needs VIP tier {item.min_vip_tier}"},
            )
        if item.stock is not None and item.stock < quantity:
            raise SoldOut(
                "This item is sold out." if item.stock == 0 else f"Only {item.stock} left.",
                fields={"quantity": f"{item.stock} left"},
            )
        owned = (
            InventoryItem.objects.filter(player=player, item=item)
            .values_list("quantity", flat=True)
            .first()
            or 0
        )
        if owned + quantity > item.max_per_player:
            raise OwnedLimit(fields={"quantity": f"at most {item.max_per_player} per player"})
        price = price_for(item, now)
        total = price.price * quantity
        txn = ledger_transfer(
            source=player_account(player=player),
            destination=system_account(code=SHOP_SINK),
            amount=total,
            kind=LedgerKind.SHOP_PURCHASE,
            reference=f"shop:{item.slug}",
            idempotency_scope=f"shop:{player.pk}",
            idempotency_key=key,
        )
        if item.stock is not None:
            ShopItem.objects.filter(pk=item.pk).update(stock=F("stock") - quantity)
        purchase = ShopPurchase.objects.create(
            player=player,
            item=item,
            quantity=quantity,
            unit_price=price.price,
            total=total,
            sale_event=price.event,
            transaction=txn,
            idempotency_key=key,
            created_at=now,
        )
        inventory_grant(player=player, item=item, quantity=quantity, source=ItemSource.SHOP)
        action_record(
            player=player,
            type=ActionType.SHOP_PURCHASED,
            value=total,
            metadata={"item": item.slug, "quantity": quantity, "unit_price": price.price},
        )
    return PurchaseResult(purchase=purchase, balance=txn.player_balance)


def _owned_item(*, player, item_slug: str) -> InventoryItem:
    owned = (
        InventoryItem.objects.select_related("item").filter(player=player, item__slug=item_slug)
    ).first()
    if owned is None:
        raise NotOwned(fields={"item": "not in your inventory"})
    return owned


def item_equip(*, player, item_slug: str) -> InventoryItem:
    """Wear an owned item; whatever the player wore in its category comes off."""
    with transaction.atomic():
        owned = _owned_item(player=player, item_slug=item_slug)
        if not owned.item.equippable:
            raise NotEquippable(fields={"item": "cannot be equipped"})
        # Lock the player's items of this category (in id order) so two
        # equips at once take turns instead of tripping the one-equipped constraint.
        list(
            InventoryItem.objects.select_for_update()
            .filter(player=player, category=owned.category)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        InventoryItem.objects.filter(player=player, category=owned.category, equipped=True).exclude(
            pk=owned.pk
        ).update(equipped=False)
        InventoryItem.objects.filter(pk=owned.pk).update(equipped=True)
        owned.equipped = True
    return owned


def item_unequip(*, player, item_slug: str) -> InventoryItem:
    """Take an owned item off (a no-op if it was not worn)."""
    owned = _owned_item(player=player, item_slug=item_slug)
    InventoryItem.objects.filter(pk=owned.pk).update(equipped=False)
    owned.equipped = False
    return owned
