"""Rock-paper-scissors against the house: house move = MOVES[draw(3)].

A win pays ``floor(bet * win_pays)`` (stake included), a tie returns the
stake, a loss pays nothing. With ``win_pays`` = 1.9 the RTP is
(1.9 + 1 + 0) / 3 = 0.9667 for bets that are multiples of 10; other bets lose
the fraction of a coin that the floor cuts off, so ``math`` also publishes
the lowest RTP over the allowed bets. ``win_pays`` is a decimal string in the
config so that the payout is computed exactly, never through a float.
"""

from __future__ import annotations

from fractions import Fraction
from math import floor, sqrt
from typing import Any

from django.utils.translation import gettext as _

from games.errors import BetInvalid, require_int, require_params
from games.fairness import Draws
from games.registry import GameSpec

MOVES = ("rock", "paper", "scissors")
BEATS = {"rock": "scissors", "paper": "rock", "scissors": "paper"}

DEFAULT_CONFIG: dict[str, Any] = {
    "min_bet": 10,
    "max_bet": 1000,
    "win_pays": "1.9",
}


def win_payout(bet: int, win_pays: str) -> int:
    """Coins back on a win, rounded down so the house never pays a fraction of a coin."""
    return floor(bet * Fraction(win_pays))


def result_of(player_move: str, house_move: str) -> str:
    if player_move == house_move:
        return "tie"
    return "win" if BEATS[player_move] == house_move else "loss"


class RockPaperScissorsSpec(GameSpec):
    slug = "rps"
    name = "Rock Paper Scissors"
    default_config = DEFAULT_CONFIG

    def check_config(self, config: dict[str, Any]) -> None:
        if not 1 <= config["min_bet"] <= config["max_bet"]:
            raise ValueError("need 1 <= min_bet <= max_bet")
        if not 1 <= Fraction(config["win_pays"]) < 2:
            raise ValueError("win_pays must be a decimal string in [1, 2)")

    def validate_params(self, params: Any, config: dict[str, Any]) -> dict[str, Any]:
        params = require_params(params, {"bet", "move"})
        move = params.get("move")
        if not isinstance(move, str) or move not in MOVES:
            raise BetInvalid(
                "invalid_params", _("Choose rock, paper or scissors."), {"move": "invalid choice"}
            )
        bet = require_int(params, "bet", config["min_bet"], config["max_bet"])
        return {"bet": bet, "move": move}

    def wager(self, cleaned_params: dict[str, Any]) -> int:
        return cleaned_params["bet"]

    def resolve(
        self, stream: Draws, cleaned_params: dict[str, Any], config: dict[str, Any]
    ) -> dict[str, Any]:
        player_move = cleaned_params["move"]
        house_move = MOVES[stream.draw(len(MOVES))]
        result = result_of(player_move, house_move)
        bet = cleaned_params["bet"]
        payout = {"win": win_payout(bet, config["win_pays"]), "tie": bet, "loss": 0}[result]
        return {
            "player_move": player_move,
            "house_move": house_move,
            "result": result,
            "payout": payout,
        }

    def math(self, config: dict[str, Any]) -> dict[str, Any]:
        """Nominal RTP (no rounding loss) and the worst case over the allowed bets."""
        win_pays = Fraction(config["win_pays"])
        rtp = (win_pays + 1) / 3
        # The rounding loss of bet b repeats with period win_pays.denominator and
        # shrinks as b grows, so the worst bet is among the smallest allowed ones.
        smallest = range(
            config["min_bet"], min(config["min_bet"] + win_pays.denominator, config["max_bet"] + 1)
        )
        min_rtp = min((Fraction(win_payout(b, config["win_pays"]), b) + 1) / 3 for b in smallest)
        return {
            "rtp": float(rtp),
            "house_edge": float(1 - rtp),
            "min_rtp": float(min_rtp),
            "rtp_exact_for_bets_multiple_of": win_pays.denominator,
            "win_probability": 1 / 3,
            "tie_probability": 1 / 3,
            "loss_probability": 1 / 3,
            "hit_frequency": 2 / 3,  # payout > 0: wins and ties
            "win_over_stake_probability": 1 / 3,
            "volatility": sqrt((win_pays * win_pays + 1) / 3 - rtp * rtp),
        }

    def example_params(self, config: dict[str, Any]) -> dict[str, Any]:
        step = Fraction(config["win_pays"]).denominator
        bet = -(-config["min_bet"] // step) * step  # smallest bet the nominal RTP holds for
        return {"bet": min(bet, config["max_bet"]), "move": "rock"}


SPEC = RockPaperScissorsSpec()
