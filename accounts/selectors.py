"""Reads about players."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import JobStatus

HEARTBEAT = "heartbeat"


def job_status_get(*, name: str) -> JobStatus | None:
    return JobStatus.objects.filter(name=name).first()


def heartbeat_is_fresh(status: JobStatus | None) -> bool:
    if status is None:
        return False
    max_age = timedelta(seconds=settings.HEARTBEAT_MAX_AGE_SECONDS)
    return timezone.now() - status.last_run_at <= max_age
