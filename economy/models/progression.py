"""Progression: XP, levels, VIP tiers, streaks, missions and limited-time events.

Only ``economy.progression.services`` (the package) writes these tables. Coins that
progression pays (mission and level rewards) move through the ledger like
every other coin; this module holds the rules' state, never a balance.
See docs/progression.md for the numbers.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casino_club.kit.translated import KOREAN_HELP, TranslatedText


class VipTier(models.TextChoices):
    BRONZE = "BRONZE", _("Bronze")
    SILVER = "SILVER", _("Silver")
    GOLD = "GOLD", _("Gold")
    PLATINUM = "PLATINUM", _("Platinum")
    DIAMOND = "DIAMOND", _("Diamond")


class PlayerProgress(models.Model):
    """One row per player: lifetime XP, level, tier, days played and streak.

    The database is the source of truth; the streak is also cached (Redis
    when configured) for the pages that show it on every visit.
    """

    player = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="progress",
    )
    xp = models.BigIntegerField(default=0)
    level = models.PositiveIntegerField(default=1)
    vip_tier = models.CharField(max_length=10, choices=VipTier.choices, default=VipTier.BRONZE)
    # Distinct local days with play (rounds or live matches); tiers need it.
    days_played = models.PositiveIntegerField(default=0)
    last_played_date = models.DateField(null=True, blank=True)
    # The original design's streak fields: consecutive local days played.
    streak_count = models.PositiveIntegerField(default=0)
    last_action_ts = models.DateTimeField(null=True, blank=True)
    # Play XP (before event multipliers) earned on ``play_xp_date``; the daily cap.
    play_xp_today = models.PositiveIntegerField(default=0)
    play_xp_date = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = _("player progress")
        constraints = [
            models.CheckConstraint(condition=Q(xp__gte=0), name="progress_xp_not_negative"),
            models.CheckConstraint(condition=Q(level__gte=1), name="progress_level_positive"),
        ]
        indexes = [models.Index(fields=["-xp"], name="progress_xp_desc")]

    def __str__(self) -> str:
        return f"progress of player {self.player_id}: {self.xp} XP, level {self.level}"


class XpSource(models.TextChoices):
    PLAY = "PLAY", _("Play")
    MISSION = "MISSION", _("Mission")
    PASS = "PASS", _("Season pass")
    ADJUSTMENT = "ADJUSTMENT", _("Adjustment")


class XpGrant(models.Model):
    """Every XP grant, for history and audits (lifetime XP = sum of amounts)."""

    player = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="xp_grants"
    )
    amount = models.PositiveIntegerField()
    source = models.CharField(max_length=12, choices=XpSource.choices)
    # What earned it: "action:<id>", "mission:<id>", "pass:<season>:<tier>".
    reference = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # One grant per thing earned, even when two deliveries race.
            models.UniqueConstraint(fields=["player", "source", "reference"], name="xp_grant_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="xp_grant_positive"),
        ]
        indexes = [models.Index(fields=["player", "-created_at"], name="xp_grant_player_recent")]

    def __str__(self) -> str:
        return f"+{self.amount} XP ({self.source}) for player {self.player_id}"


class MissionType(models.TextChoices):
    PLAY_ROUNDS = "PLAY_ROUNDS", _("Play N rounds")
    WIN_ROUNDS = "WIN_ROUNDS", _("Win N rounds (payout above wager)")
    WAGER_COINS = "WAGER_COINS", _("Wager N coins")
    CLAIM_DAILY_BONUS = "CLAIM_DAILY_BONUS", _("Claim the daily bonus")
    WIN_LIVE_MATCH = "WIN_LIVE_MATCH", _("Win N live RPS matches")
    LOGIN_DAYS = "LOGIN_DAYS", _("Log in on N days")
    TAKE_BREAK = "TAKE_BREAK", _("Take a break of N hours")


class MissionPeriod(models.TextChoices):
    DAILY = "DAILY", _("Daily")
    WEEKLY = "WEEKLY", _("Weekly")


class MissionTemplate(TranslatedText, models.Model):
    """A mission moderators define; players get a copy per period."""

    code = models.SlugField(max_length=50, unique=True)
    title = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True, default="")
    title_ko = models.CharField(
        _("title (Korean)"), max_length=100, blank=True, default="", help_text=KOREAN_HELP
    )
    description_ko = models.CharField(
        _("description (Korean)"), max_length=300, blank=True, default=""
    )
    type = models.CharField(max_length=20, choices=MissionType.choices)
    target = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
        help_text=_("Rounds, wins, coins, days or (for a break) hours."),
    )
    game = models.SlugField(
        max_length=50,
        blank=True,
        default="",
        help_text=_("Only rounds of this game count (slug, e.g. 'slots'); empty for any game."),
    )
    period = models.CharField(max_length=8, choices=MissionPeriod.choices)
    reward_coins = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(100_000)])
    reward_xp = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(100_000)])
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["period", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(target__gte=1), name="mission_target_positive"),
            models.CheckConstraint(
                condition=Q(reward_coins__gt=0) | Q(reward_xp__gt=0),
                name="mission_has_reward",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_period_display()})"

    def clean(self) -> None:
        if not self.reward_coins and not self.reward_xp:
            raise ValidationError(_("Give a reward in coins, in XP or both."))
        if self.type == MissionType.TAKE_BREAK and self.target > 24 * 6:
            raise ValidationError({"target": _("A break is at most 144 hours.")})
        daily_break = self.type == MissionType.TAKE_BREAK and self.period == MissionPeriod.DAILY
        if daily_break and self.target > 23:
            raise ValidationError({"target": _("A daily break is at most 23 hours.")})
        if self.game and self.type not in GAME_FILTERED_TYPES:
            raise ValidationError({"game": _("Only round missions can name a game.")})


GAME_FILTERED_TYPES = (MissionType.PLAY_ROUNDS, MissionType.WIN_ROUNDS, MissionType.WAGER_COINS)


class PlayerMission(models.Model):
    """One player's copy of a template for one period (a day or a week).

    Target and rewards are copied when assigned, so editing a template never
    changes a mission a player is already working on.
    """

    player = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="missions"
    )
    template = models.ForeignKey(MissionTemplate, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=8, choices=MissionPeriod.choices)
    # The first local day of the period (the Monday for a week).
    period_start = models.DateField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    target = models.PositiveIntegerField()
    progress = models.PositiveIntegerField(default=0)
    reward_coins = models.PositiveIntegerField(default=0)
    reward_xp = models.PositiveIntegerField(default=0)
    # Per-type state, e.g. the distinct days of a log-in mission.
    state = models.JSONField(default=dict, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    paid_coins = models.PositiveIntegerField(default=0)
    paid_xp = models.PositiveIntegerField(default=0)
    transaction = models.OneToOneField(
        "economy.LedgerTransaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mission",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Lazy assignment on read and the roll-over job may race.
            models.UniqueConstraint(
                fields=["player", "template", "period_start"], name="mission_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(claimed_at__isnull=True) | Q(completed_at__isnull=False),
                name="mission_claimed_only_when_completed",
            ),
        ]
        indexes = [models.Index(fields=["player", "ends_at"], name="mission_player_ends")]

    def __str__(self) -> str:
        return f"mission {self.template_id} of player {self.player_id} from {self.period_start}"

    @property
    def status(self) -> str:
        if self.claimed_at:
            return "claimed"
        if self.completed_at:
            return "completed"
        return "in_progress"


def _multiplier_validators() -> list:
    return [MinValueValidator(Decimal("1.00")), MaxValueValidator(Decimal("5.00"))]


class Event(TranslatedText, models.Model):
    """A limited-time event a moderator schedules.

    It changes rewards around play (XP, mission rewards, shop prices), never
    a game's odds or payouts.
    """

    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True, default="")
    name_ko = models.CharField(
        _("name (Korean)"), max_length=100, blank=True, default="", help_text=KOREAN_HELP
    )
    description_ko = models.CharField(
        _("description (Korean)"), max_length=300, blank=True, default=""
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    xp_multiplier = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("1.00"), validators=_multiplier_validators()
    )
    mission_reward_multiplier = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("1.00"), validators=_multiplier_validators()
    )
    shop_discount_percent = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(90)]
    )
    # Set once by the announcer job (compare-and-swap), so it announces once.
    announced_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(xp_multiplier__gte=1, xp_multiplier__lte=5),
                name="event_xp_multiplier_range",
            ),
            models.CheckConstraint(
                condition=Q(mission_reward_multiplier__gte=1, mission_reward_multiplier__lte=5),
                name="event_mission_multiplier_range",
            ),
            models.CheckConstraint(
                condition=Q(shop_discount_percent__lte=90), name="event_discount_range"
            ),
        ]
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="event_window")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})
