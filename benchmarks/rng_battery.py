"""The randomness battery: the provably fair stream and every game's outcomes, tested.

Run with ``make bench-rng`` (or ``.venv/bin/python benchmarks/rng_battery.py``);
no database is needed: everything goes through the pure code that decides
rounds (``games/fairness.py`` and each game's ``resolve``), from known seeds.

1. The raw stream: block 0 (the 32 bytes, eight words, a round draws from
   first) of consecutive nonces of one seed pair, i.e. exactly the bytes
   the rounds of one player read, in order.
   - NIST SP 800-22 with ``nistrng`` (requirements-dev.txt) on sequences of
     1,000,000 bits; the same tests on ``os.urandom`` bytes as a control.
     nistrng 1.2.3 (its latest release) rejects ``os.urandom`` on several
     tests whatever the input (upstream NistRng issues #13 and #15); a test
     that rejects the control in every sequence is reported as not
     informative instead of as a verdict on our stream.
   - Debian's ``dieharder`` (``-g 200``: raw words on standard input, so no
     file is ever rewound) on a selection of its tests, each on fresh nonces.
2. Each game's outcomes, through its real ``resolve`` with the default
   configuration, over several seed pairs: slot stops per reel (and each
   pair of neighbouring reels within a spin), roulette pockets, the house's
   RPS moves; chi-square against uniform, chi-square of successive pairs,
   Wald-Wolfowitz runs and lag-1 serial correlation
   (``tests/support/randomness.py``, the helpers ``make test`` checks).

Every p-value is reported with its verdict at alpha = 0.01; the summary
compares the number of p-values below alpha with what a perfect generator
would give (about 1 in 100). The NIST part runs in a second process beside
the games and dieharder (about 10 minutes on 2 cores at full size).
Options: ``--quick`` (a smoke run of a minute), ``--markdown FILE``, and the
sizes below.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from games.fairness import DrawStream, hmac_block  # noqa: E402
from games.registry import get  # noqa: E402
from tests.support.randomness import (  # noqa: E402
    ALPHA,
    Verdict,
    chi_square_pairs,
    chi_square_uniform,
    runs_test,
    serial_correlation,
    successive_pairs,
)

CLIENT_SEED = "rng-battery"
STREAM_SEED = hashlib.sha256(b"rng-battery:stream").hexdigest()
DIEHARDER_SEED = hashlib.sha256(b"rng-battery:dieharder").hexdigest()
GAME_SEED_PAIRS = 4
BLOCK_BYTES = 32
NIST_BITS = 1_000_000
# Minutes per 1,000,000 bits in pure Python: only these run on fewer sequences.
NIST_SLOW = ("linear_complexity", "serial", "approximate_entropy")
# Each reads at most a few hundred MB (the stream makes about 8 MB/s here):
# the diehard tests of reliability "Good", the STS ones, and RGB/DAB ones.
DIEHARDER_TESTS = (0, 1, 3, 4, 8, 10, 11, 12, 15, 100, 101, 102, 202, 204, 206, 208)
ROUNDS = {"slots": 1_000_000, "roulette": 2_000_000, "rps": 2_000_000}
MOVES = ("rock", "paper", "scissors")
EXAMPLE = {
    "slots": {"bet_per_line": 1, "lines": 20},
    "roulette": {"bets": [{"type": "red", "value": None, "amount": 10}]},
    "rps": {"bet": 10, "move": "rock"},
}


def game_seed(slug: str, index: int, label: str = "rng-battery") -> str:
    """``sha256("{label}:{slug}:{index}")``; ``--games-seed-label`` replicates with fresh seeds."""
    return hashlib.sha256(f"{label}:{slug}:{index}".encode()).hexdigest()


def stream_bytes(server_seed: str, first_nonce: int, count: int) -> bytes:
    """Block 0 of ``count`` consecutive nonces: what those rounds read first."""
    return b"".join(
        hmac_block(server_seed, CLIENT_SEED, nonce, 0)
        for nonce in range(first_nonce, first_nonce + count)
    )


# NIST SP 800-22 (nistrng) ---------------------------------------------------


def _nist_sequence(test, bits) -> dict:
    if not test.is_eligible(bits):
        return {"eligible": False}
    result, _elapsed = test.run(bits)
    import numpy

    scores = [float(score) for score in numpy.atleast_1d(result._score_list)]
    return {"eligible": True, "passed": bool(result.passed), "p_min": min(scores), "p": scores}


def nist_battery(sequences: int, slow_sequences: int) -> dict:
    """Each SP 800-22 test on ``sequences`` sequences of the stream and of os.urandom."""
    import numpy
    from nistrng import SP800_22R1A_BATTERY

    blocks = math.ceil(NIST_BITS / 8 / BLOCK_BYTES)
    started = time.monotonic()
    runs: dict[str, dict[str, list[dict]]] = {
        name: {"stream": [], "control": []} for name in SP800_22R1A_BATTERY
    }
    for index in range(sequences):
        sources = {
            "stream": stream_bytes(STREAM_SEED, index * blocks, blocks),
            "control": os.urandom(blocks * BLOCK_BYTES),
        }
        for source, data in sources.items():
            # int64: nistrng's cumulative sums overflow on int8 input (issue #15).
            bits = numpy.unpackbits(numpy.frombuffer(data, dtype=numpy.uint8))[:NIST_BITS]
            bits = bits.astype(numpy.int64)
            for name, test in SP800_22R1A_BATTERY.items():
                if name in NIST_SLOW and index >= slow_sequences:
                    continue
                runs[name][source].append(_nist_sequence(test, bits))
    return {
        "runs": runs,
        "sequences": sequences,
        "slow_sequences": slow_sequences,
        "stream_nonces": [0, sequences * blocks - 1],
        "seconds": time.monotonic() - started,
    }


def nist_minimum_passing(count: int) -> int:
    """SP 800-22 section 4.2.1: the least number of passing sequences out of ``count``."""
    p = 1 - ALPHA
    return max(1, math.ceil(count * (p - 3 * math.sqrt(p * (1 - p) / count)) - 1e-9))


def nist_rows(nist: dict) -> list[dict]:
    rows = []
    for name, sources in nist["runs"].items():
        stream = [run for run in sources["stream"] if run["eligible"]]
        control = [run for run in sources["control"] if run["eligible"]]
        if not sources["stream"]:
            rows.append({"test": name, "verdict": "not run (--nist-slow-sequences 0)"})
            continue
        if not stream:
            rows.append({"test": name, "verdict": "not eligible at 1,000,000 bits"})
            continue
        passing = sum(run["passed"] for run in stream)
        control_passing = sum(run["passed"] for run in control)
        # A test that rejects os.urandom as often as it would reject a bad
        # generator says nothing about ours.
        informative = control_passing >= nist_minimum_passing(len(control))
        passed = passing >= nist_minimum_passing(len(stream))
        rows.append(
            {
                "test": name,
                "sequences": len(stream),
                "passing": passing,
                "p_min": min(run["p_min"] for run in stream),
                "control_passing": control_passing,
                "control_sequences": len(control),
                "informative": informative,
                "passed": passed,
                "verdict": ("pass" if passed else "FAIL")
                if informative
                else "not informative: rejects the os.urandom control too",
            }
        )
    return rows


# dieharder ------------------------------------------------------------------


def dieharder_battery(tests: list[int]) -> dict:
    """Each test on its own run of dieharder, reading fresh nonces from standard input."""
    if shutil.which("dieharder") is None:
        return {"skipped": "dieharder is not installed (apt-get install dieharder)"}
    rows, nonce, started = [], 0, time.monotonic()
    chunk = 4096
    for number in tests:
        first_nonce = nonce
        process = subprocess.Popen(
            ["dieharder", "-g", "200", "-d", str(number)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            while process.poll() is None:
                process.stdin.write(stream_bytes(DIEHARDER_SEED, nonce, chunk))
                nonce += chunk
        except (BrokenPipeError, ValueError):
            pass
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()
        output = process.stdout.read().decode(errors="replace")
        process.wait()
        for line in output.splitlines():
            fields = [field.strip() for field in line.split("|")]
            if len(fields) != 6:
                continue
            try:
                p_value = float(fields[4])
            except ValueError:
                continue
            rows.append(
                {
                    "test": fields[0],
                    "ntup": fields[1],
                    "tsamples": fields[2],
                    "psamples": fields[3],
                    "p": p_value,
                    "assessment": fields[5],
                    "nonces": [first_nonce, nonce - 1],
                }
            )
    return {"rows": rows, "nonces": nonce, "seconds": time.monotonic() - started}


# Game outcomes ----------------------------------------------------------------


def game_outcomes(slug: str, rounds: int, label: str) -> list[dict]:
    spec = get(slug)
    config = spec.config_or_default(None)
    params = spec.validate_params(EXAMPLE[slug], config)
    per_pair = rounds // GAME_SEED_PAIRS
    return [
        spec.resolve(DrawStream(game_seed(slug, index, label), CLIENT_SEED, nonce), params, config)
        for index in range(GAME_SEED_PAIRS)
        for nonce in range(per_pair)
    ]


def sequence_tests(label: str, values: list[int], n: int) -> list[Verdict]:
    return [
        chi_square_uniform(values, n, f"{label}: chi-square (uniform on {n})"),
        successive_pairs(values, n, f"{label}: chi-square of successive pairs ({n}x{n})"),
        runs_test(values, n, f"{label}: runs above/below {n / 2:g}"),
        serial_correlation(values, f"{label}: lag-1 serial correlation"),
    ]


def game_battery(rounds: dict[str, int], label: str) -> dict:
    results, started = {}, time.monotonic()
    reels = get("slots").default_config["reels"]
    spins = game_outcomes("slots", rounds["slots"], label)
    stops = [[spin["stops"][reel] for spin in spins] for reel in range(len(reels))]
    verdicts = []
    for reel, strip in enumerate(reels):
        verdicts += sequence_tests(f"slots reel {reel} stop", stops[reel], len(strip))
    for reel in range(len(reels) - 1):
        left, right = len(reels[reel]), len(reels[reel + 1])
        verdicts.append(
            chi_square_pairs(
                stops[reel],
                left,
                stops[reel + 1],
                right,
                f"slots reels {reel}+{reel + 1} in one spin: chi-square ({left}x{right})",
            )
        )
    results["slots"] = verdicts
    del spins, stops
    pockets = [
        outcome["pocket"] for outcome in game_outcomes("roulette", rounds["roulette"], label)
    ]
    results["roulette"] = sequence_tests("roulette pocket", pockets, 37)
    del pockets
    house = [
        MOVES.index(outcome["house_move"]) for outcome in game_outcomes("rps", rounds["rps"], label)
    ]
    results["rps"] = sequence_tests("rps house move", house, 3)
    return {"verdicts": results, "seconds": time.monotonic() - started}


# Report -----------------------------------------------------------------------


def p_text(p: float) -> str:
    return f"{p:.4f}" if p >= 0.0001 else f"{p:.2e}"


def yes_no(passed: bool) -> str:
    return "yes" if passed else "**no**"


def report(args, games: dict, nist: dict, dieharder: dict, seconds: float) -> str:
    lines = []
    counted = below = 0

    lines += ["#### Game outcomes (pure `resolve`, default configuration)", ""]
    lines += ["| test | N | statistic | p-value | pass at α=0.01 |", "|---|---|---|---|---|"]
    for slug, verdicts in games["verdicts"].items():
        for verdict in verdicts:
            counted += 1
            below += not verdict.passed(ALPHA)
            lines.append(
                f"| {verdict.name} | {args.rounds[slug]:,} | {verdict.statistic:.4g} "
                f"| {p_text(verdict.p_value)} | {yes_no(verdict.passed(ALPHA))} |"
            )
    lines += ["", f"Games took {games['seconds']:.0f} s.", ""]

    if nist is None:
        lines.append(
            f"**Summary:** {below} of {counted} p-values below α = 0.01 (a perfect generator "
            f"gives about {counted * ALPHA:.1f}). Whole run {seconds:.0f} s."
        )
        return "\n".join(lines) + "\n"
    lines += ["#### NIST SP 800-22 on the raw stream (nistrng 1.2.3)", ""]
    lines += [
        "| test | sequences of 10⁶ bits passing | smallest p-value "
        "| control (os.urandom) passing | verdict at α=0.01 |",
        "|---|---|---|---|---|",
    ]
    for row in nist_rows(nist):
        if "sequences" not in row:
            lines.append(f"| {row['test']} | – | – | – | {row['verdict']} |")
            continue
        if row["informative"]:
            counted += row["sequences"]
            below += row["sequences"] - row["passing"]
        lines.append(
            f"| {row['test']} | {row['passing']}/{row['sequences']} | {p_text(row['p_min'])} "
            f"| {row['control_passing']}/{row['control_sequences']} | {row['verdict']} |"
        )
    lines += [
        "",
        f"A test passes when at least {nist_minimum_passing(nist['sequences'])} of "
        f"{nist['sequences']} sequences pass (SP 800-22 §4.2.1; "
        f"{nist_minimum_passing(nist['slow_sequences'] or 1)} of {nist['slow_sequences']} for "
        f"{', '.join(NIST_SLOW)}). Stream nonces {nist['stream_nonces'][0]}–"
        f"{nist['stream_nonces'][1]}; took {nist['seconds']:.0f} s.",
        "",
    ]

    lines += ["#### dieharder 3.31.1 on the raw stream (`-g 200`, standard input)", ""]
    if "skipped" in dieharder:
        lines += [f"Skipped: {dieharder['skipped']}.", ""]
    else:
        lines += [
            "| test | ntup | tsamples × psamples | p-value | dieharder says | pass at α=0.01 |",
            "|---|---|---|---|---|---|",
        ]
        for row in dieharder["rows"]:
            counted += 1
            below += row["p"] < ALPHA
            lines.append(
                f"| {row['test']} | {row['ntup']} | {row['tsamples']} × {row['psamples']} "
                f"| {p_text(row['p'])} | {row['assessment']} | {yes_no(row['p'] >= ALPHA)} |"
            )
        lines += [
            "",
            f"{dieharder['nonces']:,} nonces "
            f"({dieharder['nonces'] * BLOCK_BYTES / 2**20:,.0f} MiB) of the dieharder seed "
            f"written; took {dieharder['seconds']:.0f} s.",
            "",
        ]

    lines += [
        f"**Summary:** {below} of {counted} informative p-values below α = 0.01 "
        f"(a perfect generator gives about {counted * ALPHA:.1f}). Whole run {seconds:.0f} s.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--nist-sequences", type=int, default=5)
    parser.add_argument("--nist-slow-sequences", type=int, default=1)
    parser.add_argument("--dieharder-tests", default=",".join(map(str, DIEHARDER_TESTS)))
    parser.add_argument(
        "--games-seed-label",
        default="rng-battery",
        help="game seed pairs are sha256('{label}:{game}:{i}'): another label replicates",
    )
    parser.add_argument("--games-only", action="store_true", help="skip NIST and dieharder")
    parser.add_argument("--markdown", type=Path, help="also write the report here")
    parser.add_argument("--json", type=Path, help="write the raw results here")
    args = parser.parse_args()
    args.rounds = dict(ROUNDS)
    if args.quick:
        args.rounds = {slug: count // 100 for slug, count in ROUNDS.items()}
        args.nist_sequences, args.nist_slow_sequences = 1, 0
        args.dieharder_tests = "0,100"
    tests = [int(number) for number in args.dieharder_tests.split(",") if number]

    print(
        f"Stream seed {STREAM_SEED}, dieharder seed {DIEHARDER_SEED}, client seed {CLIENT_SEED!r}"
    )
    for slug in ROUNDS:
        seeds = ", ".join(
            game_seed(slug, index, args.games_seed_label)[:16] + "…"
            for index in range(GAME_SEED_PAIRS)
        )
        print(f"{slug}: {args.rounds[slug]:,} rounds over seed pairs {seeds}")
    if args.games_only:
        games = game_battery(args.rounds, args.games_seed_label)
        text = report(args, games, None, None, games["seconds"])
        print(text)
        if args.markdown:
            args.markdown.write_text(text)
        return
    if shutil.which("dieharder") is None:
        print("NOTE: dieharder is not installed; its part is skipped (apt-get install dieharder).")
    started = time.monotonic()
    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        nist_future = pool.submit(nist_battery, args.nist_sequences, args.nist_slow_sequences)
        games = game_battery(args.rounds, args.games_seed_label)
        print(f"games done in {games['seconds']:.0f} s", flush=True)
        dieharder = dieharder_battery(tests)
        print(f"dieharder done in {dieharder.get('seconds', 0):.0f} s", flush=True)
        nist = nist_future.result()
    text = report(args, games, nist, dieharder, time.monotonic() - started)
    print(text)
    if args.markdown:
        args.markdown.write_text(text)
    if args.json:
        raw = {
            "games": {
                slug: [verdict.__dict__ for verdict in verdicts]
                for slug, verdicts in games["verdicts"].items()
            },
            "nist": nist,
            "dieharder": dieharder,
        }
        args.json.write_text(json.dumps(raw, indent=1, default=str))


if __name__ == "__main__":
    main()
