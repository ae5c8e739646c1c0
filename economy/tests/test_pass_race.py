"""Concurrent claims of one season pass tier on the real PostgreSQL: one payout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from economy.models import (
    LedgerKind,
    LedgerTransaction,
    PassClaim,
    PassTier,
    Season,
)
from economy.progression.services.xp import xp_grant
from economy.season_pass.services import TierAlreadyClaimed, pass_tier_claim
from economy.selectors import player_balance
from economy.services import ledger_reconcile
from tests.support.races import outcome, run_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_concurrent_claims_of_one_tier_pay_once(no_signup_grant, player):
    now = timezone.now()
    season = Season.objects.create(
        slug="race", name="Race", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=9)
    )
    PassTier.objects.create(season=season, number=1, xp_required=10, reward_kind="COINS", coins=300)
    xp_grant(player=player, amount=10, source="ADJUSTMENT", reference="race")
    before = player_balance(player=player)

    results = run_threads(8, lambda i: pass_tier_claim(player=player, tier_number=1))

    kinds = sorted(outcome(r) for r in results)
    assert kinds.count("TierClaimResult") == 1, results
    assert all(
        isinstance(r, TierAlreadyClaimed) for r in results if outcome(r) != "TierClaimResult"
    )
    assert PassClaim.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind=LedgerKind.PASS_REWARD).count() == 1
    assert player_balance(player=player) == before + 300
    assert ledger_reconcile().ok
