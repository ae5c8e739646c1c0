"""Slots: the rules of a window, the exact math against brute force, the published figures."""

from __future__ import annotations

import copy
import json
import time

import pytest

from games.errors import BetInvalid
from games.slots.game import DEFAULT_CONFIG, SPEC
from games.slots.math import (
    brute_force_distribution,
    brute_force_math,
    check_config,
    evaluate_line,
    evaluate_window,
    exact_math,
    payout_distribution,
)

PAYTABLE = DEFAULT_CONFIG["paytable"]


class QueuedDraws:
    """Test double for the RNG input: hands out chosen values in order."""

    def __init__(self, *values: int) -> None:
        self.values = list(values)

    def draw(self, n: int) -> int:
        value = self.values.pop(0)
        assert 0 <= value < n
        return value


# Small enough to walk every stop combination (5*4*7*5*6 = 4,200), rich enough to
# hit every rule: wilds leading and inside runs, two scatters in one window, a
# symbol that pays nothing (X), wild runs that out-pay their symbol run.
TINY_CONFIG = {
    "rows": 3,
    "symbols": {"A": "A", "B": "B", "X": "Blank", "W": "Wild", "S": "Scatter"},
    "wild": "W",
    "scatter": "S",
    "paytable": {"A": [2, 5, 20], "B": [3, 10, 40], "W": [10, 50, 200]},
    "scatter_pays": [1, 5, 20],
    "paylines": [[1, 1, 1, 1, 1], [0, 0, 0, 0, 0], [0, 1, 2, 1, 0]],
    "reels": [
        ["A", "W", "B", "S", "A"],
        ["B", "A", "W", "A"],
        ["A", "S", "B", "W", "X", "B", "A"],
        ["W", "A", "B", "S", "A"],
        ["B", "A", "S", "W", "A", "B"],
    ],
    "min_bet_per_line": 1,
    "max_bet_per_line": 10,
}


@pytest.mark.parametrize("lines", [1, 2, 3])
def test_exact_distribution_equals_brute_force_on_a_tiny_config(lines):
    assert payout_distribution(TINY_CONFIG, lines) == brute_force_distribution(TINY_CONFIG, lines)


def test_exact_math_equals_brute_force_math_on_a_tiny_config():
    figures = exact_math(TINY_CONFIG)
    figures.pop("scatter_rtp")
    assert figures == brute_force_math(TINY_CONFIG)
    assert figures["combinations"] == 5 * 4 * 7 * 5 * 6


def test_scatter_rtp_matches_brute_force_with_no_line_pays():
    scatter_only = {**TINY_CONFIG, "paytable": {}}
    assert exact_math(scatter_only)["scatter_rtp"] == pytest.approx(
        brute_force_math(scatter_only)["rtp"], rel=1e-12
    )


def test_default_config_is_valid_json():
    check_config(DEFAULT_CONFIG)
    assert json.loads(json.dumps(DEFAULT_CONFIG)) == DEFAULT_CONFIG


def test_default_config_math_is_in_the_published_band():
    figures = exact_math(DEFAULT_CONFIG)
    assert figures["combinations"] == 30 * 33 * 36 * 40 * 47
    assert 0.94 <= figures["rtp"] <= 0.97
    assert 0.25 <= figures["hit_frequency"] <= 0.40
    assert 0 < figures["win_over_stake_probability"] < figures["hit_frequency"]
    assert figures["volatility"] > 1
    assert 0 < figures["scatter_rtp"] < figures["rtp"]


def test_exact_math_of_the_default_config_takes_seconds_not_minutes():
    started = time.perf_counter()
    payout_distribution(DEFAULT_CONFIG, 20)  # uncached, unlike exact_math
    assert time.perf_counter() - started < 5


def test_rtp_does_not_depend_on_lines_played():
    # Every cell of every line is distributed like its strip, and scatters pay on
    # the total bet, so the RTP per coin is the same; hit frequency is not.
    one_line = exact_math(DEFAULT_CONFIG, lines=1)
    all_lines = exact_math(DEFAULT_CONFIG)
    assert one_line["rtp"] == pytest.approx(all_lines["rtp"], rel=1e-12)
    assert one_line["hit_frequency"] < all_lines["hit_frequency"]


def test_spec_math_publishes_max_lines():
    assert SPEC.math(DEFAULT_CONFIG)["lines"] == len(DEFAULT_CONFIG["paylines"]) == 20


