"""Moderator corrections: they go through the ledger like every other coin."""

from __future__ import annotations

from django.db import transaction

from accounts.live import push_to_player
from accounts.moderation import NotAllowed, is_staff_account, moderator_action_record
from casino_club.kit.validation import is_whole_number
from economy.errors import InvalidAmount, NotAModerator, ReasonRequired
from economy.models import Adjustment, LedgerKind
from economy.services.accounts import ADJUSTMENTS, player_account, system_account
from economy.services.checks import MAX_AMOUNT
from economy.services.ledger import ledger_transfer

# The moderation log's name for this action (accounts.models.ModeratorAction).
COINS_ADJUST = "coins.adjust"


def adjustment_make(*, moderator, player, amount: int, reason: str) -> Adjustment:
    """Credit (amount > 0) or debit (amount < 0) a player, with a mandatory reason.

    The coins come from or go to the ``adjustments`` account; the row returned
    is the ledger's record, and the moderation log gets a ``coins.adjust`` row.
    Staff accounts are adjusted by superusers only. A debit larger than the balance raises
    ``InsufficientCoins``.
    """
    if not moderator.has_perm("economy.add_adjustment"):
        raise NotAModerator()
    if is_staff_account(player) and not moderator.is_superuser:
        raise NotAllowed("Staff accounts are managed by superusers only.")
    if not is_whole_number(amount) or amount == 0 or abs(amount) > MAX_AMOUNT:
        raise InvalidAmount(
            "The adjustment must be a non-zero whole number of coins.",
            fields={"amount": "non-zero integer"},
        )
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ReasonRequired(fields={"reason": "required"})
    if len(reason) > 500:
        raise ReasonRequired("The reason is at most 500 characters.", fields={"reason": "too long"})
    with transaction.atomic():
        wallet = player_account(player=player)
        pool = system_account(code=ADJUSTMENTS)
        source, destination = (pool, wallet) if amount > 0 else (wallet, pool)
        txn = ledger_transfer(
            source=source,
            destination=destination,
            amount=abs(amount),
            kind=LedgerKind.ADJUSTMENT,
            reference=f"player:{player.pk}",
            reason=reason,
            actor=moderator,
        )
        adjustment = Adjustment.objects.create(
            moderator=moderator, player=player, amount=amount, reason=reason, transaction=txn
        )
        moderator_action_record(
            actor=moderator,
            target=player,
            action=COINS_ADJUST,
            reason=reason,
            details={"amount": amount, "adjustment_id": adjustment.pk, "transaction_id": txn.pk},
        )
        push_to_player(player.pk, {"type": "wallet.balance", "balance": wallet.balance})
    return adjustment
