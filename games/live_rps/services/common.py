"""What every live-match service shares: settings, checks, the match lock, seats, events."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from economy.shop.selectors import equipped_cosmetics_for
from games.live_rps import elo
from games.live_rps.errors import AlreadyInMatch, InvalidStake, MatchNotFound, NotYourMatch
from games.live_rps.models import LiveMatch, LiveRating, LiveSeat

# --- configuration -----------------------------------------------------------


def live_stakes() -> tuple[int, ...]:
    """The stake tiers players can queue for (setting ``LIVE_RPS_STAKES``)."""
    return tuple(getattr(settings, "LIVE_RPS_STAKES", (10, 50, 100, 500)))


def commit_window() -> timedelta:
    return timedelta(seconds=getattr(settings, "LIVE_RPS_COMMIT_SECONDS", 30))


def reveal_window() -> timedelta:
    return timedelta(seconds=getattr(settings, "LIVE_RPS_REVEAL_SECONDS", 30))


def queue_window() -> timedelta:
    """How long a WAITING match stays in the queue (its socket may have died)."""
    return timedelta(seconds=getattr(settings, "LIVE_RPS_QUEUE_SECONDS", 600))


def match_group(match_id: int) -> str:
    return f"rps.match.{match_id}"


# --- checks and locks ---------------------------------------------------------


def stake_check(stake: object) -> int:
    if isinstance(stake, bool) or not isinstance(stake, int) or stake not in live_stakes():
        allowed = ", ".join(str(s) for s in live_stakes())
        raise InvalidStake(f"Choose a stake of {allowed}.", fields={"stake": allowed})
    return stake


def match_id_check(match_id: object) -> int:
    if isinstance(match_id, bool) or not isinstance(match_id, int) or match_id < 1:
        raise MatchNotFound("Say which match: 'match' must be a match id.")
    return match_id


def match_access(*, player, match_id: object) -> LiveMatch:
    """The match ``match_id`` if ``player`` plays in it; ``NotYourMatch`` otherwise.

    Checked before anything else touches the match, so a stranger's message
    (even one about an overdue match) never changes it.
    """
    match_id = match_id_check(match_id)
    match = LiveMatch.objects.filter(pk=match_id).first()
    if match is None:
        raise MatchNotFound()
    if match.side_of(player.pk) is None:
        raise NotYourMatch()
    return match


def match_locked(match_id: int) -> LiveMatch:
    # of=("self",): lock the match row only (player_two is an outer join).
    return (
        LiveMatch.objects.select_for_update(of=("self",))
        .select_related("player_one", "player_two")
        .get(pk=match_id)
    )


def seat_take(*, player_id: int, match: LiveMatch) -> None:
    # The seat's primary key is the player: a second open match for the same
    # player fails here even when another process inserts at the same moment.
    try:
        with transaction.atomic():
            LiveSeat.objects.create(player_id=player_id, match=match)
    except IntegrityError:
        raise AlreadyInMatch() from None


def ratings_of(player_ids: list[int]) -> dict[int, int]:
    found = dict(
        LiveRating.objects.filter(player_id__in=player_ids).values_list("player_id", "rating")
    )
    return {pk: found.get(pk, elo.DEFAULT_RATING) for pk in player_ids}


def matched_event(match: LiveMatch) -> dict:
    """The ``matched`` event for both players; each socket picks the opponent's half."""
    ratings = ratings_of(match.player_ids())
    worn = equipped_cosmetics_for(match.player_ids())
    return {
        "type": "matched",
        "match": match.pk,
        "stake": match.stake,
        "commit_deadline": match.commit_deadline.isoformat(),
        "rematch_of": match.rematch_of_id,
        "players": {
            str(user.pk): {
                "nickname": user.nickname,
                "rating": ratings[user.pk],
                # What the opponent sees them wear (the frame and title only).
                "frame": worn[user.pk].get("avatar_frame"),
                "title": worn[user.pk].get("profile_title"),
            }
            for user in (match.player_one, match.player_two)
        },
    }
