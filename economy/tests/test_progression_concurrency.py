"""Progression under real concurrency on PostgreSQL: one payout per mission, no lost XP."""

from __future__ import annotations

import pytest

from economy.models import (
    LedgerKind,
    LedgerTransaction,
    PlayerMission,
    PlayerProgress,
    XpGrant,
    XpSource,
)
from economy.progression.services.missions import (
    MissionAlreadyClaimed,
    MissionClaimResult,
    mission_claim,
)
from economy.progression.services.xp import xp_grant
from economy.selectors import player_balance
from tests.support.factories import MissionFactory
from tests.support.races import run_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def completed_mission(player) -> PlayerMission:
    return MissionFactory(
        player=player,
        completed=True,
        template__code="race",
        template__reward_coins=75,
        template__reward_xp=30,
    )


def test_concurrent_claims_of_one_mission_pay_once(player, no_signup_grant):
    mission = completed_mission(player)
    balance = player_balance(player=player)

    results = run_threads(8, lambda _: mission_claim(player=player, mission_id=mission.pk))

    paid = [r for r in results if isinstance(r, MissionClaimResult)]
    refused = [r for r in results if isinstance(r, MissionAlreadyClaimed)]
    assert (len(paid), len(refused)) == (1, 7), results
    assert player_balance(player=player) == balance + 75
    assert LedgerTransaction.objects.filter(kind=LedgerKind.MISSION_REWARD).count() == 1
    assert XpGrant.objects.filter(player=player, source=XpSource.MISSION).count() == 1
    assert PlayerProgress.objects.get(player=player).xp == 30


def test_concurrent_xp_grants_lose_nothing(player, no_signup_grant):
    results = run_threads(
        10,
        lambda index: xp_grant(
            player=player, amount=7, source=XpSource.ADJUSTMENT, reference=f"race:{index}"
        ),
    )

    assert all(isinstance(r, XpGrant) for r in results), results
    assert PlayerProgress.objects.get(player=player).xp == 70
