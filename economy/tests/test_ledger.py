"""The ledger's one writer: transfers, rounds and every way they refuse."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from economy.errors import (
    EscrowShortfall,
    IdempotencyConflict,
    InsufficientCoins,
    InvalidAmount,
    TransferNotAllowed,
    UnknownKind,
)
from economy.models import Account, Entry, LedgerKind, LedgerTransaction
from economy.selectors import player_balance, system_balance
from economy.services import (
    MINT,
    SHOP_SINK,
    escrow_hold,
    escrow_pay,
    escrow_refund,
    ledger_transfer,
    player_account,
    round_settle,
    system_account,
)
from tests.support.ledger import ledger_snapshot

pytestmark = pytest.mark.django_db


def spend(player, amount, **extra):
    return ledger_transfer(
        source=player_account(player=player),
        destination=system_account(code=SHOP_SINK),
        amount=amount,
        kind=extra.pop("kind", LedgerKind.SHOP_PURCHASE),
        reference="item:hat",
        **extra,
    )


def test_transfer_moves_coins_and_records_two_entries(player, fund):
    fund(player, 100)

    txn = spend(player, 30)

    assert player_balance(player=player) == 70
    assert txn.player_balance == 70
    entries = list(Entry.objects.filter(transaction=txn).order_by("amount"))
    assert [(e.account.code, e.amount, e.balance_after) for e in entries] == [
        (None, -30, 70),
        (SHOP_SINK, 30, None),
    ]
    assert sum(e.amount for e in entries) == 0
    assert system_balance(code=SHOP_SINK) == 30
    assert system_balance(code=MINT) == -100


def test_transfer_refreshes_the_account_object_passed_in(player, fund):
    fund(player, 50)
    account = player_account(player=player)

    ledger_transfer(
        source=account,
        destination=system_account(code=SHOP_SINK),
        amount=20,
        kind=LedgerKind.SHOP_PURCHASE,
    )

    assert account.balance == 30


def test_transfer_rejects_overdraft_and_changes_nothing(player, fund):
    fund(player, 10)
    before = ledger_snapshot()

    with pytest.raises(InsufficientCoins) as error:
        spend(player, 11)

    assert error.value.status == 409
    assert "balance is 10" in error.value.message
    assert ledger_snapshot() == before


def test_transfer_from_a_wallet_never_opened_is_an_overdraft(player):
    before = ledger_snapshot()

    with pytest.raises(InsufficientCoins):
        spend(player, 1)

    assert ledger_snapshot()["entries"] == before["entries"]
    assert player_balance(player=player) == 0


@pytest.mark.parametrize("amount", [0, -5, 1.5, 2.0, True, "10", None, 10**16])
def test_transfer_rejects_an_amount_that_is_not_a_positive_whole_number(player, fund, amount):
    fund(player, 100)
    before = ledger_snapshot()

    with pytest.raises(InvalidAmount) as error:
        spend(player, amount)

    assert error.value.code == "invalid_amount"
    assert error.value.status == 400
    assert ledger_snapshot() == before


def test_transfer_rejects_an_unknown_kind(player, fund):
    fund(player, 100)
    before = ledger_snapshot()

    with pytest.raises(UnknownKind):
        spend(player, 5, kind="PURCHASE_WITH_MONEY")

    assert ledger_snapshot() == before


@pytest.mark.parametrize(
    ("source_code", "destination_code", "kind"),
    [
        (SHOP_SINK, MINT, LedgerKind.REFUND),  # no player side
        (MINT, None, LedgerKind.WAGER),  # wrong direction for the kind
        (None, MINT, LedgerKind.DAILY_BONUS),  # paying a bonus back into the mint
    ],
)
def test_transfer_refuses_routes_the_kind_does_not_allow(
    player, fund, source_code, destination_code, kind
):
    fund(player, 100)
    wallet = player_account(player=player)
    source = system_account(code=source_code) if source_code else wallet
    destination = system_account(code=destination_code) if destination_code else wallet
    before = ledger_snapshot()

    with pytest.raises(TransferNotAllowed) as error:
        ledger_transfer(source=source, destination=destination, amount=5, kind=kind)

    assert error.value.status == 422
    assert ledger_snapshot() == before


def test_players_cannot_pay_each_other(player, other_player, fund):
    fund(player, 100)
    before = ledger_snapshot()

    for kind in LedgerKind.values:
        with pytest.raises(TransferNotAllowed):
            ledger_transfer(
                source=player_account(player=player),
                destination=player_account(player=other_player),
                amount=5,
                kind=kind,
            )

    assert ledger_snapshot() == before


def test_a_repeated_idempotency_key_returns_the_first_transaction(player, fund):
    fund(player, 100)
    first = spend(player, 30, idempotency_scope="shop:1", idempotency_key="k1")
    after_first = ledger_snapshot()

    again = spend(player, 30, idempotency_scope="shop:1", idempotency_key="k1")

    assert again.pk == first.pk
    assert again.player_balance == 70
    assert ledger_snapshot() == after_first


def test_a_replay_is_answered_even_when_the_wallet_is_now_empty(player, fund):
    fund(player, 30)
    first = spend(player, 30, idempotency_scope="shop:1", idempotency_key="k1")

    again = spend(player, 30, idempotency_scope="shop:1", idempotency_key="k1")

    assert again.pk == first.pk
    assert player_balance(player=player) == 0


def test_a_reused_key_with_different_parameters_is_a_conflict(player, fund):
    fund(player, 100)
    spend(player, 30, idempotency_scope="shop:1", idempotency_key="k1")
    before = ledger_snapshot()

    with pytest.raises(IdempotencyConflict) as error:
        spend(player, 31, idempotency_scope="shop:1", idempotency_key="k1")

    assert error.value.status == 409
    assert ledger_snapshot() == before


def test_the_same_key_in_another_scope_is_another_transfer(player, fund):
    fund(player, 100)
    first = spend(player, 30, idempotency_scope="shop:1", idempotency_key="k1")

    second = spend(player, 30, idempotency_scope="shop:2", idempotency_key="k1")

    assert second.pk != first.pk
    assert player_balance(player=player) == 40


def test_the_database_refuses_a_negative_player_balance(player, fund):
    fund(player, 5)

    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(player=player).update(balance=-1)


def test_the_database_refuses_an_entry_of_zero(player, fund):
    txn = spend(fund(player, 5).player, 1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(transaction=txn, account=player_account(player=player), amount=0)


def test_system_accounts_are_cached_only_after_commit(player):
    # Inside the test's transaction (rolled back at the end) the id must not
    # leak into the process-wide cache.
    from economy.services import accounts

    accounts.system_accounts_forget()
    system_account(code="escrow")

    assert "escrow" not in accounts._system_accounts


def test_system_account_rejects_unknown_codes():
    with pytest.raises(ValueError):
        system_account(code="piggy_bank")


# --- round_settle ----------------------------------------------------------------


def test_round_settle_records_wager_and_payout_in_three_statements(
    player, fund, django_capture_on_commit_callbacks, django_assert_num_queries
):
    fund(player, 100)
    # A process caches the game bank once the transaction that saw it commits.
    with django_capture_on_commit_callbacks(execute=True):
        system_account(code="game_bank:slots")

    with transaction.atomic(), django_assert_num_queries(3) as queries:
        settlement = round_settle(
            player=player, game_slug="slots", wager=10, payout=25, reference="round:1"
        )

    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    assert statements == ["UPDATE", "INSERT", "INSERT"]

    assert settlement.balance == 115
    wager = Entry.objects.filter(transaction_id=settlement.wager_transaction_id)
    payout = Entry.objects.filter(transaction_id=settlement.payout_transaction_id)
    assert sorted(wager.values_list("amount", "balance_after")) == [(-10, 90), (10, None)]
    assert sorted(payout.values_list("amount", "balance_after")) == [(-25, None), (25, 115)]
    assert system_balance(code="game_bank:slots") == -15
    assert player_balance(player=player) == 115


def test_round_settle_without_a_win_records_only_the_wager(player, fund):
    fund(player, 100)

    settlement = round_settle(
        player=player, game_slug="roulette", wager=40, payout=0, reference="round:2"
    )

    assert settlement.payout_transaction_id is None
    assert settlement.balance == 60
    assert system_balance(code="game_bank:roulette") == 40


def test_round_settle_refuses_a_wager_above_the_balance_even_if_it_would_win(player, fund):
    fund(player, 10)
    before = ledger_snapshot()

    with pytest.raises(InsufficientCoins):
        round_settle(player=player, game_slug="slots", wager=11, payout=1000, reference="r")

    assert ledger_snapshot() == before


def test_round_settle_refusal_leaves_the_callers_transaction_usable(player, fund):
    fund(player, 10)

    with transaction.atomic():
        with pytest.raises(InsufficientCoins):
            round_settle(player=player, game_slug="slots", wager=11, payout=0, reference="r")
        settlement = round_settle(
            player=player, game_slug="slots", wager=10, payout=0, reference="r"
        )

    assert settlement.balance == 0


@pytest.mark.parametrize(("wager", "payout"), [(0, 0), (-1, 0), (5, -1), (1.0, 0), (5, True)])
def test_round_settle_rejects_bad_amounts(player, fund, wager, payout):
    fund(player, 100)
    before = ledger_snapshot()

    with pytest.raises(InvalidAmount):
        round_settle(player=player, game_slug="slots", wager=wager, payout=payout, reference="r")

    assert ledger_snapshot() == before


def test_round_settle_replays_a_repeated_key(player, fund):
    fund(player, 100)
    first = round_settle(
        player=player, game_slug="slots", wager=10, payout=30, reference="r1", idempotency_key="a"
    )
    after_first = ledger_snapshot()

    again = round_settle(
        player=player, game_slug="slots", wager=10, payout=30, reference="r1", idempotency_key="a"
    )

    assert again.replayed
    assert (again.wager_transaction_id, again.payout_transaction_id, again.balance) == (
        first.wager_transaction_id,
        first.payout_transaction_id,
        first.balance,
    )
    assert ledger_snapshot() == after_first


def test_round_settle_conflicts_when_a_key_is_reused_for_another_outcome(player, fund):
    fund(player, 100)
    round_settle(
        player=player, game_slug="slots", wager=10, payout=0, reference="r1", idempotency_key="a"
    )
    before = ledger_snapshot()

    with pytest.raises(IdempotencyConflict):
        round_settle(
            player=player,
            game_slug="slots",
            wager=10,
            payout=5,
            reference="r1",
            idempotency_key="a",
        )

    assert ledger_snapshot() == before


# --- escrow ----------------------------------------------------------------------


def test_escrow_holds_and_pays_the_winner(player, other_player, fund):
    fund(player, 50)
    fund(other_player, 50)
    escrow_hold(player=player, amount=20, reference="match:1")
    escrow_hold(player=other_player, amount=20, reference="match:1")

    escrow_pay(player=other_player, amount=40, reference="match:1")

    assert player_balance(player=player) == 30
    assert player_balance(player=other_player) == 70
    assert system_balance(code="escrow") == 0


def test_escrow_refunds_a_stake(player, fund):
    fund(player, 50)
    escrow_hold(player=player, amount=20, reference="match:2")

    txn = escrow_refund(player=player, amount=20, reference="match:2")

    assert txn.kind == LedgerKind.REFUND
    assert player_balance(player=player) == 50


def test_escrow_never_pays_out_more_than_it_holds_for_the_match(player, other_player, fund):
    fund(player, 50)
    fund(other_player, 50)
    escrow_hold(player=player, amount=20, reference="match:3")
    escrow_hold(player=other_player, amount=20, reference="match:4")
    before = ledger_snapshot()

    with pytest.raises(EscrowShortfall):
        escrow_pay(player=player, amount=21, reference="match:3")

    assert ledger_snapshot() == before


def test_escrow_hold_refuses_an_overdraft(player, fund):
    fund(player, 5)
    before = ledger_snapshot()

    with pytest.raises(InsufficientCoins):
        escrow_hold(player=player, amount=6, reference="match:5")

    assert ledger_snapshot() == before


def test_escrow_pay_replays_a_repeated_key(player, fund):
    fund(player, 50)
    escrow_hold(player=player, amount=20, reference="match:6")
    first = escrow_pay(player=player, amount=20, reference="match:6", idempotency_key="pay")

    again = escrow_pay(player=player, amount=20, reference="match:6", idempotency_key="pay")

    assert again.pk == first.pk
    assert player_balance(player=player) == 50


def test_transfer_at_a_given_moment_stamps_the_transaction_and_its_entries(player, fund):
    from datetime import UTC, datetime

    fund(player, 10)
    moment = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)

    txn = spend(player, 3, at=moment)

    stored = LedgerTransaction.objects.get(pk=txn.pk)
    assert stored.created_at == moment
    assert set(stored.entries.values_list("created_at", flat=True)) == {moment}
    assert player_balance(player=player) == 7
