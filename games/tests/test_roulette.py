"""European roulette: every bet type wins and loses where the table says, bad bets are refused."""

from __future__ import annotations

import itertools
import json

import pytest

from games.errors import BetInvalid
from games.roulette.game import DEFAULT_CONFIG, ODDS, SPEC, covered_numbers


class FixedPocket:
    """Test double for the RNG input: the wheel lands where the test says."""

    def __init__(self, pocket: int) -> None:
        self.pocket = pocket

    def draw(self, n: int) -> int:
        assert n == 37
        return self.pocket


def spin(pocket: int, *bets: dict) -> dict:
    cleaned = SPEC.validate_params({"bets": list(bets)}, DEFAULT_CONFIG)
    return SPEC.resolve(FixedPocket(pocket), cleaned, DEFAULT_CONFIG)


def bet(bet_type: str, value=None, amount: int = 10) -> dict:
    return {"type": bet_type, "value": value, "amount": amount}


@pytest.mark.parametrize(
    ("bet_type", "value", "winning", "losing"),
    [
        ("straight", 17, 17, 18),
        ("straight", 0, 0, 1),
        ("split", [17, 18], 18, 19),
        ("split", [20, 17], 20, 14),
        ("split", [0, 2], 0, 3),
        ("street", 16, 18, 19),
        ("corner", [20, 16, 17, 19], 19, 18),
        ("six_line", 16, 21, 22),
        ("dozen", 2, 24, 25),
        ("column", 1, 34, 36),
        ("column", 3, 36, 34),
        ("red", None, 1, 2),
        ("black", None, 2, 1),
        ("odd", None, 35, 36),
        ("even", None, 36, 35),
        ("low", None, 18, 19),
        ("high", None, 19, 18),
    ],
)
def test_every_bet_type_wins_and_loses(bet_type, value, winning, losing):
    won = spin(winning, bet(bet_type, value, amount=10))
    lost = spin(losing, bet(bet_type, value, amount=10))

    assert won["bets"][0]["won"] is True
    assert won["payout"] == won["bets"][0]["payout"] == 10 * (ODDS[bet_type] + 1)
    assert lost["bets"][0]["won"] is False
    assert lost["payout"] == lost["bets"][0]["payout"] == 0


def test_zero_loses_every_outside_bet():
    outside = [bet(t) for t in ("red", "black", "odd", "even", "low", "high")]
    outside += [bet("dozen", d) for d in (1, 2, 3)] + [bet("column", c) for c in (1, 2, 3)]
    outcome = spin(0, *outside)
    assert outcome["color"] == "green"
    assert outcome["payout"] == 0
    assert not any(placed["won"] for placed in outcome["bets"])


def test_a_spin_settles_each_bet_and_sums_the_payout():
    outcome = spin(
        32, bet("straight", 32, 5), bet("red", None, 20), bet("split", [31, 34], 7), bet("dozen", 3)
    )
    assert outcome["pocket"] == 32
    assert outcome["color"] == "red"
    assert [placed["payout"] for placed in outcome["bets"]] == [180, 40, 0, 30]
    assert outcome["payout"] == 250
    assert json.loads(json.dumps(outcome)) == outcome


def test_wager_is_the_sum_of_the_amounts():
    cleaned = SPEC.validate_params(
        {"bets": [bet("red", amount=3), bet("straight", 7, amount=4)]}, DEFAULT_CONFIG
    )
    assert SPEC.wager(cleaned) == 7


def test_validation_normalises_values():
    cleaned = SPEC.validate_params(
        {"bets": [bet("split", [5, 2]), bet("corner", [5, 1, 4, 2]), {"type": "odd", "amount": 1}]},
        DEFAULT_CONFIG,
    )
    assert [placed["value"] for placed in cleaned["bets"]] == [[2, 5], [1, 2, 4, 5], None]


def valid(bet_type: str, value) -> bool:
    try:
        covered_numbers(bet_type, value)
    except ValueError:
        return False
    return True


def test_the_table_has_sixty_splits_and_twenty_two_corners():
    pairs = [list(p) for p in itertools.combinations(range(37), 2)]
    squares = [list(q) for q in itertools.combinations(range(1, 37), 4)]
    assert sum(valid("split", pair) for pair in pairs) == 57 + 3  # 1-36 grid, and 0 with 1/2/3
    assert sum(valid("corner", square) for square in squares) == 11 * 2


