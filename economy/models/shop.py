"""The coin shop: cosmetic items priced in coins, what players own, what they bought.

Nothing here is random: an item's price, stock and availability are shown
before the purchase, and a purchase gives exactly the item bought. Items
that are not ``listed`` exist only as season pass rewards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casino_club.kit.translated import KOREAN_HELP, TranslatedText
from economy.models.progression import VipTier


class ItemCategory(models.TextChoices):
    AVATAR_FRAME = "AVATAR_FRAME", _("Avatar frame")
    TABLE_THEME = "TABLE_THEME", _("Table theme")
    CARD_BACK = "CARD_BACK", _("Card back")
    EMOTE = "EMOTE", _("Emote")
    GALLERY_UNLOCK = "GALLERY_UNLOCK", _("Gallery unlock")
    PROFILE_TITLE = "PROFILE_TITLE", _("Profile title")


# Categories a player wears (one item per category at a time); gallery
# unlocks are simply owned.
EQUIPPABLE = frozenset(
    {
        ItemCategory.AVATAR_FRAME,
        ItemCategory.TABLE_THEME,
        ItemCategory.CARD_BACK,
        ItemCategory.EMOTE,
        ItemCategory.PROFILE_TITLE,
    }
)


class ShopItem(TranslatedText, models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    name_ko = models.CharField(
        _("name (Korean)"), max_length=80, blank=True, default="", help_text=KOREAN_HELP
    )
    description_ko = models.CharField(
        _("description (Korean)"), max_length=300, blank=True, default=""
    )
    category = models.CharField(max_length=20, choices=ItemCategory.choices)
    # What the page shows as the item's preview: a glyph and a colour.
    preview = models.CharField(max_length=16, blank=True, help_text=_("An emoji or short text."))
    color = models.CharField(
        max_length=7, default="#d4a537", help_text=_("Preview colour, e.g. #d4a537.")
    )
    price = models.PositiveIntegerField(help_text=_("In coins; coins cannot be bought."))
    listed = models.BooleanField(
        default=True, help_text=_("Sold in the shop; unlisted items are season pass rewards.")
    )
    stock = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Copies left; empty means unlimited.")
    )
    max_per_player = models.PositiveSmallIntegerField(default=1)
    available_from = models.DateTimeField(null=True, blank=True)
    available_until = models.DateTimeField(null=True, blank=True)
    min_vip_tier = models.CharField(
        max_length=10,
        choices=VipTier.choices,
        blank=True,
        default="",
        help_text=_("Lowest VIP tier that may buy it; empty for everyone."),
    )
    sale_events = models.ManyToManyField("economy.Event", blank=True, related_name="sale_items")
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sort_order", "price", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="shop_item_price_positive"),
            models.CheckConstraint(
                condition=Q(max_per_player__gte=1), name="shop_item_max_per_player_positive"
            ),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_until__isnull=True)
                | Q(available_from__lt=models.F("available_until")),
                name="shop_item_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def equippable(self) -> bool:
        return self.category in EQUIPPABLE


class ItemSource(models.TextChoices):
    SHOP = "SHOP", _("Bought in the shop")
    PASS = "PASS", _("Season pass reward")


class InventoryItem(models.Model):
    """What a player owns; at most one equipped item per category."""

    player = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inventory"
    )
    item = models.ForeignKey(ShopItem, on_delete=models.PROTECT, related_name="owners")
    # Copied from the item so "one equipped per category" is a constraint.
    category = models.CharField(max_length=20, choices=ItemCategory.choices)
    quantity = models.PositiveIntegerField(default=1)
    equipped = models.BooleanField(default=False)
    source = models.CharField(max_length=8, choices=ItemSource.choices)
    acquired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category", "acquired_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["player", "item"], name="inventory_item_once"),
            models.UniqueConstraint(
                fields=["player", "category"],
                condition=Q(equipped=True),
                name="inventory_one_equipped_per_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} owned by {self.player_id}"


class ShopPurchase(models.Model):
    """One purchase: the price paid (from the server) and its ledger transaction."""

    player = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shop_purchases"
    )
    item = models.ForeignKey(ShopItem, on_delete=models.PROTECT, related_name="purchases")
    quantity = models.PositiveIntegerField()
    unit_price = models.PositiveIntegerField()
    total = models.PositiveIntegerField()
    sale_event = models.ForeignKey(
        "economy.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    transaction = models.OneToOneField(
        "economy.LedgerTransaction", on_delete=models.PROTECT, related_name="shop_purchase"
    )
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["player", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="shop_purchase_idempotent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item_id} for {self.player_id}"
