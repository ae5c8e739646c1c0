"""Reads about invites."""

from __future__ import annotations

from economy.models import Referral


def invite_counts_for(*, player) -> dict:
    referrals = Referral.objects.filter(inviter=player)
    return {
        "invite_count": referrals.count(),
        "invite_rewarded_count": referrals.filter(rewarded_at__isnull=False).count(),
    }


def invited_by(*, player) -> Referral | None:
    return Referral.objects.select_related("inviter").filter(invitee=player).first()
