"""Progression's scheduled jobs (schedules in economy/migrations, editable in admin)."""

from __future__ import annotations

from celery import shared_task

from economy.progression.services import events, missions


@shared_task(name="economy.missions_roll_over")
def missions_roll_over() -> dict:
    """Hourly: new missions at each active player's local midnight; settle breaks."""
    return missions.missions_roll_over()


@shared_task(name="economy.events_announce")
def events_announce() -> int:
    """Every minute: announce events that have started, once each."""
    return events.events_announce()
