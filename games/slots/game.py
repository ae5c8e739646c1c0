"""Slots: 5 reels x 3 rows, 20 paylines, a wild and a scatter.

The rules and the exact math live in ``games/slots/math.py``; this module is
the game's contract with the round service (validate, price, resolve) and its
default configuration. The default strips were tuned with ``exact_math``:
RTP 0.9616, hit frequency 30.5% at 20 lines (see ``SlotsSpec.math``).
"""

from __future__ import annotations

from typing import Any

from games.errors import require_int, require_params
from games.fairness import Draws
from games.registry import GameSpec
from games.slots.math import check_config, evaluate_window, exact_math, window_for_stops


def _reel(symbols: str) -> list[str]:
    """A strip written as space-separated symbols, to keep the config below readable."""
    return symbols.split()


DEFAULT_CONFIG: dict[str, Any] = {
    "rows": 3,
    "symbols": {
        "CHERRY": "Cherry",
        "LEMON": "Lemon",
        "BELL": "Bell",
        "BAR": "Bar",
        "SEVEN": "Seven",
        "DIAMOND": "Diamond",
        "W": "Wild",
        "S": "Scatter",
    },
    "wild": "W",
    "scatter": "S",
    # Times the bet per line, for 3, 4 and 5 in a row from the leftmost reel.
    "paytable": {
        "CHERRY": [5, 15, 60],
        "LEMON": [8, 25, 75],
        "BELL": [8, 30, 100],
        "BAR": [12, 50, 150],
        "SEVEN": [25, 100, 400],
        "DIAMOND": [50, 200, 1000],
        "W": [100, 500, 2500],
    },
    # Times the total bet, for 3, 4 and 5 scatters anywhere in the window.
    "scatter_pays": [2, 10, 50],
    # One row index (0 = top) per reel; playing `lines` uses the first `lines` of these.
    "paylines": [
        [1, 1, 1, 1, 1],  # 1
        [0, 0, 0, 0, 0],  # 2
        [2, 2, 2, 2, 2],  # 3
        [0, 1, 2, 1, 0],  # 4
        [2, 1, 0, 1, 2],  # 5
        [0, 0, 1, 2, 2],  # 6
        [2, 2, 1, 0, 0],  # 7
        [1, 0, 0, 0, 1],  # 8
        [1, 2, 2, 2, 1],  # 9
        [0, 1, 1, 1, 0],  # 10
        [2, 1, 1, 1, 2],  # 11
        [1, 0, 1, 2, 1],  # 12
        [1, 2, 1, 0, 1],  # 13
        [0, 1, 0, 1, 0],  # 14
        [2, 1, 2, 1, 2],  # 15
        [1, 1, 0, 1, 1],  # 16
        [1, 1, 2, 1, 1],  # 17
        [0, 0, 2, 0, 0],  # 18
        [2, 2, 0, 2, 2],  # 19
        [0, 2, 0, 2, 0],  # 20
    ],
    # Symbols come in pairs so neighbouring lines tend to win together: fewer,
    # bigger hits than shuffled singles at the same RTP. Scatters are at least
    # three apart, so a window shows at most one per reel.
    "reels": [
        _reel(  # reel 0, 30 stops
            "BELL BAR BAR BELL BELL S LEMON LEMON SEVEN SEVEN LEMON SEVEN SEVEN CHERRY CHERRY S "
            "BAR BAR BELL BELL LEMON LEMON CHERRY CHERRY DIAMOND DIAMOND CHERRY CHERRY DIAMOND W"
        ),
        _reel(  # reel 1, 33 stops
            "S LEMON LEMON DIAMOND DIAMOND S BELL BELL LEMON LEMON SEVEN SEVEN BAR BAR SEVEN "
            "SEVEN LEMON LEMON BELL BELL BAR CHERRY CHERRY BELL BELL BAR BAR W DIAMOND CHERRY "
            "SEVEN CHERRY CHERRY"
        ),
        _reel(  # reel 2, 36 stops
            "BAR LEMON LEMON CHERRY CHERRY DIAMOND DIAMOND BELL BELL BAR BAR SEVEN LEMON LEMON W "
            "BAR BAR S CHERRY CHERRY SEVEN SEVEN CHERRY LEMON LEMON BELL BELL S DIAMOND DIAMOND "
            "CHERRY CHERRY SEVEN SEVEN BELL BELL"
        ),
        _reel(  # reel 3, 40 stops
            "CHERRY CHERRY LEMON LEMON CHERRY CHERRY S DIAMOND DIAMOND SEVEN SEVEN LEMON LEMON "
            "CHERRY BELL BELL S SEVEN SEVEN DIAMOND DIAMOND BAR BAR CHERRY CHERRY BAR BAR W BELL "
            "LEMON LEMON BELL BELL SEVEN SEVEN BAR BAR BELL BELL LEMON"
        ),
        _reel(  # reel 4, 47 stops
            "LEMON LEMON BELL BELL W LEMON LEMON SEVEN CHERRY CHERRY SEVEN SEVEN BELL BELL BAR "
            "BAR DIAMOND SEVEN SEVEN BELL BELL S DIAMOND DIAMOND BELL BELL DIAMOND DIAMOND LEMON "
            "LEMON BAR BAR CHERRY CHERRY BAR BAR S W SEVEN SEVEN BAR CHERRY CHERRY LEMON LEMON "
            "CHERRY CHERRY"
        ),
    ],
    "min_bet_per_line": 1,
    "max_bet_per_line": 100,
}


class SlotsSpec(GameSpec):
    slug = "slots"
    name = "Slots"
    default_config = DEFAULT_CONFIG

    def check_config(self, config: dict[str, Any]) -> None:
        check_config(config)

    def validate_params(self, params: Any, config: dict[str, Any]) -> dict[str, Any]:
        params = require_params(params, {"bet_per_line", "lines"})
        bet_per_line = require_int(
            params, "bet_per_line", config["min_bet_per_line"], config["max_bet_per_line"]
        )
        lines = require_int(params, "lines", 1, len(config["paylines"]), code="invalid_params")
        return {"bet_per_line": bet_per_line, "lines": lines}

    def wager(self, cleaned_params: dict[str, Any]) -> int:
        return cleaned_params["bet_per_line"] * cleaned_params["lines"]

    def resolve(
        self, stream: Draws, cleaned_params: dict[str, Any], config: dict[str, Any]
    ) -> dict[str, Any]:
        """Stops drawn reel 0 first; ``window[reel][row]``; line numbers start at 1."""
        reels = config["reels"]
        stops = [stream.draw(len(strip)) for strip in reels]
        window = window_for_stops(reels, stops, config["rows"])
        result = evaluate_window(
            window, config, cleaned_params["lines"], cleaned_params["bet_per_line"]
        )
        return {"stops": stops, "window": window, **result}

    def math(self, config: dict[str, Any]) -> dict[str, Any]:
        """Exact figures per coin staked; hit frequencies are for all paylines played."""
        return exact_math(config)

    def example_params(self, config: dict[str, Any]) -> dict[str, Any]:
        return {"bet_per_line": config["min_bet_per_line"], "lines": len(config["paylines"])}


SPEC = SlotsSpec()
