"""The games' part of a player's data export and account deletion
(accounts/privacy.py): rounds, seed pairs (a server seed only once revealed),
live matches and rating, leaderboard scores; deletion removes the player from
every leaderboard (database rows, then Redis after commit) and is refused
while they sit in a live match (its stakes are in escrow).

Rounds and matches stay, pointing at the anonymised user row: their ledger
transactions and the other player's history need them.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial, update_wrapper

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.privacy import register_erasure, register_export_section
from casino_club.kit.errors import Conflict
from games.leaderboards import backends
from games.leaderboards.models import LeaderboardScore
from games.live_rps.models import LiveMatch, LiveRating, LiveSeat
from games.models import GameRound, SeedPair
from games.segments.models import PlayerSegment, ProfileQuiz

CHUNK = 1000


def _rows(queryset, *fields: str) -> Iterable[dict]:
    return queryset.order_by("pk").values(*fields).iterator(chunk_size=CHUNK)


def _rounds(player: User) -> Iterable[dict]:
    return _rows(
        GameRound.objects.filter(player=player),
        "id", "game", "params", "outcome", "wager", "payout", "balance_after",
        "server_seed_hash", "client_seed", "nonce", "wager_transaction_id",
        "payout_transaction_id", "created_at",
    )  # fmt: skip


def _seed_pairs(player: User) -> Iterable[dict]:
    for pair in _rows(
        SeedPair.objects.filter(player=player),
        "server_seed", "server_seed_hash", "client_seed", "nonce", "is_active",
        "created_at", "revealed_at",
    ):  # fmt: skip
        if pair["revealed_at"] is None:
            pair["server_seed"] = None  # still committed: revealed only by a rotation
        yield pair


def _live_matches(player: User) -> Iterable[dict]:
    for match in _rows(
        LiveMatch.objects.filter(Q(player_one=player) | Q(player_two=player)),
        "id", "stake", "status", "outcome", "player_one_id", "player_two_id", "one_move",
        "two_move", "created_at", "finished_at",
    ):  # fmt: skip
        first = match.pop("player_one_id") == player.pk
        match.pop("player_two_id")
        match["you_were"] = "player_one" if first else "player_two"
        yield match


def _live_rating(player: User) -> Iterable[dict]:
    return LiveRating.objects.filter(player=player).values(
        "rating", "games", "wins", "losses", "draws", "updated_at"
    )


def _leaderboard_scores(player: User) -> Iterable[dict]:
    return _rows(
        LeaderboardScore.objects.filter(player=player), "board", "period", "period_key", "score"
    )


def _segment(player: User) -> Iterable[dict]:
    return PlayerSegment.objects.filter(player=player).values(
        "segment",
        "recency_days",
        "active_days",
        "coins_wagered",
        "r_score",
        "f_score",
        "m_score",
        "heavy_play",
        "forecast",
        "computed_at",
    )


def _profile_quiz(player: User) -> Iterable[dict]:
    return ProfileQuiz.objects.filter(player=player).values("answers", "style", "updated_at")


def _erase_segments(player: User) -> None:
    PlayerSegment.objects.filter(player=player).delete()
    ProfileQuiz.objects.filter(player=player).delete()


def _erase(player: User) -> None:
    if LiveSeat.objects.filter(player=player).exists():
        raise Conflict(_("Finish or leave your live match first."))
    scores = LeaderboardScore.objects.filter(player=player)
    slots = list(scores.values_list("board", "period", "period_key"))
    scores.delete()
    hook = update_wrapper(partial(backends.player_remove, player.pk, slots), backends.player_remove)
    transaction.on_commit(hook, robust=True)


register_export_section("rounds", _rounds)
register_export_section("seed_pairs", _seed_pairs)
register_export_section("live_matches", _live_matches)
register_export_section("live_rating", _live_rating)
register_export_section("leaderboard_scores", _leaderboard_scores)
register_erasure("games.leaderboards", _erase)
register_export_section("segment", _segment)
register_export_section("profile_quiz", _profile_quiz)
register_erasure("games.segments", _erase_segments)
