"""Check the ledger against itself: every coin accounted for, twice.

Recomputes each player's balance from their entries, checks that every
transaction has at least two entries summing to zero, that each player
entry's ``balance_after`` equals the running sum of that account's entries,
that system entries carry no ``balance_after`` and that escrow never holds
less than nothing. Read-only; ``reconcile_record`` stores the result for
``/readyz``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import JobStatus
from accounts.services import job_status_record
from economy.models import Account, AccountKind, Entry, LedgerTransaction
from economy.selectors import system_balances

JOB_NAME = "reconcile_ledger"
DETAIL_LIMIT = 50  # problems listed per check; the count is always complete


@dataclass
class ReconcileReport:
    summary: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, found: list[str], total: int | None = None) -> None:
        self.problem_count += len(found) if total is None else total
        self.problems.extend(found[:DETAIL_LIMIT])


def _running_balance_breaks() -> list[tuple]:
    entry, account = Entry._meta.db_table, Account._meta.db_table
    # Per account, entries in id order are in the order they were applied:
    # each was inserted while the posting held the account's row lock.
    sql = f"""
        SELECT id, account_id, transaction_id, balance_after, running FROM (
            SELECT e.id, e.account_id, e.transaction_id, e.balance_after,
                   SUM(e.amount) OVER (PARTITION BY e.account_id ORDER BY e.id) AS running
            FROM {entry} e JOIN {account} a ON a.id = e.account_id
            WHERE a.kind = %s
        ) t
        WHERE balance_after IS NULL OR balance_after <> running
        ORDER BY id
        LIMIT {DETAIL_LIMIT + 1}
    """  # noqa: S608 (table names from _meta)
    with connection.cursor() as cursor:
        cursor.execute(sql, [AccountKind.PLAYER])
        return cursor.fetchall()


def ledger_reconcile() -> ReconcileReport:
    report = ReconcileReport()

    unbalanced = (
        LedgerTransaction.objects.annotate(
            total=Coalesce(Sum("entries__amount"), Value(0)), legs=Count("entries")
        )
        .filter(~Q(total=0) | Q(legs__lt=2))
        .order_by("id")
        .values_list("id", "kind", "total", "legs")
    )
    report.add(
        [
            f"transaction {pk} ({kind}): entries sum to {total} over {legs} entries"
            for pk, kind, total, legs in unbalanced[: DETAIL_LIMIT + 1]
        ],
        total=unbalanced.count(),
    )

    drifted = (
        Account.objects.filter(kind=AccountKind.PLAYER)
        .annotate(recomputed=Coalesce(Sum("entries__amount"), Value(0)))
        .exclude(balance=F("recomputed"))
        .order_by("id")
        .values_list("id", "player_id", "balance", "recomputed")
    )
    report.add(
        [
            f"account {pk} (player {player_id}): stored balance {balance}, entries sum to "
            f"{recomputed}"
            for pk, player_id, balance, recomputed in drifted[: DETAIL_LIMIT + 1]
        ],
        total=drifted.count(),
    )

    breaks = _running_balance_breaks()
    report.add(
        [
            f"entry {pk} on account {account_id} (transaction {txn_id}): balance_after "
            f"{after}, running sum {running}"
            for pk, account_id, txn_id, after, running in breaks
        ]
    )

    stray = Entry.objects.exclude(account__kind=AccountKind.PLAYER).filter(
        balance_after__isnull=False
    )
    report.add(
        [
            f"entry {pk} on a system account stores a balance"
            for pk in stray.values_list("id", flat=True)[:DETAIL_LIMIT]
        ],
        total=stray.count(),
    )

    negative = Account.objects.filter(kind=AccountKind.PLAYER, balance__lt=0)
    report.add(
        [
            f"account {pk} has a negative balance"
            for pk in negative.values_list("id", flat=True)[:DETAIL_LIMIT]
        ],
        total=negative.count(),
    )

    derived = system_balances()
    for code, balance in derived.items():
        if code == "escrow" and balance < 0:
            report.add([f"escrow holds {balance} coins (less than none)"])

    player_total = (
        Account.objects.filter(kind=AccountKind.PLAYER).aggregate(total=Sum("balance"))["total"]
        or 0
    )
    report.summary = {
        "accounts": Account.objects.count(),
        "transactions": LedgerTransaction.objects.count(),
        "entries": Entry.objects.count(),
        "player_coins": player_total,
        "system_balances": derived,
        "all_entries_sum": (Entry.objects.aggregate(total=Sum("amount"))["total"] or 0),
        "problems": report.problem_count,
    }
    return report


def reconcile_record(*, report: ReconcileReport) -> JobStatus:
    """Store the result where /readyz and the admin's job list read it."""
    return job_status_record(
        name=JOB_NAME,
        ok=report.ok,
        detail={"summary": report.summary, "problems": report.problems[:DETAIL_LIMIT]},
    )
