"""Play many rounds through the real fairness stream and compare with the published math.

Used by ``manage.py simulate_game``: the exact RTP comes from ``spec.math``;
this checks that the code that actually resolves rounds agrees with it, to
within sampling error. Deterministic for a given seed, pure (no database).
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

from games import registry
from games.fairness import DrawStream

# |observed - expected| within this many standard errors counts as agreement:
# a correct game fails a single run with probability about 6e-5.
TOLERANCE_STANDARD_ERRORS = 4.0


def simulate(
    slug: str,
    spins: int,
    seed: str = "casino-club-simulation",
    params: dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Resolve ``spins`` rounds with nonces 0..spins-1 of a seed pair derived from ``seed``.

    Returns the observed RTP and hit frequency, the standard error of the RTP
    (sample standard deviation of the return per coin over sqrt(spins)), the
    published figures and whether they agree within the tolerance.
    """
    if spins < 2:
        raise ValueError("simulate needs at least two rounds to estimate an error")
    spec = registry.get(slug)
    config = spec.config_or_default(config)
    cleaned = spec.validate_params(params or spec.example_params(config), config)
    wager = spec.wager(cleaned)
    server_seed = hashlib.sha256(f"simulate:{seed}".encode()).hexdigest()
    client_seed = f"simulate:{seed}"

    started = time.perf_counter()
    total_paid = 0
    sum_of_squares = 0
    hits = 0
    for nonce in range(spins):
        payout = spec.resolve(DrawStream(server_seed, client_seed, nonce), cleaned, config)[
            "payout"
        ]
        total_paid += payout
        sum_of_squares += payout * payout
        hits += payout > 0
    elapsed = time.perf_counter() - started

    mean = total_paid / spins
    variance = max(sum_of_squares / spins - mean * mean, 0.0) * spins / (spins - 1)
    observed_rtp = mean / wager
    standard_error = math.sqrt(variance) / wager / math.sqrt(spins)
    published = spec.math(config)
    expected_rtp = published["rtp"]
    z_score = (observed_rtp - expected_rtp) / standard_error if standard_error else 0.0
    return {
        "game": slug,
        "spins": spins,
        "params": cleaned,
        "wager_per_round": wager,
        "total_wagered": wager * spins,
        "total_paid": total_paid,
        "observed_rtp": observed_rtp,
        "expected_rtp": expected_rtp,
        "standard_error": standard_error,
        "z_score": z_score,
        "within_tolerance": abs(z_score) <= TOLERANCE_STANDARD_ERRORS,
        "observed_hit_frequency": hits / spins,
        "expected_hit_frequency": published.get("hit_frequency"),
        "server_seed": server_seed,
        "client_seed": client_seed,
        "elapsed_seconds": elapsed,
    }
