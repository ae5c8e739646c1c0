"""Coins held for live matches between players.

A player's stake moves into the ``escrow`` account when the match starts and
leaves it as the winner's payout or as refunds; ``reference`` names the
match. Callers settle a match under their own lock on the match row, so the
"no more out than in" check below cannot race with itself.
"""

from __future__ import annotations

from django.db import transaction

from economy.errors import EscrowShortfall
from economy.models import LedgerKind, LedgerTransaction
from economy.selectors import escrow_held_for
from economy.services.accounts import ESCROW, player_account, system_account
from economy.services.checks import amount_check, idempotency_key_check
from economy.services.ledger import ledger_transfer


def escrow_hold(
    *, player, amount: int, reference: str, idempotency_key: str | None = None
) -> LedgerTransaction:
    """Take a player's stake into escrow; ``InsufficientCoins`` if they are short."""
    return ledger_transfer(
        source=player_account(player=player),
        destination=system_account(code=ESCROW),
        amount=amount,
        kind=LedgerKind.ESCROW,
        reference=reference,
        idempotency_scope=f"escrow_hold:{player.pk}",
        idempotency_key=idempotency_key_check(idempotency_key),
    )


def _release(
    *, player, amount: int, reference: str, kind: str, idempotency_key: str | None
) -> LedgerTransaction:
    amount = amount_check(amount)
    key = idempotency_key_check(idempotency_key)
    scope = f"escrow_release:{player.pk}"
    with transaction.atomic():
        if key is not None:
            earlier = LedgerTransaction.objects.filter(
                idempotency_scope=scope, idempotency_key=key
            ).first()
            if earlier is not None:
                # Let the ledger compare the parameters and answer the replay.
                return ledger_transfer(
                    source=system_account(code=ESCROW),
                    destination=player_account(player=player),
                    amount=amount,
                    kind=kind,
                    reference=reference,
                    idempotency_scope=scope,
                    idempotency_key=key,
                )
        held = escrow_held_for(reference=reference)
        if amount > held:
            raise EscrowShortfall(
                f"Escrow holds {held} coins for {reference}; cannot release {amount}."
            )
        return ledger_transfer(
            source=system_account(code=ESCROW),
            destination=player_account(player=player),
            amount=amount,
            kind=kind,
            reference=reference,
            idempotency_scope=scope,
            idempotency_key=key,
        )


def escrow_pay(
    *,
    player,
    amount: int,
    reference: str,
    kind: str = LedgerKind.PAYOUT,
    idempotency_key: str | None = None,
) -> LedgerTransaction:
    """Pay a match's winner from what escrow holds for ``reference``."""
    return _release(
        player=player,
        amount=amount,
        reference=reference,
        kind=kind,
        idempotency_key=idempotency_key,
    )


def escrow_refund(
    *, player, amount: int, reference: str, idempotency_key: str | None = None
) -> LedgerTransaction:
    """Give a stake back (draw, abandoned or cancelled match)."""
    return _release(
        player=player,
        amount=amount,
        reference=reference,
        kind=LedgerKind.REFUND,
        idempotency_key=idempotency_key,
    )
