"""Coins in tests: funding a wallet through the ledger and proving nothing changed."""

from __future__ import annotations

from economy.models import Account, Entry, LedgerTransaction
from economy.services import MINT, ledger_transfer, player_account, system_account


def give_coins(player, amount: int) -> Account:
    """Fund a wallet from the mint, as a mission reward would; returns the
    player's account, refreshed."""
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
