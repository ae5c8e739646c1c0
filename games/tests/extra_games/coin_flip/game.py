"""A coin flip: the smallest complete game, used to prove a new folder needs no wiring.

Side = ``SIDES[draw(2)]``; a right call pays ``floor(bet * 19 / 10)`` (stake
included), a wrong one nothing: RTP 0.95 for bets that are multiples of 10.
"""

from __future__ import annotations

from typing import Any

from games.errors import BetInvalid, require_int, require_params
from games.fairness import Draws
from games.registry import GameSpec

SIDES = ("heads", "tails")

DEFAULT_CONFIG: dict[str, Any] = {"min_bet": 10, "max_bet": 100}


class CoinFlipSpec(GameSpec):
    slug = "coin_flip"
    name = "Coin Flip"
    default_config = DEFAULT_CONFIG

    def check_config(self, config: dict[str, Any]) -> None:
        if not 1 <= config["min_bet"] <= config["max_bet"]:
            raise ValueError("need 1 <= min_bet <= max_bet")

    def validate_params(self, params: Any, config: dict[str, Any]) -> dict[str, Any]:
        params = require_params(params, {"bet", "side"})
        if params.get("side") not in SIDES:
            raise BetInvalid("invalid_params", "Call heads or tails.", {"side": "invalid choice"})
        bet = require_int(params, "bet", config["min_bet"], config["max_bet"])
        return {"bet": bet, "side": params["side"]}

    def wager(self, cleaned_params: dict[str, Any]) -> int:
        return cleaned_params["bet"]

    def resolve(
        self, stream: Draws, cleaned_params: dict[str, Any], config: dict[str, Any]
    ) -> dict[str, Any]:
        side = SIDES[stream.draw(len(SIDES))]
        won = side == cleaned_params["side"]
        return {"side": side, "payout": cleaned_params["bet"] * 19 // 10 if won else 0}

    def math(self, config: dict[str, Any]) -> dict[str, Any]:
        return {
            "rtp": 0.95,
            "house_edge": 0.05,
            "hit_frequency": 0.5,
            "win_over_stake_probability": 0.5,
            "volatility": 0.95,
        }

    def example_params(self, config: dict[str, Any]) -> dict[str, Any]:
        return {"bet": config["min_bet"], "side": "heads"}


SPEC = CoinFlipSpec()
