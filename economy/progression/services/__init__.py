"""Writes of progression, one module per concern.

- ``xp``: XP grants, levels (with their coin rewards) and VIP tiers; the
  count of rounds and matches (``plays_record``).
- ``streaks``: days played and the daily streak, under the progress lock.
- ``missions``: assignment, progress from actions, take-a-break, claims and
  the hourly roll-over.
- ``events``: announcing limited-time events when they start.

Every XP grant records an ``XP_GAINED`` action in the same transaction
(leaderboards subscribe to it); level-ups and tier-ups record
``LEVEL_REACHED`` / ``TIER_REACHED`` and notify the player. Coins paid here
(level and mission rewards) come from the mint through the ledger.
Action types come from the catalogue (``accounts.action_types``).
"""

from __future__ import annotations
