"""Writes about coins. Import from here: ``from economy import services``.

``ledger_transfer`` and ``round_settle`` are the only writers of balances and
entries; every other service here is built on them.
"""

from economy.services.accounts import (
    ADJUSTMENTS,
    ESCROW,
    GAME_BANK_PREFIX,
    MINT,
    SHOP_SINK,
    player_account,
    system_account,
    system_accounts_forget,
)
from economy.services.adjustments import adjustment_make
from economy.services.checks import idempotency_key_check
from economy.services.escrow import escrow_hold, escrow_pay, escrow_refund
from economy.services.ledger import Settlement, ledger_transfer, round_settle
from economy.services.reconcile import ReconcileReport, ledger_reconcile, reconcile_record

__all__ = [
    "ADJUSTMENTS",
    "ESCROW",
    "GAME_BANK_PREFIX",
    "MINT",
    "SHOP_SINK",
    "ReconcileReport",
    "Settlement",
    "adjustment_make",
    "escrow_hold",
    "escrow_pay",
    "escrow_refund",
    "idempotency_key_check",
    "ledger_reconcile",
    "ledger_transfer",
    "player_account",
    "reconcile_record",
    "round_settle",
    "system_account",
    "system_accounts_forget",
]
