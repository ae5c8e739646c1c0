"""The leaderboards' nightly clean-up (registered through games.tasks)."""

from __future__ import annotations

from celery import shared_task

from games.leaderboards.services import leaderboards_prune

PRUNE_TASK = "games.prune_leaderboards"


@shared_task(name=PRUNE_TASK, ignore_result=True)
def prune_leaderboards() -> int:
    """Nightly from beat: drop scores of days and weeks before the previous one."""
    return leaderboards_prune()
