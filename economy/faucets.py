"""Where coins come from: the signup grant, the daily bonus and the refill
(and the wallet's view of them, ``wallet_state``).

All three pay from the ``mint`` and go through the ledger. There is no other
source of coins and no way to buy them (docs/ledger.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.action_types import ActionType
from accounts.actions import action_record
from accounts.live import push_to_player
from economy.errors import BonusAlreadyClaimed, RefillNotAvailable
from economy.models import Account, BonusClaim, BonusKind, LedgerKind, LedgerTransaction
from economy.progression import rules as progress_rules
from economy.progression import selectors as progress_selectors
from economy.progression.selectors import daily_bonus_amount
from economy.selectors import (
    daily_streak_next,
    economy_settings_get,
    ladder_day_for,
    last_claim,
    local_midnight_after,
    player_balance,
)
from economy.services.accounts import MINT, player_account, system_account
from economy.services.checks import idempotency_key_check
from economy.services.ledger import ledger_transfer

SIGNUP_SCOPE = "signup_grant"


@dataclass(frozen=True)
class ClaimResult:
    transaction_id: int
    kind: str
    amount: int
    balance: int
    local_date: date
    streak: int = 0
    ladder_day: int = 0
    replayed: bool = False


def signup_grant(*, player) -> LedgerTransaction | None:
    """Open the player's wallet with the signup grant; once per player, ever."""
    with transaction.atomic():
        account = player_account(player=player)
        key = str(player.pk)
        earlier = LedgerTransaction.objects.filter(
            idempotency_scope=SIGNUP_SCOPE, idempotency_key=key
        ).first()
        if earlier is not None:
            return earlier
        amount = economy_settings_get().signup_grant
        if amount <= 0:
            return None
        # The key also settles a race between two deliveries of PLAYER_JOINED.
        return ledger_transfer(
            source=system_account(code=MINT),
            destination=account,
            amount=amount,
            kind=LedgerKind.SIGNUP_GRANT,
            reference=f"player:{player.pk}",
            idempotency_scope=SIGNUP_SCOPE,
            idempotency_key=key,
        )


def _locked_account(player) -> Account:
    # The faucet rules read earlier claims and the balance and then write; the
    # row lock on the player's wallet makes two concurrent claims take turns,
    # so the second sees the first (unique constraints are the backstop).
    account = player_account(player=player)
    return Account.objects.select_for_update().get(pk=account.pk)


def _replayed_claim(*, scope: str, key: str | None) -> ClaimResult | None:
    if key is None:
        return None
    claim = (
        BonusClaim.objects.filter(
            transaction__idempotency_scope=scope, transaction__idempotency_key=key
        )
        .select_related("transaction")
        .first()
    )
    if claim is None:
        return None
    balance = (
        claim.transaction.entries.filter(account__player_id=claim.player_id)
        .values_list("balance_after", flat=True)
        .get()
    )
    return _result(claim, balance=balance, replayed=True)


def _result(claim: BonusClaim, *, balance: int, replayed: bool = False) -> ClaimResult:
    return ClaimResult(
        transaction_id=claim.transaction_id,
        kind=claim.kind,
        amount=claim.amount,
        balance=balance,
        local_date=claim.local_date,
        streak=claim.streak,
        ladder_day=claim.ladder_day,
        replayed=replayed,
    )


def daily_bonus_claim(
    *, player, idempotency_key: str | None = None, now: datetime | None = None
) -> ClaimResult:
    """Pay today's step of the streak ladder, once per calendar day of the player.

    The day is the player's own (``User.time_zone``). Claiming on the day
    after the last claim continues the streak; a missed day starts again at
    day 1; after day 7 the ladder starts again at step 1 while the streak
    count keeps growing. Raises ``BonusAlreadyClaimed``; a repeated
    Idempotency-Key returns the first claim.
    """
    key = idempotency_key_check(idempotency_key)
    now = now or timezone.now()
    scope = f"daily_bonus:{player.pk}"
    with transaction.atomic():
        account = _locked_account(player)
        replay = _replayed_claim(scope=scope, key=key)
        if replay is not None:
            return replay
        today = player.local_date(now)
        last = last_claim(player=player, kind=BonusKind.DAILY)
        # ">=": a player who moves their time zone west must not get "today" twice.
        if last is not None and last.local_date >= today:
            raise BonusAlreadyClaimed()
        streak = daily_streak_next(last=last, today=today)
        day = ladder_day_for(streak)
        # The VIP tier's perk multiplies the ladder step (docs/progression.md).
        amount = daily_bonus_amount(
            player=player, base=economy_settings_get().daily_ladder[day - 1]
        )
        txn = ledger_transfer(
            source=system_account(code=MINT),
            destination=account,
            amount=amount,
            kind=LedgerKind.DAILY_BONUS,
            reference=f"daily:{today.isoformat()}",
            idempotency_scope=scope,
            idempotency_key=key,
            at=now,
        )
        claim = BonusClaim.objects.create(
            player=player,
            kind=BonusKind.DAILY,
            local_date=today,
            streak=streak,
            ladder_day=day,
            amount=amount,
            transaction=txn,
            created_at=now,
        )
        action_record(
            player=player,
            type=ActionType.DAILY_BONUS_CLAIMED,
            value=amount,
            metadata={
                "streak": streak,
                "ladder_day": day,
                "date": today.isoformat(),
                "transaction_id": txn.pk,
            },
        )
        push_to_player(player.pk, {"type": "wallet.balance", "balance": account.balance})
    return _result(claim, balance=account.balance)


