"""Rounds with a known outcome: provably fair seeds searched ahead of play.

A round's outcome is a pure function of (server seed, client seed, nonce) and
the active configuration, so a test can look for a server seed whose next
rounds come out the way it needs, then give it to the player's seed pair.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from games.fairness import DrawStream, hash_server_seed
from games.models import SeedPair
from games.registry import get
from games.services import game_config_active, seed_pair_active

CLIENT_SEED = "journey"


def result_kind(*, wager: int, payout: int) -> str:
    """The page's reading of a round (static/games/play.js ``showResult``)."""
    if payout > wager:
        return "big-win" if payout >= 10 * wager else "win"
    if payout == wager:
        return "push"
    return "partial" if payout > 0 else "loss"


def round_kinds(slug: str, params: dict, server_seed: str, count: int) -> list[str]:
    """The kinds of the first ``count`` rounds (nonces 0, 1, ...) of ``server_seed``."""
    spec = get(slug)
    config = game_config_active(slug=slug).data
    valid = spec.validate_params(params, config)
    wager = spec.wager(valid)
    return [
        result_kind(
            wager=wager,
            payout=spec.resolve(DrawStream(server_seed, CLIENT_SEED, nonce), valid, config)[
                "payout"
            ],
        )
        for nonce in range(count)
    ]


def seed_find(
    slug: str, params: dict, count: int, wanted: Callable[[list[str]], bool], *, tries: int = 20_000
) -> tuple[str, list[str]]:
    """A server seed whose first ``count`` rounds satisfy ``wanted``, with their kinds."""
    for attempt in range(tries):
        server_seed = hashlib.sha256(f"{slug}-journey-{attempt}".encode()).hexdigest()
        kinds = round_kinds(slug, params, server_seed, count)
        if wanted(kinds):
            return server_seed, kinds
    raise AssertionError(f"no seed in {tries} tries")


def seed_pair_give(player, server_seed: str) -> None:
    """Make ``server_seed`` the player's active seed pair, at nonce 0."""
    seed_pair_active(player=player)
    SeedPair.objects.filter(player=player, is_active=True).update(
        server_seed=server_seed,
        server_seed_hash=hash_server_seed(server_seed),
        client_seed=CLIENT_SEED,
        nonce=0,
    )
