"""Helpers for the tests that play real rounds against the database."""

from __future__ import annotations

from accounts.models import Action
from economy.models import Entry, LedgerTransaction
from economy.selectors import player_balance
from economy.services import ledger_reconcile
from games.models import GameRound, SeedPair

START = 10_000


def nonce_of(player) -> int:
    pair = SeedPair.objects.filter(player=player, is_active=True).first()
    return pair.nonce if pair else 0


def snapshot(player) -> dict:
    """Everything a refused round must leave exactly as it was."""
    return {
        "balance": player_balance(player=player),
        "nonce": nonce_of(player),
        "rounds": GameRound.objects.count(),
        "actions": Action.objects.filter(type="ROUND_PLAYED").count(),
        "entries": Entry.objects.count(),
        "transactions": LedgerTransaction.objects.count(),
    }


def assert_ledger_reconciles() -> None:
    report = ledger_reconcile()
    assert report.ok, report.problems
