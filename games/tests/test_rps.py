"""Rock-paper-scissors against the house."""

from __future__ import annotations

import pytest

from games.errors import BetInvalid
from games.fairness import DrawStream
from games.rps.game import DEFAULT_CONFIG, MOVES, SPEC


class FixedMove:
    """Test double for the RNG input: the house plays the move the test picks."""

    def __init__(self, move: str) -> None:
        self.index = MOVES.index(move)

    def draw(self, n: int) -> int:
        assert n == 3
        return self.index


def play(move: str, house_move: str, bet: int = 10) -> dict:
    cleaned = SPEC.validate_params({"bet": bet, "move": move}, DEFAULT_CONFIG)
    return SPEC.resolve(FixedMove(house_move), cleaned, DEFAULT_CONFIG)


@pytest.mark.parametrize(
    ("move", "house_move", "result", "payout"),
    [
        ("rock", "scissors", "win", 19),
        ("paper", "rock", "win", 19),
        ("scissors", "paper", "win", 19),
        ("rock", "rock", "tie", 10),
        ("paper", "paper", "tie", 10),
        ("scissors", "scissors", "tie", 10),
        ("rock", "paper", "loss", 0),
        ("paper", "scissors", "loss", 0),
        ("scissors", "rock", "loss", 0),
    ],
)
def test_every_pair_of_moves(move, house_move, result, payout):
    assert play(move, house_move) == {
        "player_move": move,
        "house_move": house_move,
        "result": result,
        "payout": payout,
    }


def test_a_win_pays_the_floor_of_1_9_times_the_bet():
    assert play("rock", "scissors", bet=11)["payout"] == 20  # 20.9 rounds down
    assert play("rock", "scissors", bet=1000)["payout"] == 1900


def test_house_move_comes_from_the_fairness_stream():
    # Vector 2 of fairness-vectors.json: the house plays rock.
    stream = DrawStream("a3f1" * 16, "player-chosen-seed", 7)
    cleaned = SPEC.validate_params({"bet": 10, "move": "paper"}, DEFAULT_CONFIG)
    outcome = SPEC.resolve(stream, cleaned, DEFAULT_CONFIG)
    assert outcome["house_move"] == "rock"
    assert outcome["result"] == "win"


def test_math():
    figures = SPEC.math(DEFAULT_CONFIG)
    assert figures["rtp"] == pytest.approx(2.9 / 3)
    # The worst allowed bet is 11: a win pays 20 instead of 20.9.
    assert figures["min_rtp"] == pytest.approx((20 / 11 + 1) / 3)
    assert figures["rtp_exact_for_bets_multiple_of"] == 10
    assert SPEC.example_params(DEFAULT_CONFIG) == {"bet": 10, "move": "rock"}


def test_wager_is_the_bet():
    assert SPEC.wager({"bet": 25, "move": "rock"}) == 25


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"bet": 10, "move": "lizard"}, "invalid_params", "move"),
        ({"bet": 10, "move": "Rock"}, "invalid_params", "move"),
        ({"bet": 10, "move": 0}, "invalid_params", "move"),
        ({"bet": 10}, "invalid_params", "move"),
        ({"bet": True, "move": "rock"}, "invalid_params", "bet"),
        ({"bet": 10.0, "move": "rock"}, "invalid_params", "bet"),
        ({"bet": "10", "move": "rock"}, "invalid_params", "bet"),
        ({"move": "rock"}, "invalid_params", "bet"),
        ({"bet": 9, "move": "rock"}, "bet_out_of_range", "bet"),
        ({"bet": -10, "move": "rock"}, "bet_out_of_range", "bet"),
        ({"bet": 1001, "move": "rock"}, "bet_out_of_range", "bet"),
        ({"bet": 10, "move": "rock", "salt": "x"}, "invalid_params", "salt"),
    ],
)
def test_bad_params_are_refused(params, code, field):
    with pytest.raises(BetInvalid) as raised:
        SPEC.validate_params(params, DEFAULT_CONFIG)
    assert raised.value.code == code
    assert field in raised.value.fields
