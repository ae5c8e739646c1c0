"""Rate limits written as text, ``"5/s,3000/h"``: parsed here, without Django
or DRF, so ``casino_club.config`` can validate them while settings load."""

from __future__ import annotations

import re
from functools import lru_cache

Rate = tuple[int, int]  # (requests, seconds)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")


@lru_cache(maxsize=64)
def parse_rates(text: str) -> tuple[Rate, ...]:
    """``"5/s,3000/h"`` -> ``((5, 1), (3000, 3600))``; ``"off"`` or ``""`` -> no limit.

    A rate is ``<requests>/<period>``, the period ``s``, ``m``, ``h`` or ``d``,
    optionally with a count (``20/10s``). Raises ``ValueError`` on anything else.
    """
    text = text.strip().lower()
    if text in {"", "off", "none"}:
        return ()
    rates = []
    for part in text.split(","):
        found = _RATE.match(part.strip())
        if not found:
            raise ValueError(f"expected rates like 5/s,3000/h or off, got {part.strip()!r}")
        count, multiple, unit = found.groups()
        seconds = int(multiple or 1) * PERIODS[unit]
        if int(count) < 1 or seconds < 1:
            raise ValueError(f"a rate needs at least 1 request per period, got {part.strip()!r}")
        rates.append((int(count), seconds))
    return tuple(rates)
