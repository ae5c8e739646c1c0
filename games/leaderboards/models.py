"""The leaderboard scores table: the source of truth for every board and period."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LeaderboardScore(models.Model):
    """A player's score on one board in one period (``period_key`` names the day or week).

    ``version`` rises by one at every change; the Redis mirror applies a value
    only when its version is newer than the one it holds, so late or repeated
    writes can never roll a score back.
    """

    board = models.CharField(max_length=20)
    period = models.CharField(max_length=8)
    period_key = models.CharField(max_length=10)
    player = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.BigIntegerField()
    version = models.PositiveBigIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["board", "period", "period_key", "player"], name="leaderboard_score_once"
            )
        ]
        indexes = [
            # The ranking order: score desc, then player id asc.
            models.Index(
                "board",
                "period",
                "period_key",
                models.F("score").desc(),
                "player",
                name="leaderboard_rank",
            )
        ]

    def __str__(self) -> str:
        return f"{self.board}/{self.period}/{self.period_key} {self.player_id}: {self.score}"
