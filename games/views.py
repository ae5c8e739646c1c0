"""The games' HTML pages: lobby, one page per game, and the fairness page.

Pages are thin: they render the published math of the active configuration
and the controls; playing goes through the JSON API (``games/api.py``) from
the page's ES module, so the browser and API clients share one code path.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from games import registry, services
from games.models import GameRound
from games.social_proof import social_proof

# Roulette pockets in wheel order (European single zero), clockwise from 0.
WHEEL_ORDER = [0, 32, 15, 19, 4, 21, 2, 25, 17, 34, 6, 27, 13, 36, 11, 30, 8, 23, 10, 5, 24, 16,
               33, 1, 20, 14, 31, 9, 22, 18, 29, 7, 28, 12, 35, 3, 26]  # fmt: skip
RED_NUMBERS = frozenset({1, 3, 5, 7, 9, 12, 14, 16, 18, 19, 21, 23, 25, 27, 30, 32, 34, 36})
HOT_COLD_WINDOW = 100

SYMBOL_LABELS = {
    "CHERRY": _("Cherry"),
    "LEMON": _("Lemon"),
    "BELL": _("Bell"),
    "BAR": _("Bar"),
    "SEVEN": _("Seven"),
    "DIAMOND": _("Diamond"),
    "W": _("Wild"),
    "S": _("Scatter"),
}
# Drawn as SVG rather than emoji so the reels look the same on every device
# (some systems, headless browsers included, have no colour emoji font).
_SVG = '<svg class="symbol-icon" viewBox="0 0 40 40" aria-hidden="true" focusable="false">{}</svg>'
SYMBOL_GLYPHS = {
    "CHERRY": _SVG.format(
        '<path d="M20 6 C18 14 14 18 12 24 M20 6 C22 14 26 18 28 22" stroke="#5fbf5f" '
        'stroke-width="2.5" fill="none"/><circle cx="12" cy="27" r="7" fill="#e0314b"/>'
        '<circle cx="28" cy="26" r="7" fill="#c81e3a"/>'
    ),
    "LEMON": _SVG.format(
        '<ellipse cx="20" cy="21" rx="15" ry="11" fill="#f4d83a" '
        'stroke="#c9a90f" stroke-width="2"/>'
    ),
    "BELL": _SVG.format(
        '<path d="M20 5 C11 5 10 15 9 25 L6 30 H34 L31 25 C30 15 29 5 20 5 Z" fill="#f5c542" '
        'stroke="#b8860b" stroke-width="2"/><circle cx="20" cy="33" r="3.5" fill="#b8860b"/>'
    ),
    "BAR": _SVG.format(
        '<rect x="3" y="12" width="34" height="16" rx="3" fill="#f3efe2" '
        'stroke="#222" stroke-width="2"/>'
        '<text x="20" y="24.5" text-anchor="middle" font-size="11" font-weight="900" '
        'font-family="sans-serif" fill="#111">BAR</text>'
    ),
    "SEVEN": _SVG.format(
        '<path d="M9 8 H32 L19 34 H12 L23 14 H9 Z" fill="#e0475b" '
        'stroke="#7a0f1d" stroke-width="2"/>'
    ),
    "DIAMOND": _SVG.format(
        '<path d="M8 15 L14 7 H26 L32 15 L20 34 Z" fill="#7cd7ff" '
        'stroke="#2a8fbf" stroke-width="2"/>'
        '<path d="M8 15 H32 M14 7 L20 34 L26 7" stroke="#2a8fbf" stroke-width="1.2" fill="none"/>'
    ),
    "W": _SVG.format(
        '<path d="M20 3 L25 15 L38 15 L27 23 L31 36 L20 28 L9 36 L13 23 L2 15 L15 15 Z" '
        'fill="#f5c542" stroke="#b8860b" stroke-width="1.5"/>'
        '<text x="20" y="25" text-anchor="middle" font-size="9" font-weight="900" '
        'font-family="sans-serif" fill="#3a2a00">WILD</text>'
    ),
    "S": _SVG.format(
        '<path d="M20 2 L23 17 L38 20 L23 23 L20 38 L17 23 L2 20 L17 17 Z" fill="#c59bff" '
        'stroke="#7b4fd0" stroke-width="1.5"/><circle cx="20" cy="20" r="4" fill="#fff"/>'
    ),
}
GAME_BLURBS = {
    "slots": _("Five reels, twenty paylines, a wild and a scatter."),
    "roulette": _("European single-zero wheel: numbers, colours, dozens and more."),
    "rps": _("Rock, paper, scissors against the house."),
}
GAME_NAMES = {
    "slots": _("Slots"),
    "roulette": _("Roulette"),
    "rps": _("Rock Paper Scissors"),
}


def active_config(spec: registry.GameSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(config data, published math)`` of the version rounds are played with now.

    The math is ``spec.math(data)`` as computed exactly when the version was
    published (the slot math takes seconds, so it is stored, not recomputed).
    """
    config = services.game_config_active(slug=spec.slug)
    return config.data, config.math


