"""The free season pass: seasons, their tiers and what players claimed.

There is only a free track: every tier is earned with XP from play during
the season, never bought. A tier's reward is fixed and shown in advance
(coins, a flat XP boost or a cosmetic), never random.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casino_club.kit.translated import KOREAN_HELP, TranslatedText


class Season(TranslatedText, models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=80)
    name_ko = models.CharField(
        _("name (Korean)"), max_length=80, blank=True, default="", help_text=KOREAN_HELP
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="season_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RewardKind(models.TextChoices):
    COINS = "COINS", _("Coins")
    XP_BOOST = "XP_BOOST", _("XP boost")
    COSMETIC = "COSMETIC", _("Cosmetic")


class PassTier(models.Model):
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="tiers")
    number = models.PositiveSmallIntegerField()
    xp_required = models.PositiveIntegerField(help_text=_("Season XP needed to reach this tier."))
    reward_kind = models.CharField(max_length=10, choices=RewardKind.choices)
    coins = models.PositiveIntegerField(default=0)
    xp = models.PositiveIntegerField(default=0, help_text=_("XP granted by an XP boost."))
    item = models.ForeignKey(
        "economy.ShopItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["season", "number"]
        constraints = [
            models.UniqueConstraint(fields=["season", "number"], name="pass_tier_number_once"),
            models.CheckConstraint(
                condition=(
                    Q(reward_kind="COINS", coins__gt=0)
                    | Q(reward_kind="XP_BOOST", xp__gt=0)
                    | Q(reward_kind="COSMETIC", item__isnull=False)
                ),
                name="pass_tier_reward_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.season} tier {self.number}"


class PassClaim(models.Model):
    """A claimed tier; the unique constraint is what makes a claim happen once."""

    player = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pass_claims"
    )
    tier = models.ForeignKey(PassTier, on_delete=models.PROTECT, related_name="claims")
    transaction = models.OneToOneField(
        "economy.LedgerTransaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pass_claim",
    )
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["player", "tier"], name="pass_claim_once"),
        ]

    def __str__(self) -> str:
        return f"{self.tier} claimed by {self.player_id}"


class PassTierReached(models.Model):
    """When a player first reached a tier: the "tier claimable" notice goes out once."""

    player = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pass_tiers_reached"
    )
    tier = models.ForeignKey(PassTier, on_delete=models.CASCADE, related_name="+")
    reached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = _("pass tiers reached")
        constraints = [
            models.UniqueConstraint(fields=["player", "tier"], name="pass_tier_reached_once"),
        ]

    def __str__(self) -> str:
        return f"{self.tier} reached by {self.player_id}"


class PassCoupon(models.Model):
    """A weekly bonus-XP grant to a player behind the season's pace (once a week)."""

    player = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pass_coupons"
    )
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="coupons")
    week_start = models.DateField()
    xp = models.PositiveIntegerField()
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["player", "season", "week_start"], name="pass_coupon_once_a_week"
            ),
        ]

    def __str__(self) -> str:
        return f"+{self.xp} XP coupon for {self.player_id} (week of {self.week_start})"
