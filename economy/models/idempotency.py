"""The first answer to each request a player sent with an ``Idempotency-Key``.

One row per (player, key), written in the same transaction as the request's
effect (economy/idempotency.py), so a retry finds either nothing (the first
attempt changed nothing) or the complete first answer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotentResponse(models.Model):
    player = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    # sha256 of method, path, query and canonical body: the same key with
    # another request is refused rather than answered with this one.
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=200)
    status = models.PositiveSmallIntegerField()
    # The rendered JSON as text: jsonb would not keep the order of the keys,
    # and a replay answers the same bytes.
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["player", "key"], name="idempotent_response_key"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key}) for {self.player_id}"
