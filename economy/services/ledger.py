"""The one writer of coin balances.

``ledger_transfer`` and ``round_settle`` are the only functions that change a
balance or write ledger entries; everything else (faucets, escrow,
adjustments, the shop and rewards) is built on them. Accounts live in
``accounts.py`` and the input checks in ``checks.py``, beside this module.

How one posting runs, in as few statements as possible (each costs ~0.4 ms of
Python, see STACK.md):

1. ``UPDATE account SET balance = balance + delta WHERE ... AND balance +
   floor >= 0 RETURNING balance`` on the player's row. Under READ COMMITTED
   this both checks and takes the row lock, so two spends from one wallet
   serialise here and the second re-evaluates the condition on the new
   balance: no lost update, no overdraft, no deadlock (one player row per
   posting, so no lock-ordering cycle is possible).
2. ``INSERT`` the transaction row(s) ``RETURNING id``; with an idempotency key
   ``ON CONFLICT DO NOTHING``, so a concurrent attempt with the same key
   waits on the unique index and then sees the winner's row.
3. ``INSERT`` all entries in one statement.

Nothing is written before the only check that can fail (step 1), so the
functions need no savepoint inside a caller's transaction; an idempotent
replay detected at step 2 is undone by a compensating update in the same
transaction.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from economy.errors import (
    IdempotencyConflict,
    InsufficientCoins,
    InvalidAmount,
    InvalidIdempotencyKey,
    TransferNotAllowed,
)
from economy.models import Account, AccountKind, Entry, LedgerKind, LedgerTransaction
from economy.services.accounts import GAME_BANK_PREFIX, GAME_SLUG_PATTERN, system_account
from economy.services.checks import amount_check, idempotency_key_check, kind_check

_P, _MINT, _BANK, _SINK, _ESCROW, _ADJ = (
    AccountKind.PLAYER,
    AccountKind.MINT,
    AccountKind.GAME_BANK,
    AccountKind.SHOP_SINK,
    AccountKind.ESCROW,
    AccountKind.ADJUSTMENTS,
)
_FROM_MINT = {(_MINT, _P)}

# Which way each kind may move coins (source kind, destination kind). Every
# route has exactly one player side: players can never pay each other
# directly, and only escrow (held for a live match) sits between two players.
ROUTES: dict[str, set[tuple[str, str]]] = {
    LedgerKind.SIGNUP_GRANT: _FROM_MINT,
    LedgerKind.DAILY_BONUS: _FROM_MINT,
    LedgerKind.REFILL: _FROM_MINT,
    LedgerKind.MISSION_REWARD: _FROM_MINT,
    LedgerKind.PASS_REWARD: _FROM_MINT,
    LedgerKind.EVENT_REWARD: _FROM_MINT,
    LedgerKind.REFERRAL_REWARD: _FROM_MINT,
    LedgerKind.LEVEL_REWARD: _FROM_MINT,
    LedgerKind.WAGER: {(_P, _BANK)},
    LedgerKind.PAYOUT: {(_BANK, _P), (_ESCROW, _P)},
    LedgerKind.SHOP_PURCHASE: {(_P, _SINK)},
    LedgerKind.ESCROW: {(_P, _ESCROW)},
    LedgerKind.REFUND: {(_ESCROW, _P), (_SINK, _P), (_BANK, _P)},
    LedgerKind.ADJUSTMENT: {(_ADJ, _P), (_P, _ADJ)},
}


@dataclass(frozen=True)
class Settlement:
    """What ``round_settle`` did; ``balance`` is the player's balance after it."""

    wager_transaction_id: int
    payout_transaction_id: int | None
    balance: int
    replayed: bool = False


# --- posting ------------------------------------------------------------------

PLAYER_LEG = 0  # stands for the player's account id until the update returns it


@dataclass
class _Draft:
    kind: str
    legs: list[tuple[int, int]]  # (account id or PLAYER_LEG, signed amount)
    reference: str = ""
    reason: str = ""
    actor_id: int | None = None
    scope: str = ""
    key: str | None = None


