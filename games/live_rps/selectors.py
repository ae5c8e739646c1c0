"""Reads about live matches."""

from __future__ import annotations

from games.live_rps.elo import DEFAULT_RATING
from games.live_rps.models import LiveMatch, LiveRating, LiveSeat


def player_open_match(*, player) -> LiveMatch | None:
    """The match the player is queued for or playing, if any."""
    seat = LiveSeat.objects.filter(player=player).only("match_id").first()
    if seat is None:
        return None
    return (
        LiveMatch.objects.select_related("player_one", "player_two")
        .filter(pk=seat.match_id)
        .first()
    )


def player_rating(*, player) -> int:
    rating = LiveRating.objects.filter(player=player).values_list("rating", flat=True).first()
    return DEFAULT_RATING if rating is None else rating
