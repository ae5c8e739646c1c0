"""European roulette: one zero, 37 pockets, pocket = draw(37).

Bet values, as the API takes them:

- ``straight``: the number, int 0..36.
- ``split``: two numbers next to each other on the table, ``[a, b]`` in any
  order: same row (``[5, 6]``), same column (``[5, 8]``), or 0 with 1, 2 or 3.
- ``street``: the first number of its row of three, int 1, 4, ..., 34.
- ``corner``: the four numbers of a square, ``[a, b, c, d]`` in any order,
  e.g. ``[1, 2, 4, 5]``. The "first four" (0, 1, 2, 3) is not offered.
- ``six_line``: the first number of the first of its two rows, int 1, 4, ..., 31.
- ``dozen`` and ``column``: 1, 2 or 3 (column 1 holds 1, 4, 7, ...).
- ``red``, ``black``, ``odd``, ``even``, ``low`` (1-18), ``high`` (19-36):
  ``value`` null or left out. Zero loses all of these.

Winning bets are paid at the usual odds plus the stake back. The odds are
code, not config: they fix the RTP at 36/37 for every bet type.
"""

from __future__ import annotations

from fractions import Fraction
from math import sqrt
from typing import Any

from django.utils.translation import gettext as _

from games.errors import BetInvalid, is_int, require_int, require_params
from games.fairness import Draws
from games.registry import GameSpec

POCKETS = 37
NUMBERS = range(1, 37)
RED = frozenset({1, 3, 5, 7, 9, 12, 14, 16, 18, 19, 21, 23, 25, 27, 30, 32, 34, 36})
BLACK = frozenset(NUMBERS) - RED

# "to one": a winning bet returns amount * (odds + 1).
ODDS = {
    "straight": 35,
    "split": 17,
    "street": 11,
    "corner": 8,
    "six_line": 5,
    "dozen": 2,
    "column": 2,
    "red": 1,
    "black": 1,
    "odd": 1,
    "even": 1,
    "low": 1,
    "high": 1,
}

EVEN_MONEY = {
    "red": RED,
    "black": BLACK,
    "odd": frozenset(n for n in NUMBERS if n % 2 == 1),
    "even": frozenset(n for n in NUMBERS if n % 2 == 0),
    "low": frozenset(range(1, 19)),
    "high": frozenset(range(19, 37)),
}

ROW_STARTS = range(1, 35, 3)

DEFAULT_CONFIG: dict[str, Any] = {
    "min_bet": 1,
    "max_bet": 1000,
    "table_max": 5000,
    "max_bets": 20,
}


def color_of(pocket: int) -> str:
    if pocket == 0:
        return "green"
    return "red" if pocket in RED else "black"


def covered_numbers(bet_type: str, value: Any) -> tuple[Any, frozenset[int]]:
    """``(normalised value, pockets the bet wins on)``; ``ValueError`` says what is wrong."""
    if bet_type in EVEN_MONEY:
        if value is not None:
            raise ValueError("must be null for this bet type")
        return None, EVEN_MONEY[bet_type]
    if bet_type == "straight":
        number = _number(value, range(POCKETS), "a number 0..36")
        return number, frozenset({number})
    if bet_type == "street":
        start = _number(value, ROW_STARTS, "the first number of a row: 1, 4, ..., 34")
        return start, frozenset(range(start, start + 3))
    if bet_type == "six_line":
        start = _number(value, range(1, 32, 3), "the first number of a row: 1, 4, ..., 31")
        return start, frozenset(range(start, start + 6))
    if bet_type == "dozen":
        dozen = _number(value, range(1, 4), "1, 2 or 3")
        return dozen, frozenset(range(12 * dozen - 11, 12 * dozen + 1))
    if bet_type == "column":
        column = _number(value, range(1, 4), "1, 2 or 3")
        return column, frozenset(n for n in NUMBERS if (n - column) % 3 == 0)
    if bet_type == "split":
        low, high = _numbers(value, 2)
        beside = high == low + 1 and low % 3 != 0  # same row: not across a row's end
        above = high == low + 3 and low >= 1
        if not (beside or above or (low == 0 and high in (1, 2, 3))):
            raise ValueError("the two numbers must be next to each other on the table")
        return [low, high], frozenset({low, high})
    if bet_type == "corner":
        numbers = _numbers(value, 4)
        top_left = numbers[0]
        if top_left < 1 or top_left % 3 == 0 or numbers != [top_left + d for d in (0, 1, 3, 4)]:
            raise ValueError("the four numbers must form a square on the table, e.g. [1, 2, 4, 5]")
        return numbers, frozenset(numbers)
    raise ValueError("unknown bet type")


def _number(value: Any, allowed: range, description: str) -> int:
    if not is_int(value) or value not in allowed:
        raise ValueError(f"must be {description}")
    return value