_ACCOUNT = Account._meta.db_table
_TRANSACTION = LedgerTransaction._meta.db_table
_ENTRY = Entry._meta.db_table


def _atomic_unless_nested():
    # Inside a caller's transaction no savepoint is needed: nothing is written
    # before the only check that can fail. Alone, the statements need one.
    if connection.in_atomic_block:
        return contextlib.nullcontext()
    return transaction.atomic()


def _update_player(*, account_id, player_id, delta: int, floor: int):
    """One conditional update; returns (account id, new balance) or None if short."""
    where = "id = %s" if account_id is not None else "player_id = %s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_ACCOUNT} SET balance = balance + %s "  # noqa: S608 (names from _meta)
            f"WHERE {where} AND balance + %s >= 0 RETURNING id, balance",
            [delta, account_id if account_id is not None else player_id, floor],
        )
        return cursor.fetchone()


def _post(
    *,
    drafts: list[_Draft],
    account_id: int | None = None,
    player_id: int | None = None,
    floor: int,
    at: datetime | None = None,
) -> tuple[list[LedgerTransaction], int, bool]:
    """Write ``drafts`` for one player; returns (transactions, balance, replayed).

    ``floor`` is the most negative change the balance must absorb before the
    credits of the same posting count (a round's wager, not its net result).
    The steps are the module docstring's: the conditional update, the
    transaction rows, the entries; three statements when nothing is replayed.
    """
    delta = sum(amount for draft in drafts for acc, amount in draft.legs if acc == PLAYER_LEG)
    keyed = any(draft.key is not None for draft in drafts)
    row = _update_player(account_id=account_id, player_id=player_id, delta=delta, floor=floor)
    if row is None:
        # Short of coins, unless this is a retry of a posting that already went through.
        if keyed:
            replay = _replay(drafts=drafts, account_id=account_id, player_id=player_id)
            if replay is not None:
                return replay
        raise _insufficient(account_id=account_id, player_id=player_id, needed=-floor)
    account_id, balance = row

    at = at or timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        ids = _insert_transactions(cursor, drafts=drafts, keyed=keyed, stamp=stamp)
        if len(ids) < len(drafts):
            return _yield_to_winner(
                cursor, drafts=drafts, ids=ids, account_id=account_id, delta=delta
            )
        transactions = _insert_entries(
            cursor,
            drafts=drafts,
            ids=ids,
            account_id=account_id,
            balance_before=balance - delta,
            at=at,
            stamp=stamp,
        )
    return transactions, balance, False


def _insert_transactions(cursor, *, drafts: list[_Draft], keyed: bool, stamp) -> list[int]:
    """Step 2: one row per draft; with keys, a row whose key exists is skipped."""
    values, params = [], []
    for draft in drafts:
        values.append("(%s, %s, %s, %s, %s, %s, %s)")
        params += [
            draft.kind,
            draft.reference,
            draft.reason,
            draft.actor_id,
            draft.scope,
            draft.key,
            stamp,
        ]
    conflict = (
        " ON CONFLICT (idempotency_scope, idempotency_key) "
        "WHERE idempotency_key IS NOT NULL DO NOTHING"
        if keyed
        else ""
    )
    cursor.execute(
        f"INSERT INTO {_TRANSACTION} (kind, reference, reason, actor_id, "  # noqa: S608
        f"idempotency_scope, idempotency_key, created_at) VALUES {', '.join(values)}"
        f"{conflict} RETURNING id",
        params,
    )
    return [row[0] for row in cursor.fetchall()]


def _yield_to_winner(cursor, *, drafts: list[_Draft], ids: list[int], account_id: int, delta: int):
    """Another request with the same key got there first: undo our half, answer with theirs.

    The compensating update and delete run in the same transaction, so
    nothing of this attempt survives it.
    """
    cursor.execute(
        f"UPDATE {_ACCOUNT} SET balance = balance - %s WHERE id = %s",  # noqa: S608
        [delta, account_id],
    )
    if ids:
        cursor.execute(
            f"DELETE FROM {_TRANSACTION} WHERE id IN ({', '.join(['%s'] * len(ids))})",  # noqa: S608
            ids,
        )
    replay = _replay(drafts=drafts, account_id=account_id, player_id=None)
    if replay is None:
        raise IdempotencyConflict()
    return replay


