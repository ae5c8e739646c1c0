"""Celery tasks that end live matches at their deadlines (see games.live_rps.services.expiry)."""

from __future__ import annotations

from celery import shared_task

from games.live_rps.services import EXPIRE_TASK, live_matches_expire_overdue, match_expire


@shared_task(name=EXPIRE_TASK, ignore_result=True)
def live_match_expire(match_id: int) -> bool:
    """Scheduled at a match's deadline (``eta``); does nothing if it is not due yet."""
    return match_expire(match_id=match_id)


@shared_task(name="games.live_rps_sweep", ignore_result=True)
def live_matches_sweep() -> int:
    """Every 30 s from beat: ends any overdue match whose deadline task was lost."""
    return live_matches_expire_overdue()
