from __future__ import annotations

from celery import shared_task

from accounts.actions import actions_redeliver
from accounts.selectors import HEARTBEAT
from accounts.services import job_status_record


@shared_task(name="accounts.heartbeat")
def heartbeat() -> None:
    """Proves a worker is consuming the queue; /readyz reads its last run."""
    job_status_record(name=HEARTBEAT, ok=True)


@shared_task(name="accounts.dispatch_action")
def dispatch_action(action_id: int) -> None:
    """Hand one committed action to its subscribers (ACTIONS_DISPATCH=worker)."""
    from accounts.actions import action_dispatch

    action_dispatch(action_id=action_id)


@shared_task(name="accounts.redeliver_actions")
def redeliver_actions() -> int:
    """Hands subscribers any action a crashed process committed but never dispatched."""
    return actions_redeliver()


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
