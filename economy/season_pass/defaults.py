"""The default catalogue: Season 1 with ten tiers and the shop's first items.

Used by the data migration (with historical models) and by tests whose
database was flushed. Idempotent: rows are found by slug or created.
"""

from __future__ import annotations

from datetime import UTC, datetime

from economy.korean_defaults import SEASONS as KOREAN_SEASONS
from economy.korean_defaults import SHOP_ITEMS as KOREAN_ITEMS
from economy.korean_defaults import fill_empty

SEASON_1 = {
    "slug": "season-1",
    "name": "Season 1",
    "starts_at": datetime(2026, 1, 1, tzinfo=UTC),
    "ends_at": datetime(2027, 12, 31, 23, 59, 59, tzinfo=UTC),
}

# Items for sale: (slug, name, category, price, preview, color, extra fields).
# Pages draw each item as its category's SVG icon in its colour; the preview
# text stays blank (emoji draw as empty boxes without an emoji font).
SHOP_ITEMS = [
    ("emote-wave", "Wave", "EMOTE", 150, "", "#d4a537", {}),
    ("emote-gg", "Good game", "EMOTE", 200, "", "#2fbf71", {}),
    ("title-lucky", "Lucky", "PROFILE_TITLE", 400, "", "#2fbf71", {}),
    ("frame-emerald", "Emerald frame", "AVATAR_FRAME", 500, "", "#2fbf71", {}),
    ("cardback-royal", "Royal card back", "CARD_BACK", 600, "", "#7b5cd6", {}),
    ("frame-ruby", "Ruby frame", "AVATAR_FRAME", 800, "", "#d6455d", {}),
    ("gallery-art-deco", "Art deco gallery", "GALLERY_UNLOCK", 1000, "", "#d4a537", {}),
    ("theme-midnight", "Midnight table", "TABLE_THEME", 1200, "", "#3b4a8f", {}),
    ("frame-founders", "Founders' frame", "AVATAR_FRAME", 1500, "", "#b08d57", {"stock": 100}),
    (
        "title-high-roller",
        "High roller",
        "PROFILE_TITLE",
        2000,
        "",
        "#6fd3ff",
        {"min_vip_tier": "GOLD"},
    ),
]

# Season pass cosmetics, never sold (listed=False).
PASS_ITEMS = [
    ("s1-frame-bronze", "Season 1 bronze frame", "AVATAR_FRAME", 300, "", "#b0703c"),
    ("s1-title-regular", "Season 1 regular", "PROFILE_TITLE", 500, "", "#d4a537"),
    ("s1-cardback-star", "Starry card back", "CARD_BACK", 700, "", "#3b4a8f"),
    ("s1-frame-gold", "Season 1 gold frame", "AVATAR_FRAME", 1500, "", "#d4a537"),
]

# Tier: (number, xp_required, reward_kind, coins, xp, item slug)
SEASON_1_TIERS = [
    (1, 20, "COINS", 200, 0, None),
    (2, 60, "COSMETIC", 0, 0, "s1-frame-bronze"),
    (3, 120, "XP_BOOST", 0, 50, None),
    (4, 200, "COINS", 300, 0, None),
    (5, 300, "COSMETIC", 0, 0, "s1-title-regular"),
    (6, 450, "COINS", 400, 0, None),
    (7, 650, "COSMETIC", 0, 0, "s1-cardback-star"),
    (8, 900, "XP_BOOST", 0, 100, None),
    (9, 1200, "COINS", 500, 0, None),
    (10, 1600, "COSMETIC", 0, 0, "s1-frame-gold"),
]


def defaults_seed(*, Season, PassTier, ShopItem) -> None:
    """Create Season 1, its tiers and the shop's items unless they exist."""
    for position, (slug, name, category, price, preview, color, extra) in enumerate(SHOP_ITEMS):
        ShopItem.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "category": category,
                "price": price,
                "preview": preview,
                "color": color,
                "sort_order": position,
                **extra,
            },
        )
    for slug, name, category, price, preview, color in PASS_ITEMS:
        ShopItem.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "category": category,
                "price": price,
                "preview": preview,
                "color": color,
                "listed": False,
            },
        )
    season, _ = Season.objects.get_or_create(
        slug=SEASON_1["slug"], defaults={k: v for k, v in SEASON_1.items() if k != "slug"}
    )
    for number, xp_required, kind, coins, xp, item_slug in SEASON_1_TIERS:
        PassTier.objects.get_or_create(
            season=season,
            number=number,
            defaults={
                "xp_required": xp_required,
                "reward_kind": kind,
                "coins": coins,
                "xp": xp,
                "item": ShopItem.objects.get(slug=item_slug) if item_slug else None,
            },
        )
    # Korean names (economy/korean_defaults.py) for rows that have none yet.
    fill_empty(ShopItem, "slug", KOREAN_ITEMS, ("name",))
    fill_empty(Season, "slug", KOREAN_SEASONS, ("name",))


def defaults_seed_current() -> None:
    """The same with today's models (for tests and a fresh database after a flush)."""
    from economy.models import PassTier, Season, ShopItem

    defaults_seed(Season=Season, PassTier=PassTier, ShopItem=ShopItem)
