"""Real counters for the lobby and game pages: never estimated, never inflated.

- players today: the distinct players with a round today (site zone) — the
  number of scores on today's ``net_winnings`` board, which every round writes
  (a Redis ``ZCARD`` or a database ``COUNT``; the same set both ways);
- live matches now: open live RPS matches with both stakes in escrow
  (``COMMITTING`` or ``REVEALING``), counted in the database where they live;
- today's biggest win: the top of today's ``biggest_win`` board ("Anonymous"
  for a player who opted out of leaderboards).
"""

from __future__ import annotations

from datetime import datetime

from games.leaderboards.boards import Board, Period
from games.leaderboards.selectors import leaderboard_size, leaderboard_top
from games.live_rps.models import ESCROWED_STATUSES, LiveMatch


def social_proof(*, at: datetime | None = None) -> dict:
    top = leaderboard_top(board=Board.BIGGEST_WIN, period=Period.DAILY, at=at, limit=1)
    return {
        "players_today": leaderboard_size(board=Board.NET_WINNINGS, period=Period.DAILY, at=at),
        "live_matches": LiveMatch.objects.filter(status__in=ESCROWED_STATUSES).count(),
        "biggest_win_today": (
            {"nickname": top[0]["nickname"], "amount": top[0]["score"]} if top else None
        ),
    }
