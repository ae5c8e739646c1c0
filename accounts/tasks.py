from __future__ import annotations

from celery import shared_task

from accounts.actions import actions_redeliver
from accounts.selectors import HEARTBEAT
from accounts.services import job_status_record


@shared_task(name="accounts.heartbeat")
def heartbeat() -> None:
    """Proves a worker is consuming the queue; /readyz reads its last run."""
    job_status_record(name=HEARTBEAT, ok=True)


@shared_task(name="accounts.redeliver_actions")
def redeliver_actions() -> int:
    """Hands subscribers any action a crashed process committed but never dispatched."""
    return actions_redeliver()
