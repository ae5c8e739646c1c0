"""Races on the real PostgreSQL: real threads, real connections, real locks."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction

from economy.faucets import (
    daily_bonus_claim,
)
from economy.models import BonusClaim, EconomySettings, LedgerTransaction
from economy.selectors import player_balance
from economy.services import (
    SHOP_SINK,
    ledger_reconcile,
    ledger_transfer,
    player_account,
    round_settle,
    system_account,
)
from tests.support.ledger import give_coins
from tests.support.races import outcome, run_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_32_threads_spending_from_a_10_coin_wallet_succeed_exactly_10_times(
    no_signup_grant, player
):
    give_coins(player, 10)

    def spend(index: int):
        return ledger_transfer(
            source=player_account(player=player),
            destination=system_account(code=SHOP_SINK),
            amount=1,
            kind="SHOP_PURCHASE",
            reference=f"thread:{index}",
        )

    results = run_threads(32, spend)

    counts = Counter(outcome(result) for result in results)
    assert counts == {"LedgerTransaction": 10, "InsufficientCoins": 22}, counts
    assert player_balance(player=player) == 0
    assert ledger_reconcile().ok


def test_32_threads_playing_rounds_on_one_wallet_never_overdraw(no_signup_grant, player):
    give_coins(player, 10)

    def play(index: int):
        with transaction.atomic():
            return round_settle(
                player=player, game_slug="slots", wager=1, payout=0, reference=f"round:{index}"
            )

    results = run_threads(32, play)

    counts = Counter(outcome(result) for result in results)
    assert counts == {"Settlement": 10, "InsufficientCoins": 22}, counts
    assert player_balance(player=player) == 0
    assert ledger_reconcile().ok


def test_16_threads_repeating_one_idempotency_key_make_one_transaction(no_signup_grant, player):
    give_coins(player, 100)

    def spend(index: int):
        return ledger_transfer(
            source=player_account(player=player),
            destination=system_account(code=SHOP_SINK),
            amount=7,
            kind="SHOP_PURCHASE",
            idempotency_scope=f"shop:{player.pk}",
            idempotency_key="same-key",
        )

    results = run_threads(16, spend)

    assert all(not isinstance(result, Exception) for result in results), results
    assert len({result.pk for result in results}) == 1
    assert LedgerTransaction.objects.filter(idempotency_key="same-key").count() == 1
    assert player_balance(player=player) == 93
    assert ledger_reconcile().ok


def test_16_threads_replaying_one_round_key_settle_it_once(no_signup_grant, player):
    give_coins(player, 100)

    def play(index: int):
        with transaction.atomic():
            return round_settle(
                player=player,
                game_slug="roulette",
                wager=10,
                payout=36,
                reference="round:same",
                idempotency_key="round-key",
            )

    results = run_threads(16, play)

    assert all(not isinstance(result, Exception) for result in results), results
    assert len({(r.wager_transaction_id, r.payout_transaction_id) for r in results}) == 1
    assert player_balance(player=player) == 126
    assert ledger_reconcile().ok


def test_16_threads_claiming_the_daily_bonus_get_it_once(no_signup_grant, player):
    def claim(index: int):
        return daily_bonus_claim(player=player)

    results = run_threads(16, claim)

    counts = Counter(outcome(result) for result in results)
    assert counts == {"ClaimResult": 1, "BonusAlreadyClaimed": 15}, counts
    assert BonusClaim.objects.filter(player=player).count() == 1
    assert player_balance(player=player) == EconomySettings.objects.get().daily_ladder[0]


def test_players_spending_at_once_do_not_block_each_other(no_signup_grant, make_player):
    players = [make_player() for _ in range(8)]
    for player in players:
        give_coins(player, 50)

    def play(index: int):
        player = players[index % 8]
        for round_number in range(5):
            with transaction.atomic():
                round_settle(
                    player=player,
                    game_slug="slots",
                    wager=10,
                    payout=0,
                    reference=f"{index}:{round_number}",
                )
        return "done"

    results = run_threads(8, play)

    assert results == ["done"] * 8
    assert all(player_balance(player=player) == 0 for player in players)
    assert ledger_reconcile().ok
