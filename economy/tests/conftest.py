"""Fixtures for the ledger tests: funding a wallet and proving nothing changed."""

from __future__ import annotations

import pytest

from economy.models import Account, Entry, LedgerTransaction
from economy.services import (
    MINT,
    ledger_transfer,
    player_account,
    system_account,
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Players are created by the dozen here; hashing their passwords with the
    # production hasher would be most of the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ledger_snapshot() -> dict:
    """Everything a refused call must leave as it was.

    A refused call may have opened an empty wallet or created a system account
    on first use; neither holds coins, so only non-zero balances are compared.
    """
    return {
        "balances": dict(Account.objects.exclude(balance=0).values_list("id", "balance")),
        "entries": Entry.objects.count(),
        "transactions": LedgerTransaction.objects.count(),
    }


@pytest.fixture
def fund(db):
    """Give a player coins from the mint (as a mission reward would)."""

    def give(player, amount: int) -> Account:
        account = player_account(player=player)
        ledger_transfer(
            source=system_account(code=MINT),
            destination=account,
            amount=amount,
            kind="MISSION_REWARD",
            reference="test funding",
        )
        account.refresh_from_db()
        return account

    return give
