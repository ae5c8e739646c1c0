"""Reads of the leaderboards: the top rows and one player's place, as players see them.

Players who turned ``show_on_leaderboards`` off keep their place but appear
as "Anonymous" to everyone else (never their nickname or id).
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from casino_club.kit.errors import DomainError, NotFound
from games.leaderboards.backends import Entry, read
from games.leaderboards.boards import Board, Period, period_key

ANONYMOUS = "Anonymous"


class UnknownBoard(NotFound):
    code = "unknown_board"
    default_message = gettext_lazy("No such leaderboard.")


class UnknownPeriod(DomainError):
    code = "invalid_period"
    default_message = gettext_lazy("The period must be daily, weekly or alltime.")


def board_check(board: str) -> str:
    if board not in Board.values:
        raise UnknownBoard(
            _("No leaderboard called %(board)s.") % {"board": board[:40]},
            fields={"board": f"one of {', '.join(Board.values)}"},
        )
    return board


def period_check(period: str) -> str:
    if period not in Period.values:
        raise UnknownPeriod(fields={"period": f"one of {', '.join(Period.values)}"})
    return period


def _shown(entries: list[Entry], first_rank: int = 1) -> list[dict]:
    users = User.objects.filter(pk__in=[e.player_id for e in entries]).only(
        "id", "nickname", "show_on_leaderboards"
    )
    by_id = {user.pk: user for user in users}
    rows = []
    for offset, entry in enumerate(entries):
        user = by_id.get(entry.player_id)
        visible = user is not None and user.show_on_leaderboards
        rows.append(
            {
                "rank": first_rank + offset,
                "nickname": user.nickname if visible else ANONYMOUS,
                "score": entry.score,
                "player_id": entry.player_id,
            }
        )
    return rows


def leaderboard_top(
    *, board: str, period: str, key: str | None = None, at: datetime | None = None, limit: int = 100
) -> list[dict]:
    """The top ``limit`` rows (rank, nickname or "Anonymous", score, player_id — internal)."""
    key = key or period_key(period, at)
    return _shown(read("top", board, period, key, limit))


def leaderboard_position(
    *, board: str, period: str, player_id: int, key: str | None = None, at: datetime | None = None
) -> tuple[int, int] | None:
    """``(rank, score)`` of one player, or None when they have no score in the period."""
    key = key or period_key(period, at)
    return read("position", board, period, key, player_id)


def leaderboard_size(*, board: str, period: str, at: datetime | None = None) -> int:
    return read("count", board, period, period_key(period, at))