def _insert_entries(
    cursor,
    *,
    drafts: list[_Draft],
    ids: list[int],
    account_id: int,
    balance_before: int,
    at: datetime,
    stamp,
) -> list[LedgerTransaction]:
    """Step 3: every leg of every draft in one insert; returns the transactions, as models.

    ``balance_after`` is the player's balance after each leg, in order.
    """
    running = balance_before
    values, params, transactions = [], [], []
    for draft, txn_id in zip(drafts, ids, strict=True):
        for leg_account, amount in draft.legs:
            if leg_account == PLAYER_LEG:
                running += amount
                params += [txn_id, account_id, amount, running, stamp]
            else:
                params += [txn_id, leg_account, amount, None, stamp]
            values.append("(%s, %s, %s, %s, %s)")
        txn = LedgerTransaction(
            id=txn_id,
            kind=draft.kind,
            reference=draft.reference,
            reason=draft.reason,
            actor_id=draft.actor_id,
            idempotency_scope=draft.scope,
            idempotency_key=draft.key,
            created_at=at,
        )
        txn._state.adding = False
        txn._state.db = connection.alias
        txn.player_balance = running
        transactions.append(txn)
    cursor.execute(
        f"INSERT INTO {_ENTRY} (transaction_id, account_id, amount, balance_after, "  # noqa: S608
        f"created_at) VALUES {', '.join(values)}",
        params,
    )
    return transactions


def _insufficient(*, account_id, player_id, needed: int) -> InsufficientCoins:
    lookup = {"pk": account_id} if account_id is not None else {"player_id": player_id}
    balance = Account.objects.filter(**lookup).values_list("balance", flat=True).first() or 0
    return InsufficientCoins(
        _("Not enough coins: this needs %(needed)s and the balance is %(balance)s.")
        % {"needed": intcomma(needed), "balance": intcomma(balance)},
        fields={"amount": f"more than the balance of {balance}"},
    )


def _replay(*, drafts: list[_Draft], account_id, player_id):
    """The transactions an earlier request with the same keys wrote, if they match."""
    keyed = [draft for draft in drafts if draft.key is not None]
    condition = Q()
    for draft in keyed:
        condition |= Q(idempotency_scope=draft.scope, idempotency_key=draft.key)
    found = {
        (txn.idempotency_scope, txn.idempotency_key): txn
        for txn in LedgerTransaction.objects.filter(condition).prefetch_related("entries")
    }
    if not found:
        return None
    if account_id is None:
        account_id = (
            Account.objects.filter(player_id=player_id).values_list("id", flat=True).first()
        )
    transactions, balance = [], None
    for draft in drafts:
        txn = found.get((draft.scope, draft.key))
        if txn is None or txn.kind != draft.kind or txn.reference != draft.reference:
            raise IdempotencyConflict()
        expected = sorted(
            (account_id if acc == PLAYER_LEG else acc, amount) for acc, amount in draft.legs
        )
        entries = list(txn.entries.all())
        if sorted((e.account_id, e.amount) for e in entries) != expected:
            raise IdempotencyConflict()
        txn.player_balance = next(e.balance_after for e in entries if e.account_id == account_id)
        balance = txn.player_balance
        transactions.append(txn)
    if len(found) != len(keyed):
        raise IdempotencyConflict()
    return transactions, balance, True


# --- public writers -------------------------------------------------------------


