"""Leaderboards: scores per board and period, kept in the database (the truth)
and mirrored into Redis sorted sets when Redis is configured (the fast path).

See docs/live.md for the live updates and the throttle.
"""
