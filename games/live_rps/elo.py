"""Elo ratings for live matches. Pure functions, no Django."""

from __future__ import annotations

K_FACTOR = 32
DEFAULT_RATING = 1200


def expected_score(rating: int, opponent_rating: int) -> float:
    """The probability-like score ``rating`` is expected to take against the opponent."""
    return 1 / (1 + 10 ** ((opponent_rating - rating) / 400))


def elo_update(rating: int, opponent_rating: int, score: float, k: int = K_FACTOR) -> int:
    """The new rating after one game; ``score`` is 1 (win), 0.5 (draw) or 0 (loss).

    Rounded to whole points, as players see them.
    """
    return round(rating + k * (score - expected_score(rating, opponent_rating)))


def elo_pair(rating_a: int, rating_b: int, score_a: float, k: int = K_FACTOR) -> tuple[int, int]:
    """Both players' new ratings, each computed from the ratings before the game."""
    return (
        elo_update(rating_a, rating_b, score_a, k),
        elo_update(rating_b, rating_a, 1 - score_a, k),
    )