def _numbers(value: Any, count: int) -> list[int]:
    if (
        not isinstance(value, list)
        or len(value) != count
        or not all(is_int(number) and 0 <= number <= 36 for number in value)
    ):
        raise ValueError(f"must be a list of {count} numbers 0..36")
    if len(set(value)) != count:
        raise ValueError("numbers must be different")
    return sorted(value)


class RouletteSpec(GameSpec):
    slug = "roulette"
    name = "Roulette"
    default_config = DEFAULT_CONFIG

    def check_config(self, config: dict[str, Any]) -> None:
        if not 1 <= config["min_bet"] <= config["max_bet"] <= config["table_max"]:
            raise ValueError("need 1 <= min_bet <= max_bet <= table_max")
        if config["max_bets"] < 1:
            raise ValueError("max_bets must be at least 1")

    def validate_params(self, params: Any, config: dict[str, Any]) -> dict[str, Any]:
        params = require_params(params, {"bets"})
        bets = params.get("bets")
        if not isinstance(bets, list) or not bets:
            raise BetInvalid("invalid_params", _("Place at least one bet."), {"bets": "required"})
        if len(bets) > config["max_bets"]:
            raise BetInvalid(
                "too_many_bets",
                _("At most %(count)s bets per spin.") % {"count": config["max_bets"]},
                {"bets": f"at most {config['max_bets']} bets"},
            )
        cleaned = [self._clean_bet(bet, f"bets.{i}", config) for i, bet in enumerate(bets)]
        total = sum(bet["amount"] for bet in cleaned)
        if total > config["table_max"]:
            raise BetInvalid(
                "table_limit_exceeded",
                _("The bets add up to %(total)s; the table takes at most %(maximum)s.")
                % {"total": total, "maximum": config["table_max"]},
                {"bets": f"total must be at most {config['table_max']}"},
            )
        return {"bets": cleaned}

    def _clean_bet(self, bet: Any, path: str, config: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(bet, dict):
            raise BetInvalid(
                "invalid_params", _("Each bet must be an object."), {path: "not an object"}
            )
        unknown = sorted(str(key) for key in bet if key not in ("type", "value", "amount"))
        if unknown:
            raise BetInvalid(
                "invalid_params",
                _("Unknown bet field."),
                {f"{path}.{key}": "unknown field" for key in unknown},
            )
        bet_type = bet.get("type")
        if not isinstance(bet_type, str) or bet_type not in ODDS:
            raise BetInvalid(
                "invalid_params",
                _("Unknown bet type."),
                {f"{path}.type": f"must be one of {', '.join(ODDS)}"},
            )
        try:
            value, _covered = covered_numbers(bet_type, bet.get("value"))
        except ValueError as error:
            raise BetInvalid(
                "invalid_params",
                _("Invalid %(type)s bet: %(error)s.") % {"type": bet_type, "error": error},
                {f"{path}.value": str(error)},
            ) from None
        amount = require_int(
            bet, "amount", config["min_bet"], config["max_bet"], field=f"{path}.amount"
        )
        return {"type": bet_type, "value": value, "amount": amount}

    def wager(self, cleaned_params: dict[str, Any]) -> int:
        return sum(bet["amount"] for bet in cleaned_params["bets"])

    def resolve(
        self, stream: Draws, cleaned_params: dict[str, Any], config: dict[str, Any]
    ) -> dict[str, Any]:
        pocket = stream.draw(POCKETS)
        settled = []
        for bet in cleaned_params["bets"]:
            _value, covered = covered_numbers(bet["type"], bet["value"])
            won = pocket in covered
            payout = bet["amount"] * (ODDS[bet["type"]] + 1) if won else 0
            settled.append({**bet, "won": won, "payout": payout})
        return {
            "pocket": pocket,
            "color": color_of(pocket),
            "bets": settled,
            "payout": sum(bet["payout"] for bet in settled),
        }

    def math(self, config: dict[str, Any]) -> dict[str, Any]:
        """Per bet type: hit frequency, RTP (36/37 for all) and volatility per coin staked."""
        bet_types = {}
        for bet_type, odds in ODDS.items():
            covered = len(covered_numbers(bet_type, _EXAMPLE_VALUES.get(bet_type))[1])
            hit = Fraction(covered, POCKETS)
            bet_types[bet_type] = {
                "pays": odds,
                "numbers": covered,
                "hit_frequency": float(hit),
                "rtp": float(hit * (odds + 1)),
                "volatility": (odds + 1) * sqrt(hit * (1 - hit)),
            }
        return {
            "rtp": float(Fraction(36, 37)),
            "house_edge": float(Fraction(1, 37)),
            "pockets": POCKETS,
            "bet_types": bet_types,
        }

    def example_params(self, config: dict[str, Any]) -> dict[str, Any]:
        return {"bets": [{"type": "red", "value": None, "amount": config["min_bet"]}]}


_EXAMPLE_VALUES: dict[str, Any] = {
    "straight": 17,
    "split": [17, 20],
    "street": 16,
    "corner": [16, 17, 19, 20],
    "six_line": 16,
    "dozen": 2,
    "column": 2,
}

SPEC = RouletteSpec()
