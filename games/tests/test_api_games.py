"""The games API: catalogue, play, history, fairness seeds (Alice plays, Bob is another player)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from games.fairness import DrawStream, hash_server_seed
from games.models import GameRound
from games.registry import get
from tests.support.ledger import give_coins
from tests.support.rounds import START, snapshot

SLOTS = {"bet_per_line": 1, "lines": 20}
RPS = {"bet": 50, "move": "rock"}


def play(client, slug, body, **headers):
    return client.post(f"/api/games/{slug}/play", body, format="json", headers=headers)


@pytest.mark.django_db
def test_catalogue_lists_every_game_with_published_math_and_limits(player_client):
    response = player_client.get("/api/games/")

    assert response.status_code == 200
    games = {game["slug"]: game for game in response.json()}
    assert set(games) == {"roulette", "rps", "slots"}
    slots = games["slots"]
    assert slots["name"] == "Slots"
    assert slots["version"] == 1
    assert slots["math"]["rtp"] == pytest.approx(
        get("slots").math(get("slots").default_config)["rtp"]
    )
    assert slots["limits"] == {"min_bet_per_line": 1, "max_bet_per_line": 100, "max_lines": 20}
    assert games["roulette"]["limits"]["table_max"] == 5000


def test_playing_needs_a_signed_in_player(api_client, db):
    response = play(api_client, "slots", SLOTS)

    assert response.status_code in (401, 403)
    assert "error" in response.json()


@pytest.mark.django_db
def test_a_spin_answers_with_round_balance_and_feedback(player_client, funded):
    response = play(player_client, "slots", SLOTS)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"round", "balance", "feedback"}
    game_round = body["round"]
    assert set(game_round) == {
        "id",
        "game",
        "wager",
        "payout",
        "nonce",
        "server_seed_hash",
        "client_seed",
        "outcome",
    }
    assert game_round["game"] == "slots" and game_round["wager"] == 20 and game_round["nonce"] == 0
    assert {"stops", "window", "payout"} <= set(game_round["outcome"])
    assert body["balance"] == START - 20 + game_round["payout"]
    feedback = body["feedback"]
    assert feedback["net"] == game_round["payout"] - 20
    assert feedback["celebrate"] == (game_round["payout"] > 20)
    assert "due" not in feedback["message"].lower()


@pytest.mark.django_db
def test_roulette_and_rps_outcomes_carry_their_result(player_client, funded):
    roulette = play(
        player_client, "roulette", {"bets": [{"type": "red", "value": None, "amount": 10}]}
    )
    rps = play(player_client, "rps", RPS)

    assert roulette.status_code == 200 and rps.status_code == 200
    assert 0 <= roulette.json()["round"]["outcome"]["pocket"] <= 36
    assert rps.json()["round"]["outcome"]["house_move"] in ("rock", "paper", "scissors")
    assert rps.json()["round"]["nonce"] == 1


@pytest.mark.django_db
def test_a_retry_with_the_same_idempotency_key_returns_the_first_round(player_client, funded):
    first = play(player_client, "slots", SLOTS, **{"Idempotency-Key": "abc-1"})
    before = snapshot(funded)

    retry = play(player_client, "slots", SLOTS, **{"Idempotency-Key": "abc-1"})

    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert snapshot(funded) == before


BAD_BODIES = [
    ("slots", {"bet_per_line": -1, "lines": 20}, 400),
    ("slots", {"bet_per_line": 0.5, "lines": 20}, 400),
    ("slots", {"bet_per_line": True, "lines": 20}, 400),
    ("slots", {"bet_per_line": 1, "lines": 20, "turbo": True}, 400),
    ("slots", [1, 20], 400),
    ("slots", "spin", 400),
    ("slots", {"bet_per_line": 100, "lines": 20}, 409),  # 2,000 coins more than Alice has
    ("roulette", {"bets": [{"type": "straight", "value": 37, "amount": 1}]}, 400),
    ("roulette", {"bets": [{"type": "corner", "value": [1, 2, 3, 4], "amount": 1}]}, 400),
    ("roulette", {"bets": [{"type": "red", "amount": -5}]}, 400),
    ("rps", {"bet": 50, "move": "spock"}, 400),
    ("rps", {"bet": "50", "move": "rock"}, 400),
    ("poker", {"bet": 50}, 404),
]


@pytest.mark.parametrize(("slug", "body", "status"), BAD_BODIES)
@pytest.mark.django_db
def test_bad_input_is_refused_as_json_and_nothing_changes(
    player_client, player, slug, body, status
):
    give_coins(player, 1000)
    assert play(player_client, "rps", RPS).status_code == 200
    before = snapshot(player)

    response = play(player_client, slug, body)

    assert response.status_code == status
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert snapshot(player) == before


@pytest.mark.django_db
def test_a_malformed_json_body_is_a_400(player_client, funded):
    before = snapshot(funded)

    response = player_client.post(
        "/api/games/slots/play", data="{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert snapshot(funded) == before


@pytest.mark.django_db
def test_history_lists_only_my_rounds_newest_first_with_filters(
    player_client, funded, other_player
):
    give_coins(other_player, START)
    for _ in range(3):
        play(player_client, "slots", SLOTS)
    play(player_client, "rps", RPS)
    from games.services import round_play

    round_play(player=other_player, slug="rps", params=RPS)

    everything = player_client.get("/api/games/rounds/").json()
    only_rps = player_client.get("/api/games/rounds/?game=rps").json()

    assert [r["nonce"] for r in everything["results"]] == [3, 2, 1, 0]
    assert [r["game"] for r in only_rps["results"]] == ["rps"]
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    assert player_client.get("/api/games/rounds/", {"since": future}).json()["results"] == []
    assert len(player_client.get("/api/games/rounds/", {"until": future}).json()["results"]) == 4
    assert player_client.get("/api/games/rounds/?since=yesterday").status_code == 400


@pytest.mark.django_db
def test_history_pages_with_a_cursor(player_client, funded):
    for _ in range(5):
        play(player_client, "rps", RPS)

    first = player_client.get("/api/games/rounds/?page_size=2").json()
    second = player_client.get(first["next"]).json()

    assert [r["nonce"] for r in first["results"]] == [4, 3]
    assert [r["nonce"] for r in second["results"]] == [2, 1]


@pytest.mark.django_db
def test_a_round_is_visible_to_its_player_only(player_client, funded, other_player, api_client):
    round_id = play(player_client, "slots", SLOTS).json()["round"]["id"]

    mine = player_client.get(f"/api/games/rounds/{round_id}")
    api_client.force_login(other_player)
    theirs = api_client.get(f"/api/games/rounds/{round_id}")

    assert mine.status_code == 200
    assert mine.json()["server_seed"] is None  # not revealed before rotation
    assert mine.json()["config_version"] == 1
    assert theirs.status_code == 404
    assert theirs.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_seeds_show_the_commitment_and_the_next_nonce(player_client, funded):
    seeds = player_client.get("/api/fairness/seeds").json()
    assert set(seeds) == {"server_seed_hash", "client_seed", "nonce"}
    assert seeds["nonce"] == 0

    play(player_client, "rps", RPS)

    assert player_client.get("/api/fairness/seeds").json()["nonce"] == 1


@pytest.mark.django_db
def test_rotation_reveals_a_seed_that_recomputes_the_round(player_client, funded):
    spun = play(player_client, "slots", SLOTS).json()["round"]
    committed = player_client.get("/api/fairness/seeds").json()

    rotated = player_client.post(
        "/api/fairness/rotate", {"client_seed": "my lucky seed"}, format="json"
    )

    assert rotated.status_code == 200
    body = rotated.json()
    assert set(body) == {
        "revealed_server_seed",
        "previous_server_seed_hash",
        "server_seed_hash",
        "client_seed",
        "nonce",
    }
    revealed = body["revealed_server_seed"]
    assert hash_server_seed(revealed) == committed["server_seed_hash"] == spun["server_seed_hash"]
    assert body["previous_server_seed_hash"] == committed["server_seed_hash"]
    assert body["server_seed_hash"] != committed["server_seed_hash"]
    assert body["client_seed"] == "my lucky seed" and body["nonce"] == 0

    # Recompute the round by hand from the revealed seed, as a player would.
    stored = GameRound.objects.get(pk=spun["id"])
    stream = DrawStream(revealed, spun["client_seed"], spun["nonce"])
    assert get("slots").resolve(stream, stored.params, stored.config.data) == spun["outcome"]
    assert stream.draws == stored.draws
    detail = player_client.get(f"/api/games/rounds/{spun['id']}").json()
    assert detail["server_seed"] == revealed

    after = play(player_client, "slots", SLOTS).json()["round"]
    assert after["nonce"] == 0 and after["client_seed"] == "my lucky seed"
    assert after["server_seed_hash"] == body["server_seed_hash"]


@pytest.mark.django_db
def test_rotation_keeps_the_client_seed_unless_given_and_lists_past_pairs(player_client, funded):
    before = player_client.get("/api/fairness/seeds").json()

    rotated = player_client.post("/api/fairness/rotate", {}, format="json").json()
    pairs = player_client.get("/api/fairness/seed-pairs/").json()["results"]

    assert rotated["client_seed"] == before["client_seed"]
    assert [p["is_active"] for p in pairs] == [True, False]
    assert pairs[0]["server_seed"] is None
    assert pairs[1]["server_seed"] == rotated["revealed_server_seed"]


@pytest.mark.parametrize("client_seed", ["", "x" * 65, "émoji", 12])
@pytest.mark.django_db
def test_rotation_refuses_a_bad_client_seed(player_client, funded, client_seed):
    before = player_client.get("/api/fairness/seeds").json()

    response = player_client.post(
        "/api/fairness/rotate", {"client_seed": client_seed}, format="json"
    )

    assert response.status_code == 400
    assert player_client.get("/api/fairness/seeds").json() == before
