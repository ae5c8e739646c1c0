"""Live rock-paper-scissors between two players: matches, seats and ratings.

Matchmaking lives in the database (not in one process's memory) so that
several ASGI processes pair players from one queue: a waiting player is a
``LiveMatch`` row in ``WAITING``, and a second player claims the oldest such
row of the same stake with ``select_for_update(skip_locked=True)``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MatchStatus(models.TextChoices):
    WAITING = "WAITING", _("Waiting for an opponent")
    COMMITTING = "COMMITTING", _("Committing moves")
    REVEALING = "REVEALING", _("Revealing moves")
    SETTLED = "SETTLED", _("Settled")
    ABANDONED = "ABANDONED", _("Abandoned (stakes refunded)")
    FORFEITED = "FORFEITED", _("Forfeited")


OPEN_STATUSES = (MatchStatus.WAITING, MatchStatus.COMMITTING, MatchStatus.REVEALING)
# Statuses in which both stakes sit in escrow.
ESCROWED_STATUSES = (MatchStatus.COMMITTING, MatchStatus.REVEALING)


class MatchOutcome(models.TextChoices):
    NONE = "", _("Not decided")
    ONE_WON = "ONE_WON", _("Player one won")
    TWO_WON = "TWO_WON", _("Player two won")
    TIE = "TIE", _("Tie (both refunded)")
    ONE_FORFEIT_WIN = "ONE_FORFEIT_WIN", _("Player one won by forfeit")
    TWO_FORFEIT_WIN = "TWO_FORFEIT_WIN", _("Player two won by forfeit")
    REFUNDED = "REFUNDED", _("Refunded")
    CANCELLED = "CANCELLED", _("Cancelled before an opponent joined")


class LiveMatch(models.Model):
    """One match between ``player_one`` (who queued first) and ``player_two``.

    Columns prefixed ``one_``/``two_`` belong to the respective player. Moves
    and salts are stored once revealed so anyone can re-check a commitment.
    """

    stake = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=MatchStatus.choices, default=MatchStatus.WAITING, db_index=True
    )
    outcome = models.CharField(
        max_length=16, choices=MatchOutcome.choices, default=MatchOutcome.NONE, blank=True
    )
    player_one = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    player_two = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    one_commitment = models.CharField(max_length=64, blank=True)
    two_commitment = models.CharField(max_length=64, blank=True)
    one_move = models.CharField(max_length=8, blank=True)
    two_move = models.CharField(max_length=8, blank=True)
    one_salt = models.CharField(max_length=128, blank=True)
    two_salt = models.CharField(max_length=128, blank=True)
    one_wants_rematch = models.BooleanField(default=False)
    two_wants_rematch = models.BooleanField(default=False)
    # A match has at most one rematch: the unique key stops two processes
    # from both forming it when the players ask at the same moment.
    rematch_of = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rematch"
    )
    created_at = models.DateTimeField(default=timezone.now)
    matched_at = models.DateTimeField(null=True, blank=True)
    commit_deadline = models.DateTimeField(null=True, blank=True)
    reveal_deadline = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(player_two=models.F("player_one")), name="live_match_two_players"
            ),
            models.CheckConstraint(condition=Q(stake__gt=0), name="live_match_stake_positive"),
        ]
        indexes = [
            # The matchmaking queue: oldest waiting match of a stake first.
            models.Index(
                fields=["stake", "created_at"],
                condition=Q(status="WAITING"),
                name="live_match_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"live match {self.pk} ({self.status}, stake {self.stake})"

    @property
    def reference(self) -> str:
        """Names the match in ledger transactions (escrow holds, payouts, refunds)."""
        return f"live_rps:{self.pk}"

    def side_of(self, player_id: int) -> str | None:
        """``"one"``, ``"two"`` or None when the player is not in this match."""
        if player_id == self.player_one_id:
            return "one"
        if self.player_two_id is not None and player_id == self.player_two_id:
            return "two"
        return None

    def player_ids(self) -> list[int]:
        return [pk for pk in (self.player_one_id, self.player_two_id) if pk is not None]


class LiveSeat(models.Model):
    """A player's seat in their one open match.

    The primary key on ``player`` is what makes "at most one open match per
    player" hold across processes: a second ``find`` (another tab, another
    ASGI process) fails on the key instead of racing a read-then-insert.
    Seats are deleted when the match ends.
    """

    player = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    match = models.ForeignKey(LiveMatch, on_delete=models.CASCADE, related_name="seats")

    def __str__(self) -> str:
        return f"player {self.player_id} in match {self.match_id}"


class LiveRating(models.Model):
    """A player's Elo rating for live matches (K = 32, starting at 1200)."""

    player = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_rating"
    )
    rating = models.IntegerField(default=1200)
    games = models.PositiveIntegerField(default=0)
    wins = models.PositiveIntegerField(default=0)
    losses = models.PositiveIntegerField(default=0)
    draws = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.player_id}: {self.rating}"
