"""Domain errors of the games and the small parameter checks that raise them.

Pure Python on purpose: the game math raises these and the API layer maps
them to ``{"error": {"code", "message", "fields"}}`` in one place.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from casino_club.kit.validation import is_whole_number as is_int


class GameError(Exception):
    """Base class of the games' domain errors."""


class BetInvalid(GameError):
    """A bet the game refuses; nothing was wagered.

    ``code`` is machine-readable (``invalid_params``, ``bet_out_of_range``,
    ``too_many_bets``, ``table_limit_exceeded``), ``fields`` maps a parameter
    name (or a path such as ``bets.2.value``) to what is wrong with it.
    """

    def __init__(self, code: str, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = dict(fields or {})

    def __repr__(self) -> str:
        return f"BetInvalid(code={self.code!r}, message={self.message!r}, fields={self.fields!r})"


class UnknownGame(GameError, KeyError):
    """No registered game has this slug (a ``KeyError`` so lookups read naturally)."""

    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug

    def __str__(self) -> str:
        # KeyError would print the repr of its argument; say what happened instead.
        return f"unknown game {self.slug!r}"


def require_params(params: Any, allowed: set[str]) -> dict[str, Any]:
    """Check ``params`` is a dict without unknown keys, so typos fail loudly."""
    if not isinstance(params, dict):
        raise BetInvalid("invalid_params", _("Parameters must be a JSON object."))
    unknown = sorted(str(key) for key in params if key not in allowed)
    if unknown:
        raise BetInvalid(
            "invalid_params",
            _("Unknown parameter."),
            dict.fromkeys(unknown, "unknown parameter"),
        )
    return params


def require_int(
    params: dict[str, Any],
    key: str,
    minimum: int,
    maximum: int,
    *,
    code: str = "bet_out_of_range",
    field: str | None = None,
) -> int:
    """The integer ``params[key]`` within ``[minimum, maximum]``, or ``BetInvalid``.

    Missing, bool, float and string values are ``invalid_params``; an integer
    outside the range raises ``code``.
    """
    field = field or key
    if key not in params or params[key] is None:
        raise BetInvalid(
            "invalid_params", _("%(field)s is required.") % {"field": field}, {field: "required"}
        )
    value = params[key]
    if not is_int(value):
        raise BetInvalid(
            "invalid_params",
            _("%(field)s must be an integer.") % {"field": field},
            {field: "must be an integer"},
        )
    if not minimum <= value <= maximum:
        raise BetInvalid(
            code,
            _("%(field)s must be between %(minimum)s and %(maximum)s.")
            % {"field": field, "minimum": minimum, "maximum": maximum},
            {field: f"must be between {minimum} and {maximum}"},
        )
    return value
