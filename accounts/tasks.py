from __future__ import annotations

from celery import shared_task
from django.core.cache import cache

from accounts.actions import QUEUED_KEY, actions_process
from accounts.selectors import HEARTBEAT
from accounts.services import job_status_record


@shared_task(name="accounts.heartbeat")
def heartbeat() -> None:
    """Proves a worker is consuming the queue; /readyz reads its last run."""
    job_status_record(name=HEARTBEAT, ok=True)


@shared_task(name="accounts.process_actions")
def process_actions() -> int:
    """Run the action pipeline over whatever is pending (after commits, and from beat)."""
    # Cleared before reading: an action committed from here on queues the next run.
    cache.delete(QUEUED_KEY)
    return actions_process()


@shared_task(name="accounts.prune_actions")
def prune_actions() -> int:
    """Prune the action log past ``ACTIONS_RETENTION_DAYS`` (nightly, from beat)."""
    from django.conf import settings

    from accounts.retention import PRUNE_JOB, actions_prune

    deleted = actions_prune(older_than_days=settings.ACTIONS_RETENTION_DAYS)
    job_status_record(
        name=PRUNE_JOB,
        detail={"deleted": deleted, "retention_days": settings.ACTIONS_RETENTION_DAYS},
    )
    return deleted


@shared_task(name="accounts.deliver_notifications")
def deliver_notifications() -> int:
    """Deliver scheduled notifications and moderator broadcasts that are due."""
    from accounts.notifications import broadcasts_send_due, notifications_deliver_due

    return broadcasts_send_due() + notifications_deliver_due()


@shared_task(name="accounts.inactivity_reminders")
def inactivity_reminders() -> int:
    from accounts.notifications import inactivity_reminders_send

    return inactivity_reminders_send()


@shared_task(name="accounts.email_notification", autoretry_for=(OSError,), max_retries=5)
def email_notification(notification_id: int) -> bool:
    from accounts.notifications import notification_email

    return notification_email(notification_id=notification_id)