def percent(value: float | None, places: int = 2) -> str:
    return "" if value is None else f"{value * 100:.{places}f}%"


def _figures(math: dict[str, Any]) -> dict[str, str]:
    keys = ("rtp", "house_edge", "hit_frequency", "win_over_stake_probability", "min_rtp")
    return {key: percent(math.get(key)) for key in keys if key in math}


def _spec_or_404(slug: str) -> registry.GameSpec:
    try:
        return registry.get(slug)
    except registry.UnknownGame:
        raise Http404(slug) from None


@login_required
def lobby(request):
    games = []
    for spec in registry.all_games():
        _config, math = active_config(spec)
        games.append(
            {
                "slug": spec.slug,
                "name": GAME_NAMES.get(spec.slug, spec.name),
                "blurb": GAME_BLURBS.get(spec.slug, ""),
                "figures": _figures(math),
            }
        )
    return render(request, "games/lobby.html", {"games": games, "social_proof": social_proof()})


@login_required
def game_page(request, slug: str):
    spec = _spec_or_404(slug)
    config, math = active_config(spec)
    context: dict[str, Any] = {
        "game": {"slug": spec.slug, "name": GAME_NAMES.get(spec.slug, spec.name)},
        "config": config,
        "math": math,
        "figures": _figures(math),
        "social_proof": social_proof(),
    }
    context.update(_EXTRA_CONTEXT.get(slug, _no_extra)(config, math))
    return render(request, f"games/{slug}.html", context)


def _slots_context(config: dict[str, Any], math: dict[str, Any]) -> dict[str, Any]:
    symbols = [
        {
            "code": code,
            "label": SYMBOL_LABELS.get(code, name),
            "glyph": mark_safe(SYMBOL_GLYPHS.get(code, "")),  # noqa: S308 (constant markup)
        }
        for code, name in config["symbols"].items()
    ]
    labels = {symbol["code"]: symbol for symbol in symbols}
    paytable = [
        {"symbol": labels[code], "pays": pays}
        for code, pays in sorted(config["paytable"].items(), key=lambda item: -item[1][-1])
    ]
    return {
        "symbols": symbols,
        "paytable": paytable,
        "scatter": labels[config["scatter"]],
        "wild": labels[config["wild"]],
        "max_lines": len(config["paylines"]),
        "board": {
            "reels": config["reels"],
            "rows": config["rows"],
            "paylines": config["paylines"],
            "scatter": config["scatter"],
            "symbols": {
                s["code"]: {"label": str(s["label"]), "glyph": s["glyph"]} for s in symbols
            },
        },
    }


def _roulette_context(config: dict[str, Any], math: dict[str, Any]) -> dict[str, Any]:
    numbers = [{"number": n, "color": "red" if n in RED_NUMBERS else "black"} for n in range(1, 37)]
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
        "wheel": {"order": WHEEL_ORDER, "red": sorted(RED_NUMBERS)},
        "chips": [
            c for c in (1, 5, 10, 25, 100, 500) if config["min_bet"] <= c <= config["max_bet"]
        ],
    }


def _no_extra(config: dict[str, Any], math: dict[str, Any]) -> dict[str, Any]:
    return {}


def _rps_context(config: dict[str, Any], math: dict[str, Any]) -> dict[str, Any]:
    return {"win_pays": config["win_pays"]}


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

_EXTRA_CONTEXT = {
    "slots": _slots_context,
    "roulette": _roulette_context,
    "rps": _rps_context,
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
        "red": sum(1 for p in pockets if p in RED_NUMBERS),
        "black": sum(1 for p in pockets if p and p not in RED_NUMBERS),
        "green": counts[0],
    }


@login_required
def fairness_page(request):
    slots = registry.get("slots")
    slots_config, _math = active_config(slots)
    return render(
        request,
        "games/fairness.html",
        {"slots_board": {"reels": slots_config["reels"], "rows": slots_config["rows"]}},
    )
