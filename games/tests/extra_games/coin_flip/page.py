"""The coin flip's page: its name, blurb, template and the bet limits."""

from __future__ import annotations

from typing import Any

from games.pages import GamePage


def coin_flip_context(config: dict[str, Any], math: dict[str, Any]) -> dict[str, Any]:
    return {"sides": ["heads", "tails"]}


# Not translated: test-only, never shown to players.
PAGE = GamePage(
    template="games/coin_flip.html",
    name="Coin Flip",
    blurb="Heads or tails.",
    context=coin_flip_context,
)
