"""Slot evaluation and its exact math: RTP, hit frequency, volatility.

Rules (the same in ``evaluate_window``, the exact computation and the brute
force, and the tests hold them to each other):

- The window is ``rows`` consecutive symbols of each reel strip from its stop,
  wrapping; it is returned per reel: ``window[reel][row]``.
- A payline names one row per reel; it pays left to right for 3, 4 or 5 of a
  kind: ``paytable[symbol][count - 3]`` times the bet per line.
- The wild substitutes for every paying symbol, never for the scatter. A line
  starting with wilds takes the symbol of its first non-wild cell. Leading
  wilds also pay on their own as ``paytable[wild]`` when that entry exists;
  the line pays the better of the two (a line of five wilds pays the wild
  entry), never both.
- Scatters pay anywhere in the window, by their count, ``scatter_pays[count - 3]``
  times the *total* bet; counts above the table pay its last entry.

Why the exact math is not a 67-million-spin loop: every line win is a run
from reel 0, so the reels are folded in one at a time, keeping for each
combination only what can still matter (the lines still running, the scatter
count, the coins already won). Identical states merge and a state with no
running line needs nothing but the remaining reels' scatter counts. The
weights are integer counts of stop combinations, so the figures are exact.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache
from typing import Any

Window = list[list[str]]


def check_config(config: dict[str, Any]) -> None:
    """Raise ``ValueError`` unless ``config`` is a playable slot configuration."""
    rows = config["rows"]
    reels = config["reels"]
    symbols = config["symbols"]
    wild, scatter = config["wild"], config["scatter"]
    if not reels or any(len(strip) < rows for strip in reels):
        raise ValueError("every reel strip needs at least `rows` symbols")
    unknown = {symbol for strip in reels for symbol in strip} - set(symbols)
    if unknown:
        raise ValueError(f"reel strips use undeclared symbols: {sorted(unknown)}")
    if wild not in symbols or scatter not in symbols or wild == scatter:
        raise ValueError("wild and scatter must be two declared symbols")
    for symbol, pays in config["paytable"].items():
        if symbol not in symbols or symbol == scatter:
            raise ValueError(f"paytable entry {symbol!r} is not a line symbol")
        _check_pays(pays, len(reels) - 2, f"paytable[{symbol!r}]")
    _check_pays(config["scatter_pays"], None, "scatter_pays")
    if not config["paylines"]:
        raise ValueError("at least one payline is needed")
    for line in config["paylines"]:
        if len(line) != len(reels) or any(not 0 <= row < rows for row in line):
            raise ValueError(f"payline {line} needs one row in [0, {rows}) per reel")
    if not 1 <= config["min_bet_per_line"] <= config["max_bet_per_line"]:
        raise ValueError("need 1 <= min_bet_per_line <= max_bet_per_line")


def _check_pays(pays: Any, length: int | None, label: str) -> None:
    if not isinstance(pays, list) or (length is not None and len(pays) != length):
        raise ValueError(f"{label} must list the pays for 3..{length and length + 2} symbols")
    if any(not isinstance(pay, int) or isinstance(pay, bool) or pay < 0 for pay in pays):
        raise ValueError(f"{label} must hold non-negative integers")


def window_for_stops(reels: Sequence[Sequence[str]], stops: Sequence[int], rows: int) -> Window:
    """The visible symbols, per reel: ``strip[(stop + row) % len(strip)]``."""
    return [
        [strip[(stop + row) % len(strip)] for row in range(rows)]
        for strip, stop in zip(reels, stops, strict=True)
    ]


def line_pay(symbol: str | None, count: int, paytable: dict[str, list[int]]) -> int:
    """The paytable multiplier for ``count`` of ``symbol`` in a row (0 below three)."""
    pays = paytable.get(symbol) if symbol is not None else None
    if not pays or count < 3:
        return 0
    return pays[min(count, len(pays) + 2) - 3]


def evaluate_line(
    cells: Sequence[str], paytable: dict[str, list[int]], wild: str, scatter: str
) -> tuple[str | None, int, int]:
    """``(symbol, count, multiplier)`` of the line's win; multiplier 0 when it loses."""
    wild_run = 0
    while wild_run < len(cells) and cells[wild_run] == wild:
        wild_run += 1
    wild_multiplier = line_pay(wild, wild_run, paytable)
    if wild_run == len(cells):
        return wild, wild_run, wild_multiplier
    symbol = cells[wild_run]
    count = wild_run
    if symbol != scatter:
        while count < len(cells) and cells[count] in (symbol, wild):
            count += 1
    symbol_multiplier = line_pay(symbol, count, paytable) if symbol != scatter else 0
    if wild_multiplier > symbol_multiplier:
        return wild, wild_run, wild_multiplier
    return symbol, count, symbol_multiplier


def scatter_pay(count: int, scatter_pays: Sequence[int]) -> int:
    """The scatter multiplier (times the total bet) for ``count`` scatters."""
    if count < 3 or not scatter_pays:
        return 0
    return scatter_pays[min(count, len(scatter_pays) + 2) - 3]