def test_every_bet_type_returns_36_for_37():
    figures = SPEC.math(DEFAULT_CONFIG)
    assert figures["rtp"] == pytest.approx(36 / 37)
    assert figures["house_edge"] == pytest.approx(1 / 37)
    for bet_type, row in figures["bet_types"].items():
        assert row["rtp"] == pytest.approx(36 / 37), bet_type
        assert row["hit_frequency"] == pytest.approx(row["numbers"] / 37)


@pytest.mark.parametrize(
    ("placed", "field"),
    [
        ({"type": "basket", "value": 1, "amount": 1}, "bets.0.type"),
        ({"type": None, "amount": 1}, "bets.0.type"),
        (bet("straight", 37), "bets.0.value"),
        (bet("straight", -1), "bets.0.value"),
        (bet("straight", True), "bets.0.value"),
        (bet("straight", 7.0), "bets.0.value"),
        (bet("straight", "7"), "bets.0.value"),
        (bet("straight", [7]), "bets.0.value"),
        (bet("straight"), "bets.0.value"),
        (bet("split", [1, 5]), "bets.0.value"),
        (bet("split", [3, 4]), "bets.0.value"),  # ends of two rows
        (bet("split", [0, 4]), "bets.0.value"),
        (bet("split", [7, 7]), "bets.0.value"),
        (bet("split", [1, 2, 3]), "bets.0.value"),
        (bet("split", [True, 2]), "bets.0.value"),
        (bet("split", 1), "bets.0.value"),
        (bet("street", 2), "bets.0.value"),
        (bet("street", 37), "bets.0.value"),
        (bet("street", [1, 2, 3]), "bets.0.value"),
        (bet("corner", [1, 2, 3, 4]), "bets.0.value"),
        (bet("corner", [3, 4, 6, 7]), "bets.0.value"),  # wraps across the table's edge
        (bet("corner", [0, 1, 2, 3]), "bets.0.value"),
        (bet("corner", [34, 35, 37, 38]), "bets.0.value"),
        (bet("corner", 1), "bets.0.value"),
        (bet("six_line", 34), "bets.0.value"),
        (bet("six_line", 2), "bets.0.value"),
        (bet("dozen", 0), "bets.0.value"),
        (bet("dozen", 4), "bets.0.value"),
        (bet("column", 4), "bets.0.value"),
        (bet("red", 1), "bets.0.value"),
        (bet("even", "even"), "bets.0.value"),
        ({"type": "red", "value": None, "amount": 1, "color": "red"}, "bets.0.color"),
        ("red", "bets.0"),
    ],
)
def test_malformed_bets_are_refused(placed, field):
    with pytest.raises(BetInvalid) as raised:
        SPEC.validate_params({"bets": [placed]}, DEFAULT_CONFIG)
    assert raised.value.code == "invalid_params"
    assert field in raised.value.fields


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (True, "invalid_params"),
        (1.5, "invalid_params"),
        ("10", "invalid_params"),
        (None, "invalid_params"),
        (0, "bet_out_of_range"),
        (-5, "bet_out_of_range"),
        (DEFAULT_CONFIG["max_bet"] + 1, "bet_out_of_range"),
    ],
)
def test_bad_amounts_are_refused(amount, code):
    with pytest.raises(BetInvalid) as raised:
        SPEC.validate_params({"bets": [bet("red", amount=amount)]}, DEFAULT_CONFIG)
    assert raised.value.code == code
    assert "bets.0.amount" in raised.value.fields


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"bets": []}, "invalid_params"),
        ({"bets": None}, "invalid_params"),
        ({"bets": {"type": "red"}}, "invalid_params"),
        ({}, "invalid_params"),
        ({"bets": [bet("red")], "extra": 1}, "invalid_params"),
        ({"bets": [bet("red", amount=1)] * 21}, "too_many_bets"),
        ({"bets": [bet("red", amount=1000)] * 6}, "table_limit_exceeded"),
    ],
)
def test_bad_bet_lists_are_refused(params, code):
    with pytest.raises(BetInvalid) as raised:
        SPEC.validate_params(params, DEFAULT_CONFIG)
    assert raised.value.code == code


def test_the_table_maximum_itself_is_allowed():
    cleaned = SPEC.validate_params({"bets": [bet("red", amount=1000)] * 5}, DEFAULT_CONFIG)
    assert SPEC.wager(cleaned) == DEFAULT_CONFIG["table_max"]
