"""Invites: every player's code, and who joined through whose code."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class InviteCode(models.Model):
    player = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invite_code"
    )
    code = models.CharField(max_length=12, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.code


class Referral(models.Model):
    """One invitee joined through one inviter's code; rewarded once, at level 3."""

    inviter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referrals_made"
    )
    # One referral per invitee: a player can be invited (and rewarded) once.
    invitee = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral"
    )
    code = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    rewarded_at = models.DateTimeField(null=True, blank=True)
    inviter_transaction = models.OneToOneField(
        "economy.LedgerTransaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    invitee_transaction = models.OneToOneField(
        "economy.LedgerTransaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(inviter=models.F("invitee")), name="referral_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invitee_id} invited by {self.inviter_id}"
