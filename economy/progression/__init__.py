"""XP, levels, VIP tiers, streaks, missions and limited-time events (docs/progression.md)."""
