"""Reads about the coin shop: what is on sale and at what price, what players own and wear."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from economy.models import Event, InventoryItem, ShopItem
from economy.progression import rules
from economy.progression.selectors import vip_tier_for


@dataclass(frozen=True)
class Price:
    """What one copy costs at a moment: the list price, or the sale price of the best event."""

    list_price: int
    price: int
    discount_percent: int = 0
    event: Event | None = None

    @property
    def on_sale(self) -> bool:
        return self.price < self.list_price


@dataclass(frozen=True)
class Offer:
    item: ShopItem
    price: Price
    owned: int
    available: bool
    tier_allowed: bool

    @property
    def sold_out(self) -> bool:
        return self.item.stock is not None and self.item.stock == 0

    @property
    def can_buy(self) -> bool:
        return (
            self.available
            and self.tier_allowed
            and not self.sold_out
            and self.owned < self.item.max_per_player
        )


def sale_price(list_price: int, discount_percent: int) -> int:
    """price × (100 − discount) / 100, floored; never below one coin."""
    return max(1, list_price * (100 - discount_percent) // 100)


def item_is_available(item: ShopItem, now: datetime) -> bool:
    """Listed and inside its window (from inclusive, until exclusive)."""
    return (
        item.listed
        and (item.available_from is None or item.available_from <= now)
        and (item.available_until is None or now < item.available_until)
    )


def price_for(item: ShopItem, now: datetime | None = None) -> Price:
    """The item's price at ``now``: the best running sale event it takes part in wins."""
    now = now or timezone.now()
    running = [
        event
        for event in item.sale_events.all()
        if event.starts_at <= now < event.ends_at and event.shop_discount_percent > 0
    ]
    if not running:
        return Price(list_price=item.price, price=item.price)
    best = max(running, key=lambda event: (event.shop_discount_percent, -event.pk))
    return Price(
        list_price=item.price,
        price=sale_price(item.price, best.shop_discount_percent),
        discount_percent=best.shop_discount_percent,
        event=best,
    )


def shop_items_listed(*, now: datetime | None = None) -> QuerySet[ShopItem]:
    """Items in the shop at ``now`` (including sold-out ones, shown as such)."""
    now = now or timezone.now()
    return (
        ShopItem.objects.filter(listed=True)
        .filter(Q(available_from__isnull=True) | Q(available_from__lte=now))
        .filter(Q(available_until__isnull=True) | Q(available_until__gt=now))
        .prefetch_related(Prefetch("sale_events", queryset=Event.objects.filter(ends_at__gt=now)))
    )


def tier_allows(*, tier: str, item: ShopItem) -> bool:
    return not item.min_vip_tier or rules.tier_rank(tier) >= rules.tier_rank(item.min_vip_tier)


def shop_offers(*, player, now: datetime | None = None) -> list[Offer]:
    """Every listed item with its current price and whether ``player`` may buy it."""
    now = now or timezone.now()
    tier = vip_tier_for(player)
    owned = dict(InventoryItem.objects.filter(player=player).values_list("item_id", "quantity"))
    return [
        Offer(
            item=item,
            price=price_for(item, now),
            owned=owned.get(item.pk, 0),
            available=item_is_available(item, now),
            tier_allowed=tier_allows(tier=tier, item=item),
        )
        for item in shop_items_listed(now=now)
    ]


def inventory_for(*, player) -> QuerySet[InventoryItem]:
    return InventoryItem.objects.filter(player=player).select_related("item")


def cosmetic_data(item: ShopItem) -> dict:
    return {
        "slug": item.slug,
        "name": item.localized("name"),
        "category": item.category,
        "preview": item.preview,
        "color": item.color,
    }


def equipped_cosmetics_for(player_ids) -> dict[int, dict[str, dict]]:
    """What each player wears, for pages that show other players (leaderboards, live RPS).

    ``{player_id: {"avatar_frame": {slug, name, category, preview, color}, ...}}``,
    keyed by lower-case category; players who wear nothing map to ``{}``.
    One query for any number of players.
    """
    ids = [int(pk) for pk in player_ids]
    result: dict[int, dict[str, dict]] = {pk: {} for pk in ids}
    rows = InventoryItem.objects.filter(player_id__in=ids, equipped=True).select_related("item")
    for row in rows:
        result[row.player_id][row.category.lower()] = cosmetic_data(row.item)
    return result
