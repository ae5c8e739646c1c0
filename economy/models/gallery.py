"""The gallery: moderator-curated collections whose items reveal in three stages.

Stage 1 is a strongly blurred teaser, stage 2 shows the moderator's region
sharp with the rest blurred, stage 3 the whole picture. A player sees a
collection's teasers once they own its key item (if it has one) and unlocks
stage 2 and 3 in order, each by its condition: coins paid through the
ledger, a season pass tier, completed missions or a VIP tier. Never by chance
and never by real money.

The original and the derived stage images live under ``GALLERY_MEDIA_ROOT``,
a private directory no URL maps to; ``GalleryStorage.url`` refuses, and the
only way out is the permission-checked media view.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casino_club.kit.translated import KOREAN_HELP, TranslatedText
from economy.models.progression import VipTier

STAGES = (1, 2, 3)
UNLOCKABLE_STAGES = (2, 3)


class GalleryStorage(FileSystemStorage):
    """Files under ``GALLERY_MEDIA_ROOT``, read at each use (tests override it); no URLs."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def base_location(self):
        return str(settings.GALLERY_MEDIA_ROOT)

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    def url(self, name):
        raise ValueError("Gallery files have no URL; the media view serves them.")


gallery_storage = GalleryStorage()


def _storage():
    return gallery_storage


def _original_path(item: GalleryItem, filename: str) -> str:
    suffix = Path(filename).suffix.lower()[:5]
    return f"originals/{secrets.token_hex(16)}{suffix}"


def _asset_token() -> str:
    return secrets.token_hex(16)


class Rating(models.TextChoices):
    GENERAL = "GENERAL", _("General")
    MATURE = "MATURE", _("Mature (verified age only)")


class UnlockKind(models.TextChoices):
    COINS = "COINS", _("Coins")
    PASS_TIER = "PASS_TIER", _("Season pass tier reached")
    MISSIONS = "MISSIONS", _("Missions completed")
    VIP_TIER = "VIP_TIER", _("VIP tier reached")


class Collection(TranslatedText, models.Model):
    title = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True, default="")
    title_ko = models.CharField(
        _("title (Korean)"), max_length=100, blank=True, default="", help_text=KOREAN_HELP
    )
    description_ko = models.CharField(
        _("description (Korean)"), max_length=300, blank=True, default=""
    )
    key_item = models.ForeignKey(
        "economy.ShopItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gallery_collections",
        help_text=_("Owning this shop item opens the collection; empty for everyone."),
    )
    published = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.title


class GalleryItem(TranslatedText, models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True, default="")
    title_ko = models.CharField(
        _("title (Korean)"), max_length=100, blank=True, default="", help_text=KOREAN_HELP
    )
    description_ko = models.CharField(
        _("description (Korean)"), max_length=300, blank=True, default=""
    )
    rating = models.CharField(max_length=8, choices=Rating.choices, default=Rating.GENERAL)
    order = models.PositiveSmallIntegerField(default=0)
    published = models.BooleanField(default=True)
    original = models.ImageField(
        storage=_storage,
        upload_to=_original_path,
        max_length=200,
        help_text=_("Kept private; never served. The stage images are derived from it."),
    )
    original_width = models.PositiveIntegerField(default=0, editable=False)
    original_height = models.PositiveIntegerField(default=0, editable=False)
    # The stage 2 region, in the original's pixels (after its EXIF rotation).
    region_x = models.PositiveIntegerField(default=0)
    region_y = models.PositiveIntegerField(default=0)
    region_w = models.PositiveIntegerField(default=1)
    region_h = models.PositiveIntegerField(default=1)
    # Derived files live under derived/<token>/, a name no one can guess.
    asset_token = models.CharField(max_length=32, default=_asset_token, editable=False)
    derived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["collection", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(region_w__gte=1, region_h__gte=1), name="gallery_region_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def mature(self) -> bool:
        return self.rating == Rating.MATURE


class UnlockCondition(models.Model):
    """What unlocks stage 2 or 3 of an item: exactly one kind, with its target."""

    item = models.ForeignKey(GalleryItem, on_delete=models.CASCADE, related_name="conditions")
    stage = models.PositiveSmallIntegerField(choices=[(2, "2"), (3, "3")])
    kind = models.CharField(max_length=10, choices=UnlockKind.choices)
    coins = models.PositiveIntegerField(null=True, blank=True, help_text=_("Price in coins."))
    pass_tier = models.ForeignKey(
        "economy.PassTier", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    mission_template = models.ForeignKey(
        "economy.MissionTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only this mission counts; empty for any mission."),
    )
    mission_count = models.PositiveSmallIntegerField(default=1)
    vip_tier = models.CharField(max_length=10, choices=VipTier.choices, blank=True, default="")

    class Meta:
        ordering = ["item", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["item", "stage"], name="gallery_condition_once"),
            models.CheckConstraint(
                condition=Q(stage__in=UNLOCKABLE_STAGES), name="gallery_condition_stage"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="COINS", coins__gt=0)
                    | Q(kind="PASS_TIER", pass_tier__isnull=False)
                    | Q(kind="MISSIONS", mission_count__gte=1)
                    | (Q(kind="VIP_TIER") & ~Q(vip_tier=""))
                ),
                name="gallery_condition_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} stage {self.stage}: {self.kind}"


class GalleryUnlock(models.Model):
    """A stage a player unlocked (stage 1 needs no row: it comes with the collection)."""

    player = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gallery_unlocks"
    )
    item = models.ForeignKey(GalleryItem, on_delete=models.CASCADE, related_name="unlocks")
    stage = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=UnlockKind.choices)
    transaction = models.OneToOneField(
        "economy.LedgerTransaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gallery_unlock",
    )
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["player", "item", "stage"], name="gallery_unlock_once"),
            models.UniqueConstraint(
                fields=["player", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="gallery_unlock_idempotent",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=UNLOCKABLE_STAGES), name="gallery_unlock_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} stage {self.stage} for {self.player_id}"
