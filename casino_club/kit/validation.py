"""Plain checks shared by the apps (no Django imports: games' pure math uses them)."""

from __future__ import annotations


def is_whole_number(value: object) -> bool:
    """True for real integers only: JSON ``true`` is not a 1-coin bet, ``1.0`` is not a coin."""
    return isinstance(value, int) and not isinstance(value, bool)