def refill_claim(
    *, player, idempotency_key: str | None = None, now: datetime | None = None
) -> ClaimResult:
    """Top up a player who is nearly out of coins.

    Allowed while the balance is below the threshold, and at most once per
    cooldown (hours since the last refill). Raises ``RefillNotAvailable``.
    """
    key = idempotency_key_check(idempotency_key)
    now = now or timezone.now()
    scope = f"refill:{player.pk}"
    rules = economy_settings_get()
    with transaction.atomic():
        account = _locked_account(player)
        replay = _replayed_claim(scope=scope, key=key)
        if replay is not None:
            return replay
        if account.balance >= rules.refill_threshold:
            raise RefillNotAvailable(
                f"The refill is for balances below {rules.refill_threshold} coins; "
                f"you have {account.balance}."
            )
        last = last_claim(player=player, kind=BonusKind.REFILL)
        if last is not None:
            ready_at = last.created_at + timedelta(hours=rules.refill_cooldown_hours)
            if ready_at > now:
                raise RefillNotAvailable(
                    f"The next refill is available at {ready_at.isoformat()}.",
                    fields={"next_available_at": ready_at.isoformat()},
                )
        txn = ledger_transfer(
            source=system_account(code=MINT),
            destination=account,
            amount=rules.refill_amount,
            kind=LedgerKind.REFILL,
            reference=f"refill:{now.isoformat()}",
            idempotency_scope=scope,
            idempotency_key=key,
            at=now,
        )
        claim = BonusClaim.objects.create(
            player=player,
            kind=BonusKind.REFILL,
            local_date=player.local_date(now),
            amount=rules.refill_amount,
            transaction=txn,
            created_at=now,
        )
        action_record(
            player=player,
            type=ActionType.REFILL_CLAIMED,
            value=rules.refill_amount,
            metadata={"transaction_id": txn.pk},
        )
        push_to_player(player.pk, {"type": "wallet.balance", "balance": account.balance})
    return _result(claim, balance=account.balance)


def wallet_state(*, player, now: datetime | None = None) -> dict:
    """Balance, today's bonus (streak, ladder) and the refill, as the wallet shows them."""
    now = now or timezone.now()
    rules = economy_settings_get()
    balance = player_balance(player=player)
    today = player.local_date(now)
    # The VIP perk multiplies every step, so the ladder shows what a claim pays.
    vip = progress_selectors.vip_tier_for(player)
    multiplier = progress_rules.tier_rule(vip).daily_bonus_multiplier
    ladder_amounts = [progress_rules.multiplied(step, multiplier) for step in rules.daily_ladder]

    last_daily = last_claim(player=player, kind=BonusKind.DAILY)
    claimed_today = last_daily is not None and last_daily.local_date >= today
    if claimed_today:
        streak = last_daily.streak
        current_day = last_daily.ladder_day
        next_amount = ladder_amounts[ladder_day_for(streak + 1) - 1]
    else:
        alive = last_daily is not None and last_daily.local_date == today - timedelta(days=1)
        streak = last_daily.streak if alive else 0
        current_day = ladder_day_for(daily_streak_next(last=last_daily, today=today))
        next_amount = ladder_amounts[current_day - 1]
    ladder = []
    for day, amount in enumerate(ladder_amounts, start=1):
        if day < current_day or (day == current_day and claimed_today):
            state = "claimed"
        elif day == current_day:
            state = "available"
        else:
            state = "upcoming"
        ladder.append({"day": day, "amount": amount, "state": state, "current": day == current_day})

    last_refill = last_claim(player=player, kind=BonusKind.REFILL)
    cooldown = timedelta(hours=rules.refill_cooldown_hours)
    cooling_until = last_refill.created_at + cooldown if last_refill else None
    cooling = cooling_until is not None and cooling_until > now
    below = balance < rules.refill_threshold
    return {
        "balance": balance,
        "daily_bonus": {
            "claimed_today": claimed_today,
            "available": not claimed_today,
            "streak": streak,
            "current_day": current_day,
            "next_amount": next_amount,
            "ladder": ladder,
            "next_reset": local_midnight_after(player=player, day=today),
            "vip_tier": vip,
            "vip_multiplier": multiplier,
        },
        "refill": {
            "available": below and not cooling,
            "threshold": rules.refill_threshold,
            "amount": rules.refill_amount,
            "cooldown_hours": rules.refill_cooldown_hours,
            "next_available_at": cooling_until if cooling else None,
        },
    }
