"""The coin ledger: accounts, transactions and their entries.

Double entry: every :class:`LedgerTransaction` has two or more
:class:`Entry` rows whose amounts sum to zero. Only ``economy.services``
writes these tables (see docs/ledger.md).

A player's balance is materialised on their :class:`Account` row and kept
non-negative by a CHECK constraint; a system account's balance is the sum of
its entries, never a stored number, because updating one shared row in every
round serialises all players behind it (ARCHITECTURE.md measured half the
throughput).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    PLAYER = "PLAYER", _("Player")
    MINT = "MINT", _("Mint")
    GAME_BANK = "GAME_BANK", _("Game bank")
    SHOP_SINK = "SHOP_SINK", _("Shop sink")
    ESCROW = "ESCROW", _("Escrow")
    ADJUSTMENTS = "ADJUSTMENTS", _("Adjustments")


class LedgerKind(models.TextChoices):
    SIGNUP_GRANT = "SIGNUP_GRANT", _("Signup grant")
    DAILY_BONUS = "DAILY_BONUS", _("Daily bonus")
    REFILL = "REFILL", _("Refill bonus")
    WAGER = "WAGER", _("Wager")
    PAYOUT = "PAYOUT", _("Payout")
    MISSION_REWARD = "MISSION_REWARD", _("Mission reward")
    PASS_REWARD = "PASS_REWARD", _("Season pass reward")
    EVENT_REWARD = "EVENT_REWARD", _("Event reward")
    REFERRAL_REWARD = "REFERRAL_REWARD", _("Referral reward")
    LEVEL_REWARD = "LEVEL_REWARD", _("Level reward")
    SHOP_PURCHASE = "SHOP_PURCHASE", _("Coin shop purchase")
    ESCROW = "ESCROW", _("Escrow hold")
    REFUND = "REFUND", _("Refund")
    ADJUSTMENT = "ADJUSTMENT", _("Moderator adjustment")


# Kinds that show in a player's reward history (GET /api/rewards).
REWARD_KINDS = (
    LedgerKind.SIGNUP_GRANT,
    LedgerKind.DAILY_BONUS,
    LedgerKind.REFILL,
    LedgerKind.MISSION_REWARD,
    LedgerKind.PASS_REWARD,
    LedgerKind.EVENT_REWARD,
    LedgerKind.REFERRAL_REWARD,
    LedgerKind.LEVEL_REWARD,
)


class Account(models.Model):
    """Where coins are: one per player, plus system accounts named by ``code``."""

    kind = models.CharField(max_length=16, choices=AccountKind.choices)
    code = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # PROTECT: deleting a player must not delete entries, or transactions
    # would stop summing to zero and the mint's total would drift.
    player = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coin_account",
    )
    # Materialised for PLAYER accounts only; system accounts keep 0 here and
    # derive their balance from their entries.
    balance = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=AccountKind.PLAYER) | Q(balance__gte=0),
                name="account_player_balance_not_negative",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=AccountKind.PLAYER, player__isnull=False, code__isnull=True)
                    | (~Q(kind=AccountKind.PLAYER) & Q(player__isnull=True, code__isnull=False))
                ),
                name="account_player_or_system_code",
            ),
            models.CheckConstraint(
                condition=Q(kind=AccountKind.PLAYER) | Q(balance=0),
                name="account_system_balance_not_stored",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == AccountKind.PLAYER:
            return f"wallet of player {self.player_id}"
        return self.code or f"account {self.pk}"

    @property
    def is_player(self) -> bool:
        return self.kind == AccountKind.PLAYER


class LedgerTransaction(models.Model):
    """One movement of coins; its entries sum to zero."""

    kind = models.CharField(max_length=24, choices=LedgerKind.choices)
    # What the movement is about: a round, a mission, a shop item, a date.
    reference = models.CharField(max_length=100, blank=True, default="")
    reason = models.CharField(max_length=500, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The moderator who made an adjustment."),
    )
    idempotency_scope = models.CharField(max_length=100, blank=True, default="")
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("ledger transaction")
        constraints = [
            # A retried request finds the first transaction instead of moving
            # coins twice, including when both attempts run at the same time.
            models.UniqueConstraint(
                fields=["idempotency_scope", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="ledger_transaction_idempotent",
            ),
        ]
        indexes = [models.Index(fields=["kind", "reference"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class Entry(models.Model):
    """One account's side of a transaction (a signed amount)."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField()
    # The player's balance right after this entry; NULL on system accounts,
    # whose balance is not materialised.
    balance_after = models.BigIntegerField(null=True, blank=True)
    # Copied from the transaction so a player's history is one index scan.
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = _("entries")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="entry_amount_not_zero"),
        ]
        indexes = [models.Index(fields=["account", "-created_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.amount:+d} on account {self.account_id}"


class BonusKind(models.TextChoices):
    DAILY = "DAILY", _("Daily bonus")
    REFILL = "REFILL", _("Refill bonus")


class BonusClaim(models.Model):
    """A faucet claim: the rule's state (day, streak) next to its transaction."""

    player = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bonus_claims"
    )
    kind = models.CharField(max_length=8, choices=BonusKind.choices)
    # The player's own calendar day when claimed (their time zone).
    local_date = models.DateField()
    streak = models.PositiveIntegerField(default=0)
    ladder_day = models.PositiveSmallIntegerField(default=0)
    amount = models.BigIntegerField()
    transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, related_name="bonus_claim"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Backstop for "once per calendar day"; the service also locks
            # the player's account while it checks.
            models.UniqueConstraint(
                fields=["player", "local_date"],
                condition=Q(kind="DAILY"),
                name="bonus_claim_daily_once",
            ),
        ]
        indexes = [models.Index(fields=["player", "kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} for {self.player_id} on {self.local_date}"


class Adjustment(models.Model):
    """Audit row of a moderator's correction (the coins move in its transaction)."""

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="adjustments_made"
    )
    player = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="adjustments"
    )
    amount = models.BigIntegerField(help_text=_("Positive credits the player, negative debits."))
    reason = models.CharField(max_length=500)
    transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, related_name="adjustment"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="adjustment_amount_not_zero"),
            models.CheckConstraint(condition=~Q(reason=""), name="adjustment_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.amount:+d} for {self.player_id} by {self.moderator_id}"


DEFAULT_DAILY_LADDER = [100, 150, 200, 250, 300, 400, 500]


def validate_ladder(value) -> None:
    if (
        not isinstance(value, list)
        or len(value) != 7
        or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
    ):
        raise ValidationError(
            _("The daily ladder is a list of exactly 7 positive whole numbers."),
            code="invalid_ladder",
        )


def default_ladder() -> list[int]:
    return list(DEFAULT_DAILY_LADDER)


MAX_FAUCET_AMOUNT = 1_000_000


class EconomySettings(models.Model):
    """The faucet rules, one row, editable by moderators in admin."""

    signup_grant = models.PositiveIntegerField(default=1000)
    daily_ladder = models.JSONField(
        default=default_ladder,
        validators=[validate_ladder],
        help_text=_("Coins for streak days 1 to 7, e.g. [100, 150, 200, 250, 300, 400, 500]."),
    )
    refill_threshold = models.PositiveIntegerField(
        default=100, help_text=_("The refill can be claimed while the balance is below this.")
    )
    refill_amount = models.PositiveIntegerField(default=500)
    refill_cooldown_hours = models.PositiveIntegerField(default=4)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("economy settings")
        verbose_name_plural = _("economy settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="economy_settings_singleton"),
        ]

    def __str__(self) -> str:
        return "Economy settings"

    def clean(self) -> None:
        errors = {}
        for name in ("signup_grant", "refill_amount", "refill_threshold"):
            value = getattr(self, name)
            if value is not None and value > MAX_FAUCET_AMOUNT:
                errors[name] = _("At most %(max)s coins.") % {"max": MAX_FAUCET_AMOUNT}
        if isinstance(self.daily_ladder, list) and any(
            isinstance(v, int) and v > MAX_FAUCET_AMOUNT for v in self.daily_ladder
        ):
            errors["daily_ladder"] = _("At most %(max)s coins per day.") % {
                "max": MAX_FAUCET_AMOUNT
            }
        if self.refill_amount == 0:
            errors["refill_amount"] = _("The refill must give at least one coin.")
        if self.refill_cooldown_hours is not None and not 1 <= self.refill_cooldown_hours <= 720:
            errors["refill_cooldown_hours"] = _("Between 1 and 720 hours.")
        if errors:
            raise ValidationError(errors)