# --- one line -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["SEVEN", "SEVEN", "SEVEN", "BAR", "BAR"], ("SEVEN", 3, 25)),
        (["SEVEN", "SEVEN", "SEVEN", "SEVEN", "SEVEN"], ("SEVEN", 5, 400)),
        # the wild substitutes at the start and inside the run
        (["W", "SEVEN", "SEVEN", "BAR", "BAR"], ("SEVEN", 3, 25)),
        (["SEVEN", "W", "SEVEN", "W", "BAR"], ("SEVEN", 4, 100)),
        # leading wilds pay as wilds when that beats the symbol run...
        (["W", "W", "W", "CHERRY", "LEMON"], ("W", 3, 100)),
        # ...and the symbol run when it pays more
        (["W", "W", "W", "BAR", "BAR"], ("BAR", 5, 150)),
        (["W", "W", "W", "W", "W"], ("W", 5, 2500)),
    ],
)
def test_evaluate_line_pays(cells, expected):
    assert evaluate_line(cells, PAYTABLE, "W", "S") == expected


@pytest.mark.parametrize(
    "cells",
    [
        ["SEVEN", "SEVEN", "BAR", "SEVEN", "SEVEN"],
        # the wild never stands in for the scatter, and a scatter breaks a run
        ["S", "W", "W", "SEVEN", "SEVEN"],
        ["SEVEN", "SEVEN", "S", "SEVEN", "SEVEN"],
        ["W", "W", "S", "S", "S"],
        ["S", "S", "S", "S", "S"],
    ],
)
def test_evaluate_line_loses(cells):
    assert evaluate_line(cells, PAYTABLE, "W", "S")[2] == 0


# --- whole windows ------------------------------------------------------------------------------

FILLER = ["CHERRY", "LEMON", "BELL", "BAR", "DIAMOND"]  # one per reel: never 3 in a row


def window_with(cells_by_position: dict[tuple[int, int], str]) -> list[list[str]]:
    window = [[FILLER[reel]] * 3 for reel in range(5)]
    for (reel, row), symbol in cells_by_position.items():
        window[reel][row] = symbol
    return window


@pytest.mark.parametrize("line_index", range(20))
def test_every_payline_is_evaluated(line_index):
    payline = DEFAULT_CONFIG["paylines"][line_index]
    window = window_with(dict.fromkeys(enumerate(payline), "SEVEN"))

    result = evaluate_window(window, DEFAULT_CONFIG, lines=20, bet_per_line=2)

    wins = {win["line"]: win for win in result["line_wins"]}
    assert wins[line_index + 1]["count"] == 5
    assert wins[line_index + 1]["payout"] == 400 * 2
    assert wins[line_index + 1]["rows"] == payline
    # Any other winning line shares its first three or more rows with this one.
    for number, win in wins.items():
        other = DEFAULT_CONFIG["paylines"][number - 1]
        shared = next((i for i in range(5) if other[i] != payline[i]), 5)
        assert (win["symbol"], win["count"]) == ("SEVEN", shared)
    assert result["payout"] == sum(win["payout"] for win in wins.values())


def test_only_the_lines_played_pay():
    line_20 = DEFAULT_CONFIG["paylines"][19]
    window = window_with(dict.fromkeys(enumerate(line_20), "SEVEN"))
    assert evaluate_window(window, DEFAULT_CONFIG, lines=19, bet_per_line=1)["payout"] == 0
    assert evaluate_window(window, DEFAULT_CONFIG, lines=20, bet_per_line=1)["payout"] == 400


def test_wild_substitutes_on_a_line():
    window = window_with({(0, 1): "DIAMOND", (1, 1): "W", (2, 1): "DIAMOND", (3, 1): "W"})
    window[0] = ["BELL", "DIAMOND", "BELL"]  # keep reel 0's other rows off DIAMOND
    result = evaluate_window(window, DEFAULT_CONFIG, lines=1, bet_per_line=3)
    assert result["line_wins"] == [
        {"line": 1, "rows": [1, 1, 1, 1, 1], "symbol": "DIAMOND", "count": 5, "payout": 3000}
    ]


def test_scatters_pay_anywhere_on_the_total_bet():
    # Three scatters on three different rows and no line through them.
    window = window_with({(0, 0): "S", (2, 1): "S", (4, 2): "S"})
    result = evaluate_window(window, DEFAULT_CONFIG, lines=5, bet_per_line=2)
    assert result["line_wins"] == []
    assert result["scatter"] == {"count": 3, "payout": 2 * (5 * 2)}
    assert result["payout"] == 20


def test_two_scatters_pay_nothing():
    window = window_with({(0, 0): "S", (4, 2): "S"})
    result = evaluate_window(window, DEFAULT_CONFIG, lines=20, bet_per_line=1)
    assert result["scatter"] == {"count": 2, "payout": 0}


# --- the spec -----------------------------------------------------------------------------------


