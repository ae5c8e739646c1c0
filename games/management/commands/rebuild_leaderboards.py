"""``manage.py rebuild_leaderboards``: recompute every board from rounds, XP and ratings."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from games.leaderboards.services import leaderboards_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the leaderboards' current day, week and all-time scores from the rounds, "
        "XP_GAINED and LIVE_MATCH_PLAYED actions and live ratings; drops the Redis keys so "
        "they reload from the database. Run it when the site is quiet."
    )

    def handle(self, *args, **options):
        counts = leaderboards_rebuild()
        dropped = counts.pop("redis_keys_dropped")
        for board, rows in sorted(counts.items()):
            self.stdout.write(f"{board}: {rows} scores")
        self.stdout.write(f"Redis keys dropped: {dropped}")
