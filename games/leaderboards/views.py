"""The leaderboard page: one board and period at a time, updated live over /ws/live/."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from games.leaderboards.api import leaderboard_payload
from games.leaderboards.boards import Board, Period
from games.leaderboards.push import leaderboard_group

BOARD_HELP = {
    Board.BIGGEST_WIN: _("Largest win of a single round (payout minus wager)."),
    Board.NET_WINNINGS: _("Everything won minus everything wagered."),
    Board.XP: _("Experience gained in the period; all time shows lifetime experience."),
    Board.RPS_RATING: _(
        "Live rock-paper-scissors rating: the peak reached in the period; "
        "all time shows the current rating."
    ),
}


@login_required
def leaderboard_page(request):
    board = request.GET.get("board")
    board = board if board in Board.values else Board.BIGGEST_WIN
    period = request.GET.get("period")
    period = period if period in Period.values else Period.DAILY
    payload = leaderboard_payload(board=board, period=period, viewer=request.user, cosmetics=True)
    return render(
        request,
        "games/leaderboards.html",
        {
            "board": board,
            "period": period,
            "board_label": Board(board).label,
            "board_help": BOARD_HELP[board],
            "boards": [{"value": value, "label": label} for value, label in Board.choices],
            "periods": [{"value": value, "label": label} for value, label in Period.choices],
            "leaderboard": payload,
            "resets_at": parse_datetime(payload["resets_at"]) if payload["resets_at"] else None,
            "topic": leaderboard_group(board, period),
        },
    )