def ledger_transfer(
    *,
    source: Account,
    destination: Account,
    amount: int,
    kind: str,
    reference: str = "",
    reason: str = "",
    actor=None,
    idempotency_scope: str = "",
    idempotency_key: str | None = None,
    at: datetime | None = None,
) -> LedgerTransaction:
    """Move ``amount`` coins from ``source`` to ``destination``, atomically.

    Exactly one side is a player's account and the pair must be a route of
    ``kind`` (see ``ROUTES``). Raises ``InvalidAmount`` (not a positive int),
    ``UnknownKind``, ``TransferNotAllowed``, or ``InsufficientCoins`` when a
    player would go below zero; nothing is written then. With an idempotency
    key, a repeat of the same transfer (even a concurrent one) returns the
    first transaction, and a different transfer under the same (scope, key)
    raises ``IdempotencyConflict``. The returned transaction carries
    ``player_balance`` (the player's balance right after it); the player
    account object passed in gets its ``balance`` refreshed. ``at`` is the
    transaction's time (default now): a faucet claim passes its ``now``, so
    the claim row and its transaction carry the same moment.
    """
    amount = amount_check(amount)
    kind = kind_check(kind)
    if (source.kind, destination.kind) not in ROUTES[kind]:
        raise TransferNotAllowed(
            f"{kind} cannot move coins from a {source.kind} account to a {destination.kind} "
            "account."
        )
    if len(reference) > 100 or len(reason) > 500:
        raise InvalidAmount("The reference or reason is too long.")
    if idempotency_key is not None and (
        not idempotency_key or len(idempotency_key) > 100 or len(idempotency_scope) > 100
    ):
        raise InvalidIdempotencyKey()
    if source.is_player:
        player, legs, floor = source, [(PLAYER_LEG, -amount), (destination.pk, amount)], -amount
    else:
        player, legs, floor = destination, [(source.pk, -amount), (PLAYER_LEG, amount)], 0
    draft = _Draft(
        kind=kind,
        legs=legs,
        reference=reference,
        reason=reason,
        actor_id=actor.pk if actor is not None else None,
        scope=idempotency_scope,
        key=idempotency_key,
    )
    with _atomic_unless_nested():
        transactions, balance, replayed = _post(
            drafts=[draft], account_id=player.pk, floor=floor, at=at
        )
    if not replayed:
        player.balance = balance
    return transactions[0]


def round_settle(
    *,
    player,
    game_slug: str,
    wager: int,
    payout: int,
    reference: str,
    idempotency_key: str | None = None,
) -> Settlement:
    """Record a round's wager (player → game bank) and payout (game bank → player).

    Call it inside the round's ``transaction.atomic()``. Both legs are
    recorded as their own transactions, but the player's row changes once:
    ``balance + payout - wager`` on condition that ``balance >= wager`` (a bet
    is never paid for with its own winnings). Three statements when it
    succeeds. Raises ``InsufficientCoins`` before writing anything.
    """
    wager = amount_check(wager, field="wager")
    payout = amount_check(payout, field="payout", allow_zero=True)
    if not isinstance(game_slug, str) or not GAME_SLUG_PATTERN.fullmatch(game_slug):
        raise ValueError(f"invalid game slug {game_slug!r}")
    if len(reference) > 100:
        raise ValueError("reference longer than 100 characters")
    idempotency_key = idempotency_key_check(idempotency_key)
    bank = system_account(code=GAME_BANK_PREFIX + game_slug)
    scope = f"round:{game_slug}:{player.pk}"
    drafts = [
        _Draft(
            kind=LedgerKind.WAGER,
            legs=[(PLAYER_LEG, -wager), (bank.pk, wager)],
            reference=reference,
            scope=scope,
            key=idempotency_key,
        )
    ]
    if payout:
        drafts.append(
            _Draft(
                kind=LedgerKind.PAYOUT,
                legs=[(bank.pk, -payout), (PLAYER_LEG, payout)],
                reference=reference,
                scope=scope + ":payout",
                key=idempotency_key,
            )
        )
    with _atomic_unless_nested():
        transactions, balance, replayed = _post(drafts=drafts, player_id=player.pk, floor=-wager)
    return Settlement(
        wager_transaction_id=transactions[0].pk,
        payout_transaction_id=transactions[1].pk if len(transactions) > 1 else None,
        balance=balance,
        replayed=replayed,
    )
