"""Reads about coins: balances, the wallet's faucet state, history."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import QuerySet, Sum

from economy.models import (
    REWARD_KINDS,
    Account,
    AccountKind,
    BonusClaim,
    BonusKind,
    EconomySettings,
    Entry,
)

SETTINGS_CACHE_KEY = "economy:settings:v1"
EARLIEST_DAY = date(1970, 1, 2)
LATEST_DAY = date(9999, 12, 30)
SETTINGS_CACHE_SECONDS = 60


def economy_settings_get() -> EconomySettings:
    """The faucet rules (cached; saving them in admin clears the cache)."""
    found = cache.get(SETTINGS_CACHE_KEY)
    if found is None:
        found, _ = EconomySettings.objects.get_or_create(pk=1)
        cache.set(SETTINGS_CACHE_KEY, found, SETTINGS_CACHE_SECONDS)
    return found


def economy_settings_forget() -> None:
    cache.delete(SETTINGS_CACHE_KEY)


def player_balance(*, player) -> int:
    """The player's coins (0 before their wallet opens)."""
    balance = Account.objects.filter(player=player).values_list("balance", flat=True).first()
    return balance or 0


def system_balance(*, code: str) -> int:
    """A system account's balance: the sum of its entries (it is not stored)."""
    total = Entry.objects.filter(account__code=code).aggregate(total=Sum("amount"))["total"]
    return total or 0


def system_balances() -> dict[str, int]:
    rows = (
        Entry.objects.exclude(account__kind=AccountKind.PLAYER)
        .values("account__code")
        .annotate(total=Sum("amount"))
    )
    balances = dict.fromkeys(
        Account.objects.exclude(kind=AccountKind.PLAYER).values_list("code", flat=True), 0
    )
    balances.update({row["account__code"]: row["total"] for row in rows})
    return balances


def escrow_held_for(*, reference: str) -> int:
    """Coins escrow holds for one match (held minus paid out or refunded)."""
    total = Entry.objects.filter(
        account__kind=AccountKind.ESCROW, transaction__reference=reference
    ).aggregate(total=Sum("amount"))["total"]
    return total or 0


def local_midnight_after(*, player, day: date) -> datetime:
    """The moment ``day`` ends in the player's time zone."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=player.zone)


def daily_streak_next(*, last: BonusClaim | None, today: date) -> int:
    """The streak a claim made ``today`` would reach (a missed day resets it)."""
    if last is not None and last.local_date == today - timedelta(days=1):
        return last.streak + 1
    return 1


def ladder_day_for(streak: int) -> int:
    """Streak days 1..7 climb the ladder; day 8 starts it again at step 1."""
    return (streak - 1) % 7 + 1


def last_claim(*, player, kind: str) -> BonusClaim | None:
    order = "-local_date" if kind == BonusKind.DAILY else "-created_at"
    return BonusClaim.objects.filter(player=player, kind=kind).order_by(order, "-id").first()


def ledger_entries_for(
    *,
    player,
    kind: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[Entry]:
    """The player's own entries, newest first; dates are the player's calendar days.

    ``since`` and ``until`` are inclusive; a range that ends before it starts
    matches nothing.
    """
    entries = Entry.objects.filter(account__player=player).select_related("transaction")
    if kind:
        entries = entries.filter(transaction__kind=kind)
    return _within_days(entries, player=player, since=since, until=until).order_by(
        "-created_at", "-id"
    )


def reward_history_for(
    *,
    player,
    kind: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[Entry]:
    """What the player was given: grants, bonuses, mission, pass and event rewards.

    ``kind`` narrows to one of ``REWARD_KINDS``; ``since`` and ``until`` are
    the player's calendar days, inclusive, as in ``ledger_entries_for``.
    """
    entries = Entry.objects.filter(
        account__player=player, transaction__kind__in=REWARD_KINDS, amount__gt=0
    ).select_related("transaction")
    if kind:
        entries = entries.filter(transaction__kind=kind)
    return _within_days(entries, player=player, since=since, until=until).order_by(
        "-created_at", "-id"
    )


def _within_days(
    entries: QuerySet[Entry], *, player, since: date | None, until: date | None
) -> QuerySet[Entry]:
    """Entries made between the start of ``since`` and the end of ``until``, player's time."""
    if since and until and since > until:
        return entries.none()
    # Bounds at the ends of the calendar would overflow once converted to
    # UTC; no entry is that old or that new, so they are simply left out.
    if since and since > EARLIEST_DAY:
        entries = entries.filter(created_at__gte=datetime.combine(since, time.min, player.zone))
    if until and until < LATEST_DAY:
        entries = entries.filter(created_at__lt=local_midnight_after(player=player, day=until))
    return entries