def evaluate_window(
    window: Window, config: dict[str, Any], lines: int, bet_per_line: int
) -> dict[str, Any]:
    """Line wins, scatter win and total payout (coins) of one window."""
    paytable, wild, scatter = config["paytable"], config["wild"], config["scatter"]
    line_wins = []
    for index, rows in enumerate(config["paylines"][:lines]):
        cells = [window[reel][row] for reel, row in enumerate(rows)]
        symbol, count, multiplier = evaluate_line(cells, paytable, wild, scatter)
        if multiplier:
            line_wins.append(
                {
                    "line": index + 1,
                    "rows": list(rows),
                    "symbol": symbol,
                    "count": count,
                    "payout": multiplier * bet_per_line,
                }
            )
    scatter_count = sum(column.count(scatter) for column in window)
    scatter_payout = scatter_pay(scatter_count, config["scatter_pays"]) * bet_per_line * lines
    return {
        "line_wins": line_wins,
        "scatter": {"count": scatter_count, "payout": scatter_payout},
        "payout": sum(win["payout"] for win in line_wins) + scatter_payout,
    }


# --- exact math -------------------------------------------------------------------------------


def exact_math(config: dict[str, Any], lines: int | None = None) -> dict[str, Any]:
    """Exact published figures for ``lines`` paylines (default: all of them).

    RTP is per coin of total stake and the same for every bet size and line
    count (each cell of a line is distributed like its strip, whatever the
    row, and scatters pay on the total bet). Hit frequency and the chance of
    winning more than the stake do depend on the lines played, so the
    published ones are for the maximum.
    """
    lines = len(config["paylines"]) if lines is None else lines
    return dict(_exact_math_cached(json.dumps(config, sort_keys=True), lines))


@lru_cache(maxsize=32)
def _exact_math_cached(config_json: str, lines: int) -> dict[str, Any]:
    config = json.loads(config_json)
    figures = summarise(payout_distribution(config, lines), lines)
    figures["scatter_rtp"] = scatter_rtp(config)
    return figures


def scatter_rtp(config: dict[str, Any]) -> float:
    """The part of the RTP paid by scatters (they pay on the total bet, so per coin staked)."""
    rows, scatter = config["rows"], config["scatter"]
    counts: dict[int, int] = {0: 1}
    for strip in config["reels"]:
        per_stop = Counter(
            sum(strip[(stop + row) % len(strip)] == scatter for row in range(rows))
            for stop in range(len(strip))
        )
        combined: dict[int, int] = defaultdict(int)
        for count, weight in counts.items():
            for extra, extra_weight in per_stop.items():
                combined[count + extra] += weight * extra_weight
        counts = combined
    total = sum(counts.values())
    paid = sum(scatter_pay(count, config["scatter_pays"]) * w for count, w in counts.items())
    return float(Fraction(paid, total))


def payout_distribution(config: dict[str, Any], lines: int) -> dict[int, int]:
    """``{payout: number of stop combinations}`` at a bet of 1 per line, exactly."""
    check_config(config)
    paytable, wild, scatter = config["paytable"], config["wild"], config["scatter"]
    paylines = config["paylines"][:lines]
    reels, rows = config["reels"], config["rows"]
    reel_count = len(reels)
    scatter_cap = len(config["scatter_pays"]) + 2
    paying = {symbol for symbol, pays in paytable.items() if any(pays)} - {wild}

    # What a line pays when its run ends, looked up rather than recomputed: this is
    # the innermost operation (about a million times for the default config).
    wild_pay = [line_pay(wild, count, paytable) for count in range(reel_count + 1)]
    final_pay = {
        (symbol, wild_run, count): max(wild_pay[wild_run], line_pay(symbol, count, paytable))
        for symbol in paying
        for wild_run in range(reel_count + 1)
        for count in range(wild_run, reel_count + 1)
    }
    final_pay.update({(None, count, count): wild_pay[count] for count in range(reel_count + 1)})

    # Per reel: each distinct window with how many stops show it, and its scatter count.
    patterns = []
    for strip in reels:
        seen = Counter(
            tuple(strip[(stop + row) % len(strip)] for row in range(rows))
            for stop in range(len(strip))
        )
        patterns.append([(cells, weight, cells.count(scatter)) for cells, weight in seen.items()])

    # Distribution of the scatter count over reels k.. (capped: more pays the same).
    scatter_tails: list[dict[int, int]] = [{} for _ in range(reel_count + 1)]
    scatter_tails[reel_count] = {0: 1}
    for reel in reversed(range(reel_count)):
        combined: dict[int, int] = defaultdict(int)
        for _cells, weight, count in patterns[reel]:
            for tail_count, tail_weight in scatter_tails[reel + 1].items():
                combined[min(count + tail_count, scatter_cap)] += weight * tail_weight
        scatter_tails[reel] = dict(combined)

    # A running line is (line index, symbol or None while all wild, leading wilds);
    # leading wilds below three can never pay on their own, so they fold to 0.
    # settled[reel] holds combinations whose lines all ended by that reel, as
    # {(scatters so far, coins won): weight}; later reels only add scatters.
    settled: list[dict[tuple[int, int], int]] = [defaultdict(int) for _ in range(reel_count)]
    states: dict[tuple[tuple[tuple[int, str | None, int], ...], int, int], int] = defaultdict(int)
    for cells, weight, scatters in patterns[0]:
        running = []
        for index, line in enumerate(paylines):
            cell = cells[line[0]]
            if cell == wild:
                running.append((index, None, 1))
            elif cell in paying:
                running.append((index, cell, 0))
        if running:
            states[(tuple(running), scatters, 0)] += weight
        else:
            settled[0][(scatters, 0)] += weight

    for reel in range(1, reel_count):
        last_reel = reel == reel_count - 1
        next_states: dict[Any, int] = defaultdict(int)
        settled_here = settled[reel]
        for (running, scatters, won), weight in states.items():
            for cells, cells_weight, cells_scatters in patterns[reel]:
                still_running = []
                gained = 0
                for index, symbol, wild_run in running:
                    cell = cells[paylines[index][reel]]
                    if symbol is None:
                        if cell == wild:
                            still_running.append((index, None, wild_run + 1))
                        elif cell in paying:
                            still_running.append((index, cell, wild_run if wild_run >= 3 else 0))
                        else:
                            gained += wild_pay[wild_run]
                    elif cell in (symbol, wild):
                        still_running.append((index, symbol, wild_run))
                    else:
                        gained += final_pay[(symbol, wild_run, reel)]
                total_scatters = min(scatters + cells_scatters, scatter_cap)
                if still_running and not last_reel:
                    key = (tuple(still_running), total_scatters, won + gained)
                    next_states[key] += weight * cells_weight
                else:
                    for _index, symbol, wild_run in still_running:
                        gained += final_pay[(symbol, wild_run, reel + 1)]
                    settled_here[(total_scatters, won + gained)] += weight * cells_weight
        states = next_states

    distribution: dict[int, int] = defaultdict(int)
    scatter_pays = config["scatter_pays"]
    for reel, outcomes in enumerate(settled):
        for (scatters, won), weight in outcomes.items():
            for tail_count, tail_weight in scatter_tails[reel + 1].items():
                total_scatters = min(scatters + tail_count, scatter_cap)
                payout = won + scatter_pay(total_scatters, scatter_pays) * lines
                distribution[payout] += weight * tail_weight
    return dict(distribution)


