"""``manage.py reconcile_ledger``: recompute every balance; exit 1 on any mismatch."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from economy.services import ledger_reconcile, reconcile_record


class Command(BaseCommand):
    help = (
        "Recompute all balances from the ledger entries, check every transaction sums to "
        "zero, print a summary and exit non-zero with details on any mismatch."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-record",
            action="store_true",
            help="Do not store the result (it shows on /readyz by default).",
        )

    def handle(self, *args, no_record: bool = False, **options):
        report = ledger_reconcile()
        if not no_record:
            reconcile_record(report=report)
        summary = report.summary
        self.stdout.write(
            f"accounts {summary['accounts']}, transactions {summary['transactions']}, "
            f"entries {summary['entries']}"
        )
        self.stdout.write(f"coins held by players: {summary['player_coins']}")
        self.stdout.write(
            "system accounts (derived): " + json.dumps(summary["system_balances"], sort_keys=True)
        )
        if report.ok:
            self.stdout.write(self.style.SUCCESS("ledger OK: every entry accounted for"))
            return
        for problem in report.problems:
            self.stderr.write(f"MISMATCH {problem}")
        raise CommandError(f"ledger reconciliation found {report.problem_count} problem(s)")
