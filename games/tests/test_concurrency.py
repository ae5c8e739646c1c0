"""Rounds under real concurrency on PostgreSQL: one wallet, many threads at once."""

from __future__ import annotations

import pytest

from economy.errors import InsufficientCoins
from economy.selectors import player_balance
from games.models import GameRound
from games.services import round_play, seed_pair_active
from tests.support.ledger import give_coins
from tests.support.races import errors_of, run_threads
from tests.support.rounds import assert_ledger_reconciles

THREADS = 20
SPINS_PER_THREAD = 5
SLOTS = {"bet_per_line": 1, "lines": 20}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_spins_on_one_wallet_keep_nonces_and_coins_exact(make_player):
    player = make_player("Alice")
    give_coins(player, 100_000)
    start = player_balance(player=player)  # the signup grant ran on commit, too
    seed_pair_active(player=player)

    def spin(index: int) -> None:
        for _ in range(SPINS_PER_THREAD):
            round_play(player=player, slug="slots", params=SLOTS)

    errors = errors_of(run_threads(THREADS, spin))

    assert errors == []
    rounds = list(GameRound.objects.filter(player=player).order_by("nonce"))
    assert len(rounds) == THREADS * SPINS_PER_THREAD
    assert [r.nonce for r in rounds] == list(range(THREADS * SPINS_PER_THREAD))
    assert seed_pair_active(player=player).nonce == THREADS * SPINS_PER_THREAD
    wagered = sum(r.wager for r in rounds)
    paid = sum(r.payout for r in rounds)
    assert player_balance(player=player) == start - wagered + paid
    assert_ledger_reconciles()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_spins_never_overdraw_and_refused_ones_leave_no_trace(make_player):
    player = make_player("Alice")
    # Each spin stakes 1,000 coins, the whole signup grant: only a spin that
    # pays back at least its stake lets another one through, so of the 60
    # attempts nearly all are refused (all accepted: far below 0.5 ** 59).
    start = player_balance(player=player)
    assert start == 1_000
    refused = []

    def spin(index: int) -> None:
        for _ in range(3):
            try:
                round_play(player=player, slug="slots", params={"bet_per_line": 50, "lines": 20})
            except InsufficientCoins:
                refused.append(index)

    errors = errors_of(run_threads(THREADS, spin))

    assert errors == []
    rounds = list(GameRound.objects.filter(player=player).order_by("nonce"))
    assert [r.nonce for r in rounds] == list(range(len(rounds)))  # refused rounds took no nonce
    assert seed_pair_active(player=player).nonce == len(rounds)
    balance = player_balance(player=player)
    assert balance >= 0
    assert refused
    assert balance == start - sum(r.wager for r in rounds) + sum(r.payout for r in rounds)
    assert_ledger_reconciles()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_settle_once(make_player):
    player = make_player("Alice")
    start = player_balance(player=player)
    results = []

    def spin(index: int) -> None:
        results.append(
            round_play(
                player=player,
                slug="rps",
                params={"bet": 50, "move": "rock"},
                idempotency_key="same-key",
            )
        )

    errors = errors_of(run_threads(10, spin))

    assert errors == []
    assert len({result.round.pk for result in results}) == 1
    assert sum(not result.replayed for result in results) == 1
    assert GameRound.objects.filter(player=player).count() == 1
    only = results[0].round
    assert player_balance(player=player) == start - only.wager + only.payout
    assert_ledger_reconciles()