def summarise(distribution: dict[int, int], lines: int) -> dict[str, Any]:
    """Figures per coin of total stake from ``{payout at 1 per line: weight}``."""
    total = sum(distribution.values())
    stake = lines
    paid = sum(payout * weight for payout, weight in distribution.items())
    paid_squared = sum(payout * payout * weight for payout, weight in distribution.items())
    rtp = Fraction(paid, total * stake)
    variance = Fraction(paid_squared, total * stake * stake) - rtp * rtp
    return {
        "lines": lines,
        "combinations": total,
        "rtp": float(rtp),
        "house_edge": float(1 - rtp),
        "hit_frequency": sum(w for p, w in distribution.items() if p > 0) / total,
        "win_over_stake_probability": sum(w for p, w in distribution.items() if p > stake) / total,
        "volatility": math.sqrt(variance),
        "max_payout_multiplier": max(distribution) / stake,
    }


# --- brute force (tests only: it walks every stop combination) ---------------------------------


def brute_force_distribution(config: dict[str, Any], lines: int) -> dict[int, int]:
    """``payout_distribution`` by evaluating every stop combination with ``evaluate_window``."""
    check_config(config)
    reels, rows = config["reels"], config["rows"]
    distribution: dict[int, int] = defaultdict(int)
    for stops in itertools.product(*(range(len(strip)) for strip in reels)):
        window = window_for_stops(reels, stops, rows)
        distribution[evaluate_window(window, config, lines, 1)["payout"]] += 1
    return dict(distribution)


def brute_force_math(config: dict[str, Any], lines: int | None = None) -> dict[str, Any]:
    """``exact_math`` computed the slow, obvious way; only for tiny configs."""
    lines = len(config["paylines"]) if lines is None else lines
    return summarise(brute_force_distribution(config, lines), lines)


# --- check it yourself ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m games.slots.math game.json``: exact figures of a published configuration.

    ``game.json`` is what ``GET /api/games/slots`` answers (or its ``config``
    alone). Run it from a checkout of the repository (as a module: a script in
    this folder would shadow the standard library's ``math``); it needs only
    Python's standard library, no Django, so a player can recompute the
    published RTP themselves.
    """
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("json_file", help="GET /api/games/slots saved to a file ('-' for stdin)")
    parser.add_argument("--lines", type=int, default=None, help="paylines played (default: all)")
    args = parser.parse_args(argv)
    if args.json_file == "-":
        data = json.load(sys.stdin)
    else:
        with open(args.json_file, encoding="utf-8") as handle:
            data = json.load(handle)
    config = data.get("config", data)
    try:
        check_config(config)
    except (ValueError, KeyError, TypeError) as error:
        parser.exit(2, f"not a slot configuration: {error!r}\n")
    figures = exact_math(config, args.lines)
    print(json.dumps({**figures, "rtp_percent": f"{figures['rtp'] * 100:.4f}%"}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
