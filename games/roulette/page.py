"""The roulette page: the wheel layout, the betting table, bet labels and hot/cold counts."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils.translation import gettext_lazy as _

from games.models import GameRound
from games.pages import GamePage, percent
from games.roulette.game import RED

# Roulette pockets in wheel order (European single zero), clockwise from 0.
WHEEL_ORDER = [0, 32, 15, 19, 4, 21, 2, 25, 17, 34, 6, 27, 13, 36, 11, 30, 8, 23, 10, 5, 24, 16,
               33, 1, 20, 14, 31, 9, 22, 18, 29, 7, 28, 12, 35, 3, 26]  # fmt: skip
HOT_COLD_WINDOW = 100

BET_LABELS = {
    "straight": _("Straight (one number)"),
    "split": _("Split (two numbers)"),
    "street": _("Street (row of three)"),
    "corner": _("Corner (four numbers)"),
    "six_line": _("Six line (two rows)"),
    "dozen": _("Dozen"),
    "column": _("Column"),
    "red": _("Red"),
    "black": _("Black"),
    "odd": _("Odd"),
    "even": _("Even"),
    "low": _("Low (1–18)"),
    "high": _("High (19–36)"),
}


def roulette_context(config: dict[str, Any], math: dict[str, Any]) -> dict[str, Any]:
    numbers = [{"number": n, "color": "red" if n in RED else "black"} for n in range(1, 37)]
    bet_types = [
        {
            "type": bet_type,
            "label": BET_LABELS.get(bet_type, bet_type),
            "rtp_percent": percent(figures["rtp"]),
            **figures,
        }
        for bet_type, figures in sorted(
            math["bet_types"].items(), key=lambda item: -item[1]["pays"]
        )
    ]
    return {
        "numbers": numbers,
        "bet_types": bet_types,
        "house_edge_fraction": "1/37",
        "hot_cold": roulette_hot_cold(),
        "wheel": {"order": WHEEL_ORDER, "red": sorted(RED)},
        "configuration_tables": "games/_roulette_configuration.html",
        "chips": [
            c for c in (1, 5, 10, 25, 100, 500) if config["min_bet"] <= c <= config["max_bet"]
        ],
    }


def roulette_hot_cold() -> dict[str, Any]:
    """Counts of each pocket over the last 100 roulette rounds site-wide."""
    outcomes = (
        GameRound.objects.filter(game="roulette")
        .order_by("-id")
        .values_list("outcome", flat=True)[:HOT_COLD_WINDOW]
    )
    pockets = [outcome["pocket"] for outcome in outcomes if "pocket" in outcome]
    counts = Counter(pockets)
    hottest = sorted(range(37), key=lambda n: (-counts[n], n))
    coldest = sorted(range(37), key=lambda n: (counts[n], n))
    return {
        "total": len(pockets),
        "recent": pockets[:12],
        "hot": [{"number": n, "count": counts[n]} for n in hottest[:5]],
        "cold": [{"number": n, "count": counts[n]} for n in coldest[:5]],
        "red": sum(1 for p in pockets if p in RED),
        "black": sum(1 for p in pockets if p and p not in RED),
        "green": counts[0],
    }


PAGE = GamePage(
    template="games/roulette.html",
    name=_("Roulette"),
    blurb=_("European single-zero wheel: numbers, colours, dozens and more."),
    context=roulette_context,
)
