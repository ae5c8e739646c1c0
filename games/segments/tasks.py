"""The nightly segment job (registered through games.tasks; beat runs it at 02:00 UTC)."""

from __future__ import annotations

from celery import shared_task

from games.segments.services import segments_compute

SEGMENTS_TASK = "games.segments_compute"


@shared_task(name=SEGMENTS_TASK, ignore_result=True)
def compute_segments() -> int:
    return segments_compute()
