"""Invites: every player's code, and who joined through whose code."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RewardWithheld(models.TextChoices):
    """Why a referral's reward is not paid (docs/safety.md, "Abuse cases")."""

    NOT_WITHHELD = "", _("Not withheld")
    SHARED_IP = "shared_ip", _("Shares a network with the inviter")
    SHARED_DEVICE = "shared_device", _("Shares a device with the inviter")
    SHARED_IP_AND_DEVICE = (
        "shared_ip_and_device",
        _("Shares a network and a device with the inviter"),
    )


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
    # Set when the invitee signed up or signed in on the inviter's network or
    # device: the reward is then never paid (one person farming two accounts).
    reward_withheld = models.CharField(
        max_length=24, choices=RewardWithheld.choices, blank=True, default=""
    )
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
