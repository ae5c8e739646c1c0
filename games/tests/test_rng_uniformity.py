"""The outcomes are uniform and depend on the seeds alone, never on the stake or the player.

Small, fixed samples (a few thousand rounds per game from known seeds, so the
result never changes from run to run) through the games' real ``resolve``:
slot stops per reel against the strip lengths, roulette pockets (37), the
house's RPS moves (3), each a chi-square at alpha = 0.01. The full battery
(millions of rounds, NIST SP 800-22, dieharder) is ``make bench-rng``
(benchmarks/rng_battery.py, results in docs/fairness.md). The chi-square
helper is checked against closed forms and shown to reject biased draws,
so a passing uniformity test means something.
"""

from __future__ import annotations

import hashlib
import math

import pytest

from games.fairness import DrawStream
from games.models import GameRound
from games.registry import get
from tests.support.ledger import give_coins
from tests.support.randomness import (
    ALPHA,
    chi2_sf,
    chi_square_uniform,
    runs_test,
    serial_correlation,
)
from tests.support.rounds import START
from tests.support.seeds import CLIENT_SEED, seed_pair_give

# Four seed pairs x 1,500 nonces = 6,000 rounds per game.
SEEDS = [hashlib.sha256(f"rng-uniformity:{index}".encode()).hexdigest() for index in range(4)]
CLIENT = "rng-uniformity"
NONCES = 1_500

PARAMS = {
    "slots": {"bet_per_line": 1, "lines": 20},
    "roulette": {"bets": [{"type": "red", "value": None, "amount": 10}]},
    "rps": {"bet": 10, "move": "rock"},
}


def outcomes(slug: str) -> list[dict]:
    """The outcomes of every round of SEEDS x NONCES, through the game's own resolve."""
    spec = get(slug)
    config = spec.config_or_default(None)
    params = spec.validate_params(PARAMS[slug], config)
    return [
        spec.resolve(DrawStream(seed, CLIENT, nonce), params, config)
        for seed in SEEDS
        for nonce in range(NONCES)
    ]


def test_chi2_tail_matches_closed_forms_and_tables():
    # df = 2: the tail is exp(-x / 2) exactly.
    for x in (0.5, 3.0, 9.21034, 40.0):
        assert chi2_sf(x, 2) == pytest.approx(math.exp(-x / 2), rel=1e-10)
    # df = 1: P(chi2 >= z^2) = P(|Z| >= z).
    assert chi2_sf(1.959964**2, 1) == pytest.approx(0.05, rel=1e-5)
    # 1% critical values from the tables: df 2, 36 (roulette), 46 (the 47-stop reel).
    assert chi2_sf(9.210340, 2) == pytest.approx(0.01, rel=1e-5)
    assert chi2_sf(58.619215, 36) == pytest.approx(0.01, rel=1e-5)
    assert chi2_sf(71.201400, 46) == pytest.approx(0.01, rel=1e-5)
    assert chi2_sf(0.0, 36) == 1.0


def test_the_uniformity_check_rejects_biased_draws():
    """Draws that a subtly wrong game would produce are rejected at alpha = 0.01."""
    seed, size = SEEDS[0], 6_000
    # `u mod 37` is fine; drawing 36 values and calling it roulette is not.
    short_wheel = [DrawStream(seed, CLIENT, nonce).draw(36) for nonce in range(size)]
    assert not chi_square_uniform(short_wheel, 37).passed()
    # A 5% lean towards the house's rock (it replaces a fair draw 5% of the time).
    leaning = [
        0 if nonce % 20 == 0 else DrawStream(seed, CLIENT, nonce).draw(3) for nonce in range(size)
    ]
    assert not chi_square_uniform(leaning, 3).passed()
    # Uniform counts but in order (pocket = round number mod 37): chi-square
    # passes, the runs and serial tests catch it.
    in_order = [nonce % 37 for nonce in range(size)]
    assert chi_square_uniform(in_order, 37).passed()
    assert not runs_test(in_order, 37).passed()
    assert not serial_correlation(in_order).passed()
    # Out of range values fail outright.
    assert chi_square_uniform([0, 1, 37], 37).p_value == 0.0


