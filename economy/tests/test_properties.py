"""Property test: whatever players do, the ledger's invariants hold.

Hypothesis draws sequences of transfers, rewards, rounds, bonuses, refills,
escrow moves, replays and overdrafts. After every step the test checks that
every transaction sums to zero, that each player's balance equals the sum of
their entries and the model's expectation, and that no balance is negative;
a refused step must change nothing. Each example runs in a savepoint that is
rolled back, so examples start from the same two empty wallets.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.db.models import Count, Q, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casino_club.kit.errors import DomainError
from economy.faucets import (
    daily_bonus_claim,
    refill_claim,
)
from economy.models import Account, AccountKind, LedgerTransaction
from economy.selectors import economy_settings_get
from economy.services import (
    MINT,
    SHOP_SINK,
    escrow_hold,
    escrow_refund,
    ledger_reconcile,
    ledger_transfer,
    player_account,
    round_settle,
    system_account,
)
from tests.support.ledger import ledger_snapshot

amounts = st.integers(min_value=1, max_value=3000)
who = st.integers(min_value=0, max_value=1)
keys = st.sampled_from([None, "k1", "k2"])

operations = st.one_of(
    st.tuples(st.just("reward"), who, amounts),
    st.tuples(st.just("spend"), who, amounts, keys),
    st.tuples(st.just("round"), who, amounts, st.integers(min_value=0, max_value=5000), keys),
    st.tuples(st.just("daily"), who, st.integers(min_value=0, max_value=3), keys),
    st.tuples(st.just("refill"), who, st.integers(min_value=0, max_value=10)),
    st.tuples(st.just("escrow"), who, amounts),
)

START = datetime(2030, 1, 1, 12, tzinfo=UTC)


class Invariants:
    def __init__(self, players):
        self.players = players
        self.expected = dict.fromkeys(range(len(players)), 0)
        self.clock = START
        self.matches = 0
        self.keys: dict[tuple, object] = {}

    def apply(self, step) -> None:
        name, index, *args = step
        before = ledger_snapshot()
        try:
            change = self.run(name, self.players[index], index, args)
        except DomainError:
            assert ledger_snapshot() == before, f"refused {step} changed the ledger"
            return
        self.expected[index] += change
        self.check(step)

    def run(self, name, player, index, args) -> int:
        """Do the step; return the change the model predicts for the player's balance."""
        balance = self.expected[index]
        if name == "reward":
            ledger_transfer(
                source=system_account(code=MINT),
                destination=player_account(player=player),
                amount=args[0],
                kind="MISSION_REWARD",
            )
            return args[0]
        if name == "spend":
            amount, key = args
            earlier = self.keys.get(("spend", index, key)) if key else None
            ledger_transfer(
                source=player_account(player=player),
                destination=system_account(code=SHOP_SINK),
                amount=amount,
                kind="SHOP_PURCHASE",
                idempotency_scope=f"prop:{index}",
                idempotency_key=key,
            )
            assert earlier in (None, amount), "a conflicting key was accepted"
            assert earlier is not None or amount <= balance, "an overdraft was accepted"
            if key:
                self.keys[("spend", index, key)] = amount
            return 0 if earlier is not None else -amount
        if name == "round":
            wager, payout, key = args
            earlier = self.keys.get(("round", index, key)) if key else None
            with transaction.atomic():
                round_settle(
                    player=player,
                    game_slug="slots",
                    wager=wager,
                    payout=payout,
                    reference="prop",
                    idempotency_key=key,
                )
            assert earlier in (None, (wager, payout)), "a conflicting key was accepted"
            assert earlier is not None or wager <= balance, "a wager above the balance was taken"
            if key:
                self.keys[("round", index, key)] = (wager, payout)
            return 0 if earlier is not None else payout - wager
        if name == "daily":
            self.clock += timedelta(days=args[0])
            result = daily_bonus_claim(player=player, idempotency_key=args[1], now=self.clock)
            return 0 if result.replayed else result.amount
        if name == "refill":
            self.clock += timedelta(hours=args[0])
            result = refill_claim(player=player, now=self.clock)
            assert balance < economy_settings_get().refill_threshold
            return result.amount
        if name == "escrow":
            self.matches += 1
            reference = f"match:{self.matches}"
            escrow_hold(player=player, amount=args[0], reference=reference)
            assert args[0] <= balance, "an escrow hold above the balance was taken"
            escrow_refund(player=player, amount=args[0], reference=reference)
            return 0
        raise AssertionError(name)

    def balance(self, index) -> int:
        account = Account.objects.filter(player=self.players[index]).first()
        return account.balance if account else 0

    def check(self, step) -> None:
        unbalanced = (
            LedgerTransaction.objects.annotate(total=Sum("entries__amount"), legs=Count("entries"))
            .filter(~Q(total=0) | Q(legs__lt=2))
            .count()
        )
        assert unbalanced == 0, f"after {step}: a transaction does not sum to zero"
        for account in Account.objects.filter(kind=AccountKind.PLAYER).annotate(
            total=Sum("entries__amount")
        ):
            assert account.balance == (account.total or 0), f"after {step}: balance drifted"
            assert account.balance >= 0
        for index in self.expected:
            assert self.balance(index) == self.expected[index]


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operations, min_size=1, max_size=14))
def test_random_activity_keeps_every_ledger_invariant(make_player, steps):
    with transaction.atomic():
        model = Invariants([make_player(), make_player()])
        for step in steps:
            model.apply(step)
        report = ledger_reconcile()
        assert report.ok, report.problems
        transaction.set_rollback(True)
