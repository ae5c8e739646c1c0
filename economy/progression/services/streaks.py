"""Days played and the daily streak (kept on the player's progress row)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import transaction

from economy.models import PlayerProgress
from economy.progression.selectors import STREAK_CACHE_SECONDS, streak_cache_key

logger = logging.getLogger(__name__)


def streak_step(*, progress: PlayerProgress, day: date, at: datetime) -> None:
    """Count ``day`` as played: days played, the streak, the latest action time.

    Runs under the caller's lock on ``progress`` (``xp.plays_record``) and
    leaves saving the row to it; the cache is refreshed after commit.
    """
    if progress.last_action_ts is None or at > progress.last_action_ts:
        progress.last_action_ts = at
    last = progress.last_played_date
    if last is not None and day <= last:
        return
    progress.days_played += 1
    progress.streak_count = progress.streak_count + 1 if last == day - timedelta(days=1) else 1
    progress.last_played_date = day
    data = {
        "streak_count": progress.streak_count,
        "last_action_ts": progress.last_action_ts.isoformat(),
    }
    key = streak_cache_key(progress.player_id)
    transaction.on_commit(lambda: _cache_set(key, data))


def _cache_set(key: str, data: dict) -> None:
    # The cache only speeds up reads; the database row stays the truth.
    try:
        cache.set(key, data, STREAK_CACHE_SECONDS)
    except Exception:
        logger.warning("streak cache write failed", exc_info=True)
