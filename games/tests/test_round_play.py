"""round_play: one round settles coins, stores the round and records the action, or nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Action
from casino_club.kit.errors import DomainError
from economy.errors import IdempotencyConflict, InsufficientCoins, InvalidIdempotencyKey
from economy.models import LedgerTransaction
from economy.selectors import player_balance
from games.fairness import DrawStream
from games.models import GameConfig, GameRound
from games.registry import get
from games.services import (
    BetRejected,
    GameNotFound,
    round_play,
    seed_pair_active,
)
from tests.support.ledger import give_coins
from tests.support.rounds import START, assert_ledger_reconciles, snapshot

VALID = {
    "slots": {"bet_per_line": 2, "lines": 20},
    "roulette": {
        "bets": [
            {"type": "straight", "value": 17, "amount": 5},
            {"type": "red", "value": None, "amount": 10},
            {"type": "split", "value": [0, 1], "amount": 3},
        ]
    },
    "rps": {"bet": 50, "move": "paper"},
}


@pytest.mark.parametrize("slug", sorted(VALID))
@pytest.mark.django_db
def test_round_settles_stores_and_records(funded, slug):
    result = round_play(player=funded, slug=slug, params=VALID[slug])

    game_round = result.round
    spec = get(slug)
    wager = spec.wager(spec.validate_params(VALID[slug], spec.default_config))
    assert game_round.wager == wager
    assert game_round.payout == game_round.outcome["payout"]
    assert result.balance == START - wager + game_round.payout
    assert player_balance(player=funded) == result.balance
    assert game_round.balance_after == result.balance
    assert game_round.nonce == 0
    assert game_round.config.version == 1 and game_round.config.is_active
    stored = GameRound.objects.get(pk=game_round.pk)
    assert stored.params == spec.validate_params(VALID[slug], spec.default_config)
    assert stored.draws and stored.server_seed_hash == game_round.seed_pair.server_seed_hash
    wager_txn = LedgerTransaction.objects.get(pk=stored.wager_transaction_id)
    assert wager_txn.kind == "WAGER"
    if stored.payout:
        assert LedgerTransaction.objects.get(pk=stored.payout_transaction_id).kind == "PAYOUT"
    else:
        assert stored.payout_transaction_id is None
    action = Action.objects.get(type="ROUND_PLAYED")
    assert action.player == funded
    assert action.value == wager
    assert action.metadata == {
        "round": game_round.pk,
        "game": slug,
        "wager": wager,
        "payout": game_round.payout,
        "net": game_round.payout - wager,
    }
    assert_ledger_reconciles()


@pytest.mark.django_db
def test_rounds_advance_the_nonce_and_replay_from_the_seeds(funded):
    rounds = [
        round_play(player=funded, slug="slots", params=VALID["slots"]).round for _ in range(5)
    ]

    assert [r.nonce for r in rounds] == [0, 1, 2, 3, 4]
    assert seed_pair_active(player=funded).nonce == 5
    pair = rounds[0].seed_pair
    spec = get("slots")
    for game_round in rounds:
        stream = DrawStream(pair.server_seed, pair.client_seed, game_round.nonce)
        assert spec.resolve(stream, game_round.params, game_round.config.data) == game_round.outcome
        assert stream.draws == game_round.draws
    assert player_balance(player=funded) == START - sum(r.wager for r in rounds) + sum(
        r.payout for r in rounds
    )
    assert_ledger_reconciles()


@pytest.mark.django_db
def test_idempotent_retry_returns_the_first_round_and_changes_nothing(funded):
    first = round_play(player=funded, slug="rps", params=VALID["rps"], idempotency_key="spin-1")
    before = snapshot(funded)

    again = round_play(player=funded, slug="rps", params=VALID["rps"], idempotency_key="spin-1")

    assert again.replayed
    assert again.round.pk == first.round.pk
    assert again.balance == first.balance
    assert snapshot(funded) == before


@pytest.mark.django_db
def test_a_reused_key_for_another_bet_is_refused(funded):
    round_play(player=funded, slug="rps", params=VALID["rps"], idempotency_key="k")
    before = snapshot(funded)

    with pytest.raises(IdempotencyConflict):
        round_play(
            player=funded, slug="rps", params={"bet": 60, "move": "rock"}, idempotency_key="k"
        )
    with pytest.raises(IdempotencyConflict):
        round_play(player=funded, slug="slots", params=VALID["slots"], idempotency_key="k")

    assert snapshot(funded) == before


@pytest.mark.django_db
def test_the_same_key_is_independent_between_players(funded, other_player):
    give_coins(other_player, START)

    mine = round_play(player=funded, slug="rps", params=VALID["rps"], idempotency_key="k")
    theirs = round_play(player=other_player, slug="rps", params=VALID["rps"], idempotency_key="k")

    assert mine.round.pk != theirs.round.pk
    assert not theirs.replayed


@pytest.mark.django_db
def test_a_wager_above_the_balance_is_refused_and_nothing_changes(player):
    give_coins(player, 30)
    round_play(player=player, slug="rps", params={"bet": 10, "move": "rock"})
    before = snapshot(player)

    with pytest.raises(InsufficientCoins):
        round_play(player=player, slug="slots", params={"bet_per_line": 5, "lines": 20})

    assert snapshot(player) == before


@pytest.mark.django_db
def test_a_player_without_a_wallet_cannot_play(player):
    before = snapshot(player)

    with pytest.raises(InsufficientCoins):
        round_play(player=player, slug="rps", params=VALID["rps"])

    assert snapshot(player) == before
    assert GameConfig.objects.count() == 0  # even the lazy version 1 rolled back


BAD = [
    ("slots", {}),
    ("slots", {"bet_per_line": 0, "lines": 20}),
    ("slots", {"bet_per_line": -1, "lines": 20}),
    ("slots", {"bet_per_line": 1.5, "lines": 20}),
    ("slots", {"bet_per_line": True, "lines": 20}),
    ("slots", {"bet_per_line": "5", "lines": 20}),
    ("slots", {"bet_per_line": 1, "lines": 21}),
    ("slots", {"bet_per_line": 101, "lines": 1}),
    ("slots", {"bet_per_line": 1, "lines": 1, "extra": 1}),
    ("roulette", {"bets": []}),
    ("roulette", {"bets": [{"type": "straight", "value": 37, "amount": 1}]}),
    ("roulette", {"bets": [{"type": "straight", "value": -1, "amount": 1}]}),
    ("roulette", {"bets": [{"type": "split", "value": [1, 5], "amount": 1}]}),
    ("roulette", {"bets": [{"type": "red", "value": None, "amount": 0}]}),
    ("roulette", {"bets": [{"type": "red", "value": None, "amount": 2.5}]}),
    ("roulette", {"bets": [{"type": "red", "value": None, "amount": False}]}),
    ("roulette", {"bets": [{"type": "purple", "value": None, "amount": 1}]}),
    ("roulette", {"bets": [{"type": "red", "value": None, "amount": 1000}] * 6}),
    ("roulette", {"bets": "red"}),
    ("rps", {"bet": 50, "move": "lizard"}),
    ("rps", {"bet": 50}),
    ("rps", {"bet": 5, "move": "rock"}),
    ("rps", {"bet": -50, "move": "rock"}),
    ("rps", {"bet": 50.0, "move": "rock"}),
    ("rps", [50, "rock"]),
    ("rps", None),
]


@pytest.mark.parametrize(("slug", "params"), BAD)
@pytest.mark.django_db
def test_a_bad_bet_is_refused_and_nothing_changes(funded, slug, params):
    round_play(player=funded, slug="rps", params=VALID["rps"])  # the pair exists, nonce 1
    before = snapshot(funded)

    with pytest.raises(BetRejected) as refused:
        round_play(player=funded, slug=slug, params=params)

    assert refused.value.status == 400
    assert snapshot(funded) == before


@pytest.mark.django_db
def test_an_unknown_game_is_not_found_and_nothing_changes(funded):
    before = snapshot(funded)

    with pytest.raises(GameNotFound) as missing:
        round_play(player=funded, slug="poker", params={})

    assert missing.value.status == 404
    assert snapshot(funded) == before


@pytest.mark.parametrize("key", ["", "x" * 65, "naïve", "tab\there"])
@pytest.mark.django_db
def test_a_malformed_idempotency_key_is_refused(funded, key):
    before = snapshot(funded)

    with pytest.raises(InvalidIdempotencyKey):
        round_play(player=funded, slug="rps", params=VALID["rps"], idempotency_key=key)

    assert snapshot(funded) == before


@pytest.mark.django_db
def test_errors_are_domain_errors_the_api_can_answer():
    assert issubclass(BetRejected, DomainError)
    assert issubclass(GameNotFound, DomainError)


@pytest.mark.django_db
def test_a_spin_takes_few_queries(funded, django_capture_on_commit_callbacks):
    # The first round creates the seed pair and version 1; caches fill on commit.
    with django_capture_on_commit_callbacks(execute=True):
        round_play(player=funded, slug="slots", params=VALID["slots"])

    with CaptureQueriesContext(connection) as captured:
        round_play(player=funded, slug="slots", params=VALID["slots"])

    # The test's own transaction turns BEGIN/COMMIT into savepoints; the rest
    # is the round: nonce UPDATE, three ledger statements, round and action INSERTs,
    # and the responsible-play gate (lock the player's settings, count the day, the session).
    statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 9, statements
    # The round's own transaction (a savepoint here) and no second one for the gate.
    savepoints = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" in q["sql"]]
    assert len(savepoints) == 2, savepoints