def test_slot_stops_are_uniform_on_every_reel():
    strips = get("slots").default_config["reels"]
    rounds = outcomes("slots")

    for reel, strip in enumerate(strips):
        stops = [outcome["stops"][reel] for outcome in rounds]
        verdict = chi_square_uniform(stops, len(strip), f"reel {reel}")
        assert verdict.passed(ALPHA), verdict


def test_roulette_pockets_are_uniform():
    verdict = chi_square_uniform([outcome["pocket"] for outcome in outcomes("roulette")], 37)

    assert verdict.passed(ALPHA), verdict


def test_house_rps_moves_are_uniform():
    moves = ("rock", "paper", "scissors")
    drawn = [moves.index(outcome["house_move"]) for outcome in outcomes("rps")]
    verdict = chi_square_uniform(drawn, 3)

    assert verdict.passed(ALPHA), verdict


def test_the_stake_changes_the_payout_never_the_draw():
    """The pure resolve: every stake (and slots: every number of lines) on one nonce."""
    seed = SEEDS[1]
    for nonce in range(50):
        slots = get("slots")
        config = slots.default_config
        spins = [
            slots.resolve(
                DrawStream(seed, CLIENT, nonce),
                {"bet_per_line": bet, "lines": lines},
                config,
            )
            for bet in (1, 7, 100)
            for lines in (1, 9, 20)
        ]
        assert len({(tuple(s["stops"]), str(s["window"])) for s in spins}) == 1
        rps = get("rps")
        throws = [
            rps.resolve(
                DrawStream(seed, CLIENT, nonce), {"bet": bet, "move": move}, rps.default_config
            )
            for bet in (10, 333, 1000)
            for move in ("rock", "paper", "scissors")
        ]
        assert len({throw["house_move"] for throw in throws}) == 1


def _client(player):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(player)
    return client


@pytest.mark.django_db
def test_two_players_with_the_same_seeds_get_the_same_outcomes_whatever_they_stake(
    player, other_player
):
    """Alice and Bob get identical seed material, different balances and stakes,
    and play through the real API: each round's draws and outcome are the same."""
    server_seed = hashlib.sha256(b"rng-uniformity:same-seeds").hexdigest()
    give_coins(player, START)
    give_coins(other_player, 5 * START)
    for someone in (player, other_player):
        seed_pair_give(someone, server_seed)
    alice, bob = _client(player), _client(other_player)
    bets = [
        ("slots", {"bet_per_line": 1, "lines": 20}, {"bet_per_line": 9, "lines": 3}),
        (
            "roulette",
            {"bets": [{"type": "red", "value": None, "amount": 10}]},
            {
                "bets": [
                    {"type": "straight", "value": 17, "amount": 250},
                    {"type": "dozen", "value": 2, "amount": 40},
                ]
            },
        ),
        ("rps", {"bet": 10, "move": "rock"}, {"bet": 700, "move": "scissors"}),
    ]
    drawn = {"slots": "stops", "roulette": "pocket", "rps": "house_move"}

    for nonce, (slug, alice_bet, bob_bet) in enumerate(bets * 3):
        mine = alice.post(f"/api/games/{slug}/play", alice_bet, format="json")
        theirs = bob.post(f"/api/games/{slug}/play", bob_bet, format="json")
        assert mine.status_code == theirs.status_code == 200, (mine.json(), theirs.json())
        a, b = mine.json()["round"], theirs.json()["round"]
        assert a["wager"] != b["wager"]
        assert a["nonce"] == b["nonce"] == nonce
        assert (a["server_seed_hash"], a["client_seed"]) == (b["server_seed_hash"], CLIENT_SEED)
        assert a["outcome"][drawn[slug]] == b["outcome"][drawn[slug]]
        if slug == "slots":
            assert a["outcome"]["window"] == b["outcome"]["window"]
        # And both are what the seeds alone say.
        expected = get(slug).resolve(
            DrawStream(server_seed, CLIENT_SEED, nonce),
            get(slug).validate_params(alice_bet, get(slug).default_config),
            get(slug).default_config,
        )
        assert a["outcome"][drawn[slug]] == expected[drawn[slug]]
        rounds = GameRound.objects.filter(pk__in=[a["id"], b["id"]])
        assert len({tuple(r.draws) for r in rounds}) == 1