def test_resolve_draws_one_stop_per_reel_and_wraps_the_window():
    last_stops = [len(strip) - 1 for strip in DEFAULT_CONFIG["reels"]]
    params = SPEC.validate_params({"bet_per_line": 5, "lines": 20}, DEFAULT_CONFIG)

    outcome = SPEC.resolve(QueuedDraws(*last_stops), params, DEFAULT_CONFIG)

    assert outcome["stops"] == last_stops
    for reel, strip in enumerate(DEFAULT_CONFIG["reels"]):
        assert outcome["window"][reel] == [strip[-1], strip[0], strip[1]]
    expected = evaluate_window(outcome["window"], DEFAULT_CONFIG, 20, 5)
    assert outcome["payout"] == expected["payout"]
    assert json.loads(json.dumps(outcome)) == outcome


def test_resolve_pays_a_known_window():
    # Worked out by hand from the default strips: four SEVENs on lines 1, 7, 11 and 13,
    # three LEMONs on line 18, no scatter.
    stops = [7, 9, 10, 9, 0]
    params = SPEC.validate_params({"bet_per_line": 2, "lines": 20}, DEFAULT_CONFIG)

    outcome = SPEC.resolve(QueuedDraws(*stops), params, DEFAULT_CONFIG)

    assert outcome["window"] == [
        ["LEMON", "SEVEN", "SEVEN"],
        ["LEMON", "SEVEN", "SEVEN"],
        ["BAR", "SEVEN", "LEMON"],
        ["SEVEN", "SEVEN", "LEMON"],
        ["LEMON", "LEMON", "BELL"],
    ]
    wins = [(w["line"], w["symbol"], w["count"], w["payout"]) for w in outcome["line_wins"]]
    assert wins == [
        (1, "SEVEN", 4, 200),
        (7, "SEVEN", 4, 200),
        (11, "SEVEN", 4, 200),
        (13, "SEVEN", 4, 200),
        (18, "LEMON", 3, 16),
    ]
    assert outcome["scatter"] == {"count": 0, "payout": 0}
    assert outcome["payout"] == 816


def test_wager_is_bet_per_line_times_lines():
    assert SPEC.wager({"bet_per_line": 7, "lines": 20}) == 140


def test_validate_params_returns_clean_ints():
    assert SPEC.validate_params({"bet_per_line": 1, "lines": 1}, DEFAULT_CONFIG) == {
        "bet_per_line": 1,
        "lines": 1,
    }


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"bet_per_line": True, "lines": 20}, "invalid_params", "bet_per_line"),
        ({"bet_per_line": 1.0, "lines": 20}, "invalid_params", "bet_per_line"),
        ({"bet_per_line": "1", "lines": 20}, "invalid_params", "bet_per_line"),
        ({"bet_per_line": None, "lines": 20}, "invalid_params", "bet_per_line"),
        ({"lines": 20}, "invalid_params", "bet_per_line"),
        ({"bet_per_line": -1, "lines": 20}, "bet_out_of_range", "bet_per_line"),
        ({"bet_per_line": 0, "lines": 20}, "bet_out_of_range", "bet_per_line"),
        ({"bet_per_line": 101, "lines": 20}, "bet_out_of_range", "bet_per_line"),
        ({"bet_per_line": 1, "lines": 21}, "invalid_params", "lines"),
        ({"bet_per_line": 1, "lines": 0}, "invalid_params", "lines"),
        ({"bet_per_line": 1, "lines": False}, "invalid_params", "lines"),
        ({"bet_per_line": 1, "lines": 2.5}, "invalid_params", "lines"),
        ({"bet_per_line": 1, "lines": 20, "coins": 5}, "invalid_params", "coins"),
    ],
)
def test_validate_params_rejects(params, code, field):
    with pytest.raises(BetInvalid) as raised:
        SPEC.validate_params(params, DEFAULT_CONFIG)
    assert raised.value.code == code
    assert field in raised.value.fields


def test_validate_params_rejects_a_non_object():
    with pytest.raises(BetInvalid) as raised:
        SPEC.validate_params([1, 20], DEFAULT_CONFIG)
    assert raised.value.code == "invalid_params"


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c["reels"][0].append("PLUM"),
        lambda c: c["paylines"].append([0, 1, 3, 1, 0]),
        lambda c: c["paytable"].update({"S": [1, 2, 3]}),
        lambda c: c["paytable"].update({"BAR": [1, 2]}),
        lambda c: c["paytable"].update({"BAR": [1, 2, 2.5]}),
        lambda c: c.update({"min_bet_per_line": 0}),
    ],
)
def test_check_config_rejects_broken_configs(change):
    config = copy.deepcopy(DEFAULT_CONFIG)
    change(config)
    with pytest.raises(ValueError):
        check_config(config)
