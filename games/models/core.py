"""Seed pairs, versioned game configurations and played rounds.

Rows here are append-mostly on purpose: a round must stay verifiable forever,
so the seed pair and the configuration version it used are never edited or
deleted (``PROTECT``), only retired (a seed pair is revealed, a configuration
is deactivated when a newer version is published).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SeedPair(models.Model):
    """A player's provably-fair seeds: secret server seed, its public hash, client seed, nonce.

    Exactly one pair per player is active; rounds take (and advance) its
    nonce. Rotating reveals the server seed and starts a new pair at nonce 0.
    """

    player = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seed_pairs"
    )
    server_seed = models.CharField(max_length=64)
    server_seed_hash = models.CharField(max_length=64)
    client_seed = models.CharField(max_length=64)
    # The nonce the next round will use; rounds 0..nonce-1 have been played.
    nonce = models.BigIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    revealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # round_play's nonce UPDATE targets "the" active pair of a player.
            models.UniqueConstraint(
                fields=["player"], condition=Q(is_active=True), name="seed_pair_one_active"
            ),
            models.CheckConstraint(condition=Q(nonce__gte=0), name="seed_pair_nonce_not_negative"),
        ]
        indexes = [models.Index(fields=["player", "-created_at"])]

    def __str__(self) -> str:
        return f"seed pair {self.pk} of player {self.player_id} ({self.server_seed_hash[:12]}…)"

    @property
    def is_revealed(self) -> bool:
        return self.revealed_at is not None


class GameConfig(models.Model):
    """One version of a game's settings (limits, paytable, strips) and its published math.

    Versions are immutable: publishing a change creates the next version and
    makes it the active one, so every round can point at exactly what it used.
    """

    game = models.CharField(max_length=50)
    version = models.PositiveIntegerField()
    data = models.JSONField()
    # Computed exactly from ``data`` by the game's spec when the version is created.
    rtp = models.FloatField()
    hit_frequency = models.FloatField(null=True, blank=True)
    volatility = models.FloatField(null=True, blank=True)
    math = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("game configuration")
        ordering = ["game", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["game", "version"], name="game_config_version_unique"),
            models.UniqueConstraint(
                fields=["game"], condition=Q(is_active=True), name="game_config_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.game} v{self.version}{' (active)' if self.is_active else ''}"


class GameRound(models.Model):
    """One settled round: what was bet, what was drawn, what it paid, and how to verify it."""

    # No index of its own: the (player, -id) and (player, created_at) indexes lead with it.
    player = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="game_rounds",
        db_index=False,
    )
    game = models.CharField(max_length=50)
    config = models.ForeignKey(GameConfig, on_delete=models.PROTECT, related_name="rounds")
    params = models.JSONField()
    draws = models.JSONField()
    outcome = models.JSONField()
    wager = models.BigIntegerField()
    payout = models.BigIntegerField()
    balance_after = models.BigIntegerField()
    seed_pair = models.ForeignKey(SeedPair, on_delete=models.PROTECT, related_name="rounds")
    # Copied from the seed pair so a round reads on its own, even in an export.
    server_seed_hash = models.CharField(max_length=64)
    client_seed = models.CharField(max_length=64)
    nonce = models.BigIntegerField()
    # Ids of economy's ledger transactions (plain ids: games never reads their rows).
    wager_transaction_id = models.BigIntegerField()
    payout_transaction_id = models.BigIntegerField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # A retried request (same Idempotency-Key) finds the first round.
            models.UniqueConstraint(
                fields=["player", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="game_round_idempotent",
            ),
            # A nonce is used once: the same draws never settle twice.
            models.UniqueConstraint(fields=["seed_pair", "nonce"], name="game_round_nonce_once"),
        ]
        indexes = [
            models.Index(fields=["player", "-id"], name="game_round_player_recent"),
            models.Index(fields=["player", "game", "-id"], name="game_round_player_game"),
            # The nightly segment job and the reports read recent rounds by time, and
            # retention a player's rounds on one day.
            models.Index(fields=["created_at"], name="game_round_created"),
            models.Index(fields=["player", "created_at"], name="game_round_player_time"),
        ]

    def __str__(self) -> str:
        return f"{self.game} round {self.pk} of player {self.player_id}"

    @property
    def net(self) -> int:
        return self.payout - self.wager
