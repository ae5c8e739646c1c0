"""Celery finds ``<app>.tasks`` only; this registers the tasks of the games' subpackages."""

from games.leaderboards.tasks import prune_leaderboards
from games.live_rps.tasks import live_match_expire, live_matches_sweep
from games.segments.tasks import compute_segments

__all__ = ["compute_segments", "live_match_expire", "live_matches_sweep", "prune_leaderboards"]
