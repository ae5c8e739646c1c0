from __future__ import annotations

from celery import shared_task

from economy.progression.tasks import events_announce, missions_roll_over  # noqa: F401
from economy.season_pass.tasks import pass_coupons_weekly  # noqa: F401 (registers the task)
from economy.services import ledger_reconcile, reconcile_record


@shared_task(name="economy.reconcile_ledger")
def reconcile_ledger() -> bool:
    """Nightly check of the whole ledger; the result shows on /readyz."""
    report = ledger_reconcile()
    reconcile_record(report=report)
    return report.ok
