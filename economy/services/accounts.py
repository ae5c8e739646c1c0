"""The ledger's accounts: system accounts by code (cached per process) and wallets."""

from __future__ import annotations

import re
import threading

from django.db import transaction

from economy.models import Account, AccountKind

MINT = "mint"
SHOP_SINK = "shop_sink"
ESCROW = "escrow"
ADJUSTMENTS = "adjustments"
GAME_BANK_PREFIX = "game_bank:"

SYSTEM_KINDS = {
    MINT: AccountKind.MINT,
    SHOP_SINK: AccountKind.SHOP_SINK,
    ESCROW: AccountKind.ESCROW,
    ADJUSTMENTS: AccountKind.ADJUSTMENTS,
}
GAME_SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,49}")


# System accounts by code, per process. A row is cached only once the
# transaction that saw it has committed: a test's rolled-back transaction (or a
# failed request) must not leave an id here that no longer exists.
_system_accounts: dict[str, Account] = {}
_system_lock = threading.Lock()


def system_accounts_forget(**kwargs) -> None:
    """Drop the cache (connected to post_migrate, which also follows a flush)."""
    with _system_lock:
        _system_accounts.clear()


def _system_kind(code: str) -> str:
    if code in SYSTEM_KINDS:
        return SYSTEM_KINDS[code]
    if code.startswith(GAME_BANK_PREFIX) and GAME_SLUG_PATTERN.fullmatch(
        code[len(GAME_BANK_PREFIX) :]
    ):
        return AccountKind.GAME_BANK
    raise ValueError(f"unknown system account {code!r}")


def system_account(*, code: str) -> Account:
    """The system account ``code`` ("mint", "game_bank:slots", ...), created on first use."""
    account = _system_accounts.get(code)
    if account is not None:
        return account
    account, _ = Account.objects.get_or_create(code=code, defaults={"kind": _system_kind(code)})

    def remember() -> None:
        with _system_lock:
            _system_accounts[code] = account

    transaction.on_commit(remember)
    return account


def player_account(*, player) -> Account:
    """The player's wallet, opened (empty) if it does not exist yet."""
    account, _ = Account.objects.get_or_create(player=player, defaults={"kind": AccountKind.PLAYER})
    return account
