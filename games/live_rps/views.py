"""The live rock-paper-scissors page; the match itself runs over /ws/rps/."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from economy.selectors import player_balance
from games.live_rps.selectors import player_rating
from games.live_rps.services import commit_window, live_stakes, reveal_window


@login_required
def live_rps_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "games/live_rps.html",
        {
            "stakes": live_stakes(),
            "balance": player_balance(player=request.user),
            "rating": player_rating(player=request.user),
            "commit_seconds": int(commit_window().total_seconds()),
            "reveal_seconds": int(reveal_window().total_seconds()),
        },
    )
