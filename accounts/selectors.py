"""Reads about players."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Action, AgeVerification, JobStatus

HEARTBEAT = "heartbeat"


def job_status_get(*, name: str) -> JobStatus | None:
    return JobStatus.objects.filter(name=name).first()


def heartbeat_is_fresh(status: JobStatus | None) -> bool:
    if status is None:
        return False
    max_age = timedelta(seconds=settings.HEARTBEAT_MAX_AGE_SECONDS)
    return timezone.now() - status.last_run_at <= max_age


# The action log, read. Other apps read actions through these, never through
# ``Action.objects``, so the log's shape stays accounts' own business.


def action_player_ids(*, since: datetime, types: Iterable[str] | None = None) -> QuerySet:
    """Ids of players with an action (of ``types``, else any) since ``since``, as a subquery."""
    recent = Action.objects.filter(created_at__gte=since)
    if types is not None:
        recent = recent.filter(type__in=list(types))
    return recent.values("player_id").distinct()


def action_times(*, player_id: int, type: str, since: datetime, until: datetime) -> list[datetime]:
    """When the player's actions of ``type`` in [since, until) happened, oldest first."""
    return list(
        Action.objects.filter(
            player_id=player_id, type=type, created_at__gte=since, created_at__lt=until
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )


def action_history(*, type: str) -> Iterator[tuple[int, int, dict, datetime]]:
    """Every action of ``type`` as (player id, value, metadata, time), in recording order.

    Streams in chunks, for rebuilds that replay the log.
    """
    rows = Action.objects.filter(type=type).order_by("pk")
    yield from rows.values_list("player_id", "value", "metadata", "created_at").iterator(
        chunk_size=5000
    )


def _age_on(born, today) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def mature_allowed(user) -> bool:
    """May ``user`` see mature content: a standing age verification at least ``MATURE_MIN_AGE``.

    The age counts from the verified date of birth on today's date in the
    player's own time zone, so a player turns of age on their own birthday.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    verification = AgeVerification.objects.filter(player=user, revoked_at__isnull=True).first()
    if verification is None:
        return False
    return _age_on(verification.date_of_birth, user.local_date()) >= settings.MATURE_MIN_AGE
