"""Every endpoint that takes an Idempotency-Key: a retry answers exactly the
first answer (status, body, plus ``Idempotent-Replayed: true``); the same key
with another request is a 422 that changes nothing (economy/idempotency.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from rest_framework.test import APIClient

from economy.models import (
    BonusClaim,
    GalleryUnlock,
    IdempotentResponse,
    PassClaim,
    PlayerMission,
    ShopItem,
    ShopPurchase,
)
from economy.progression.services.xp import xp_grant
from economy.selectors import player_balance
from games.models import GameRound
from tests.support.factories import MissionFactory
from tests.support.gallery import give_key, make_collection, make_item
from tests.support.ledger import give_coins, ledger_snapshot
from tests.support.races import Competitor, run_after, run_threads
from tests.support.rounds import assert_ledger_reconciles


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    body: dict = field(default_factory=dict)
    # The same endpoint with another body: a different request.
    other_body: dict = field(default_factory=lambda: {"note": "another request"})
    coins: int = 0


ENDPOINTS = [
    Endpoint("daily bonus", "/api/bonus/daily/claim"),
    Endpoint("refill", "/api/bonus/refill/claim"),
    Endpoint(
        "shop buy",
        "/api/shop/buy",
        body={"item": "replay-frame"},
        other_body={"item": "replay-frame", "quantity": 2},
        coins=2000,
    ),
    Endpoint("gallery unlock", "/api/unlock", body={"item_id": 0}, coins=500),
    Endpoint("pass claim", "/api/battlepass/claim", body={"tier": 1}, other_body={"tier": 2}),
    Endpoint("mission claim", "/api/missions/{mission}/claim"),
    Endpoint(
        "slots",
        "/api/games/slots/play",
        body={"bet_per_line": 1, "lines": 20},
        other_body={"lines": 10, "bet_per_line": 1},
        coins=1000,
    ),
    Endpoint(
        "roulette",
        "/api/games/roulette/play",
        body={"bets": [{"type": "red", "value": None, "amount": 10}]},
        other_body={"bets": [{"type": "black", "value": None, "amount": 10}]},
        coins=1000,
    ),
    Endpoint(
        "rps",
        "/api/games/rps/play",
        body={"bet": 50, "move": "rock"},
        other_body={"bet": 50, "move": "paper"},
        coins=1000,
    ),
]
EFFECTS = (
    BonusClaim,
    ShopPurchase,
    GalleryUnlock,
    PassClaim,
    GameRound,
    IdempotentResponse,
)


def state() -> dict:
    return {
        **ledger_snapshot(),
        **{model.__name__: model.objects.count() for model in EFFECTS},
        "claimed missions": PlayerMission.objects.exclude(claimed_at=None).count(),
    }


@pytest.fixture(autouse=True)
def _private_gallery_root(settings, tmp_path):
    settings.GALLERY_MEDIA_ROOT = tmp_path / "gallery"


def shop_item() -> ShopItem:
    # Its own item: transactional tests flush the shop that migrations stock.
    item, _created = ShopItem.objects.get_or_create(
        slug="replay-frame",
        defaults={"name": "Replay frame", "category": "AVATAR_FRAME", "price": 500},
    )
    return item


def prepared(endpoint: Endpoint, player) -> Endpoint:
    """Fund the player; the shop gets an item, the gallery one whose next stage costs coins."""
    if endpoint.coins:
        give_coins(player, endpoint.coins)
    shop_item()
    if endpoint.path == "/api/battlepass/claim":
        xp_grant(player=player, amount=60, source="ADJUSTMENT", reference="replay test")
    if "{mission}" in endpoint.path:
        mission = MissionFactory(player=player, completed=True)
        return Endpoint(endpoint.name, endpoint.path.format(mission=mission.pk))
    if endpoint.path != "/api/unlock":
        return endpoint
    item = make_item(make_collection())
    other = make_item(item.collection, title="Fans", seed=3)
    give_key(player)
    return Endpoint(
        endpoint.name, endpoint.path, body={"item_id": item.pk}, other_body={"item_id": other.pk}
    )


def post(client, path: str, body: dict, key: str):
    return client.post(path, body, format="json", headers={"Idempotency-Key": key})


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_a_replay_answers_exactly_the_first_answer(player_client, player, endpoint):
    endpoint = prepared(endpoint, player)
    first = post(player_client, endpoint.path, endpoint.body, "retry-1")
    assert first.status_code in (200, 201), first.json()
    assert "Idempotent-Replayed" not in first
    before = state()

    # The same request, keys in another order: the same request.
    replay = post(player_client, endpoint.path, dict(reversed(endpoint.body.items())), "retry-1")

    assert (replay.status_code, replay.json()) == (first.status_code, first.json())
    assert replay.content == first.content
    assert replay["Idempotent-Replayed"] == "true"
    assert state() == before
    assert_ledger_reconciles()


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_the_key_with_another_body_is_refused_and_changes_nothing(player_client, player, endpoint):
    endpoint = prepared(endpoint, player)
    first = post(player_client, endpoint.path, endpoint.body, "reused")
    assert first.status_code in (200, 201), first.json()
    before = state()

    response = post(player_client, endpoint.path, endpoint.other_body, "reused")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert "Idempotent-Replayed" not in response
    assert state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_the_key_on_another_endpoint_is_refused_and_changes_nothing(
    player_client, player, endpoint
):
    endpoint = prepared(endpoint, player)
    first = post(player_client, endpoint.path, endpoint.body, "elsewhere")
    assert first.status_code in (200, 201), first.json()
    before = state()
    other = "/api/games/rps/play" if "/games/" not in endpoint.path else "/api/bonus/daily/claim"

    response = post(player_client, other, {"bet": 10, "move": "rock"}, "elsewhere")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert state() == before


@pytest.mark.django_db
def test_keys_are_per_player(player_client, player, other_player):
    give_coins(player, 1000)
    give_coins(other_player, 1000)
    bob = api_client_for(other_player)

    alice_first = post(player_client, "/api/games/rps/play", {"bet": 50, "move": "rock"}, "k")
    bob_first = post(bob, "/api/bonus/daily/claim", {}, "k")

    assert (alice_first.status_code, bob_first.status_code) == (200, 201)
    assert "Idempotent-Replayed" not in bob_first


@pytest.mark.django_db
def test_a_refused_request_keeps_its_key_free(player_client, player):
    refused = post(player_client, "/api/games/rps/play", {"bet": 50, "move": "rock"}, "later")
    assert refused.status_code == 409  # no coins yet
    give_coins(player, 100)

    played = post(player_client, "/api/games/rps/play", {"bet": 50, "move": "rock"}, "later")
    again = post(player_client, "/api/games/rps/play", {"bet": 50, "move": "rock"}, "later")

    assert played.status_code == 200 and "Idempotent-Replayed" not in played
    assert again.json() == played.json() and again["Idempotent-Replayed"] == "true"
    assert GameRound.objects.filter(player=player).count() == 1


@pytest.mark.django_db
def test_a_malformed_key_is_a_400_that_stores_nothing(player_client):
    before = state()

    response = post(player_client, "/api/bonus/daily/claim", {}, "has space")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_idempotency_key"
    assert state() == before


def api_client_for(player) -> APIClient:
    client = APIClient()
    client.force_authenticate(player)
    return client


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_retry_racing_the_first_attempt_gets_the_first_answer(no_signup_grant, player):
    """The retry looks for a stored answer before the first attempt has stored
    one, then waits on the wallet the first attempt holds; when the first
    commits, the retry's own work is undone and it answers the first's answer."""
    retry: dict = {}

    def start_retry():
        retry["competitor"] = Competitor(
            lambda: post(api_client_for(player), "/api/bonus/daily/claim", {}, "racing")
        ).start()

    with run_after("economy.faucets.ledger_transfer", start_retry):
        first = post(api_client_for(player), "/api/bonus/daily/claim", {}, "racing")
    second = retry["competitor"].result()

    assert retry["competitor"].waited, "the retry did not wait for the first attempt"
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    assert (second.status_code, second.content) == (first.status_code, first.content)
    assert second["Idempotent-Replayed"] == "true"
    assert BonusClaim.objects.filter(player=player).count() == 1
    assert player_balance(player=player) == first.json()["balance"]
    assert_ledger_reconciles()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_another_request_racing_with_the_key_is_refused_and_undone(no_signup_grant, player):
    give_coins(player, 1000)
    racer: dict = {}

    def start_other_request():
        racer["competitor"] = Competitor(
            lambda: post(
                api_client_for(player), "/api/games/rps/play", {"bet": 50, "move": "rock"}, "race"
            )
        ).start()

    with run_after("economy.faucets.ledger_transfer", start_other_request):
        first = post(api_client_for(player), "/api/bonus/daily/claim", {}, "race")
    other = racer["competitor"].result()

    assert racer["competitor"].waited, "the other request did not wait for the first"
    assert first.status_code == 201
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert not GameRound.objects.filter(player=player).exists()
    assert player_balance(player=player) == first.json()["balance"]
    assert_ledger_reconciles()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("path", "body", "coins"),
    [
        ("/api/bonus/daily/claim", {}, 0),
        ("/api/games/slots/play", {"bet_per_line": 1, "lines": 20}, 1000),
        ("/api/shop/buy", {"item": "replay-frame"}, 2000),
    ],
    ids=["daily bonus", "slots", "shop buy"],
)
def test_8_threads_sending_one_key_get_one_answer_and_one_effect(
    no_signup_grant, player, path, body, coins
):
    if coins:
        give_coins(player, coins)
    shop_item()

    def attempt(index: int):
        response = post(api_client_for(player), path, body, "racing")
        return response.status_code, response.content, response.has_header("Idempotent-Replayed")

    results = run_threads(8, attempt)

    assert not [result for result in results if isinstance(result, BaseException)], results
    answers = {(status, content) for status, content, _replayed in results}
    assert len(answers) == 1, answers
    assert next(iter(answers))[0] in (200, 201), answers
    assert sum(not replayed for _status, _content, replayed in results) == 1
    effects = [
        model.objects.filter(player=player).count()
        for model in (BonusClaim, ShopPurchase, GameRound)
    ]
    assert sorted(effects) == [0, 0, 1]
    ((_status, content),) = answers
    assert player_balance(player=player) == json.loads(content)["balance"]
    assert IdempotentResponse.objects.filter(player=player).count() == 1
    assert_ledger_reconciles()


@pytest.mark.django_db
def test_the_refusal_is_in_the_requests_language(player_client):
    assert post(player_client, "/api/bonus/daily/claim", {}, "ko-1").status_code == 201

    response = player_client.post(
        "/api/bonus/refill/claim",
        {},
        format="json",
        headers={"Idempotency-Key": "ko-1", "Accept-Language": "ko"},
    )

    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith("이 Idempotency-Key는 이미")


@pytest.mark.django_db
def test_closing_the_account_erases_the_stored_answers(player_client, player, other_player):
    post(player_client, "/api/bonus/daily/claim", {}, "mine")
    post(api_client_for(other_player), "/api/bonus/daily/claim", {}, "theirs")

    closed = player_client.post(
        "/api/users/me/delete", {"password": "correct horse battery staple"}, format="json"
    )

    assert closed.status_code == 204
    assert not IdempotentResponse.objects.filter(player=player).exists()
    assert IdempotentResponse.objects.filter(player=other_player).count() == 1


def test_the_schema_documents_every_idempotent_endpoint(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    keyed = {
        (method.upper(), path): operation
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))
    }
    documented = {path for _method, path in keyed}
    for endpoint in ENDPOINTS:
        path = endpoint.path.replace("{mission}", "{mission_id}")
        path = path.replace("/games/slots/", "/games/{slug}/")
        path = path.replace("/games/roulette/", "/games/{slug}/").replace("/rps/", "/{slug}/")
        assert path in documented, path
    for operation in keyed.values():
        responses = operation["responses"]
        assert "422" in responses
        success = [code for code in responses if code.startswith("2")]
        assert len(success) == 1
        assert "Idempotent-Replayed" in responses[success[0]]["headers"]
        assert not any("headers" in responses[code] for code in responses if code != success[0])
