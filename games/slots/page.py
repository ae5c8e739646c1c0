"""The slots page: symbol names and SVG glyphs, the paytable and the reel board."""

from __future__ import annotations

from typing import Any

from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from games.pages import GamePage

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


def slots_context(config: dict[str, Any], math: dict[str, Any]) -> dict[str, Any]:
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
    reels = config["reels"]
    rows_named = {0: _("top"), 1: _("middle"), 2: _("bottom")}
    return {
        # The full configuration in tables: how many stops of each symbol every
        # reel has, each strip in order, and the rows each payline reads.
        "strip_counts": [
            {"symbol": symbol, "counts": [strip.count(symbol["code"]) for strip in reels]}
            for symbol in symbols
        ],
        "strip_lengths": [len(strip) for strip in reels],
        "strips": [
            {"reel": index + 1, "labels": [str(labels[code]["label"]) for code in strip]}
            for index, strip in enumerate(reels)
        ],
        "paylines_shown": [
            {"number": index + 1, "rows": [rows_named.get(row, row) for row in line]}
            for index, line in enumerate(config["paylines"])
        ],
        "configuration_tables": "games/_slots_configuration.html",
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


PAGE = GamePage(
    template="games/slots.html",
    name=_("Slots"),
    blurb=_("Five reels, twenty paylines, a wild and a scatter."),
    context=slots_context,
)
