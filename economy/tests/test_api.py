"""The wallet API: each endpoint, its errors in the one JSON shape, and replays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from economy.models import REWARD_KINDS, Entry, LedgerKind
from economy.selectors import player_balance
from economy.services import MINT, ledger_transfer, player_account, system_account
from tests.support.ledger import ledger_snapshot

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/wallet"),
        ("get", "/api/wallet/ledger"),
        ("get", "/api/rewards"),
        ("post", "/api/bonus/daily/claim"),
        ("post", "/api/bonus/refill/claim"),
    ],
)
def test_every_wallet_endpoint_needs_a_signed_in_player(api_client, method, path):
    response = getattr(api_client, method)(path)

    assert_error(response, 401, "not_authenticated")


def test_wallet_shows_balance_bonus_and_refill(player_client, player, fund):
    fund(player, 1234)

    response = player_client.get("/api/wallet")

    assert response.status_code == 200
    body = response.json()
    assert body["balance"] == 1234
    assert body["daily_bonus"]["claimed_today"] is False
    assert body["daily_bonus"]["next_amount"] == 100
    assert [step["day"] for step in body["daily_bonus"]["ladder"]] == [1, 2, 3, 4, 5, 6, 7]
    assert body["refill"] == {
        "available": False,
        "threshold": 100,
        "amount": 500,
        "cooldown_hours": 4,
        "next_available_at": None,
    }


def test_profile_shows_coins(player_client, player, fund):
    fund(player, 77)

    assert player_client.get("/api/users/me").json()["coins"] == 77


def test_claiming_the_daily_bonus(player_client, player):
    response = player_client.post("/api/bonus/daily/claim")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["amount"], body["balance"], body["streak"]) == (100, 100, 1)
    assert "Idempotent-Replayed" not in response
    assert player_client.get("/api/wallet").json()["daily_bonus"]["claimed_today"] is True


def test_claiming_the_daily_bonus_twice_is_a_conflict_that_changes_nothing(player_client):
    player_client.post("/api/bonus/daily/claim")
    before = ledger_snapshot()

    response = player_client.post("/api/bonus/daily/claim")

    assert_error(response, 409, "bonus_already_claimed")
    assert ledger_snapshot() == before


def test_an_idempotency_key_replay_returns_the_same_transaction(player_client, player):
    first = player_client.post("/api/bonus/daily/claim", HTTP_IDEMPOTENCY_KEY="tap-1")
    before = ledger_snapshot()

    again = player_client.post("/api/bonus/daily/claim", HTTP_IDEMPOTENCY_KEY="tap-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ledger_snapshot() == before
    assert player_balance(player=player) == 100


@pytest.mark.parametrize("key", ["x" * 65, "ключ"])
def test_a_malformed_idempotency_key_is_a_400(player_client, key):
    before = ledger_snapshot()

    response = player_client.post(
        "/api/bonus/daily/claim", headers={"Idempotency-Key": key.encode().decode("latin-1")}
    )

    assert_error(response, 400, "invalid_idempotency_key")
    assert ledger_snapshot() == before


def test_claiming_the_refill_when_broke(player_client):
    response = player_client.post("/api/bonus/refill/claim", HTTP_IDEMPOTENCY_KEY="r1")

    assert response.status_code == 201
    assert response.json()["balance"] == 500
    replay = player_client.post("/api/bonus/refill/claim", HTTP_IDEMPOTENCY_KEY="r1")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json() == response.json()


def test_claiming_the_refill_above_the_threshold_is_refused(player_client, player, fund):
    fund(player, 100)
    before = ledger_snapshot()

    response = player_client.post("/api/bonus/refill/claim")

    assert_error(response, 409, "refill_not_available")
    assert ledger_snapshot() == before


def test_ledger_lists_the_callers_entries_newest_first(player_client, player, other_player, fund):
    fund(player, 10)
    fund(other_player, 99)
    player_client.post("/api/bonus/daily/claim")

    response = player_client.get("/api/wallet/ledger")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["kind"], r["amount"], r["balance_after"]) for r in results] == [
        ("DAILY_BONUS", 100, 110),
        ("MISSION_REWARD", 10, 10),
    ]


def test_ledger_filters_by_kind_and_dates(player_client, player, fund):
    fund(player, 10)
    player_client.post("/api/bonus/daily/claim")
    today = timezone.localdate()

    by_kind = player_client.get("/api/wallet/ledger", {"kind": "DAILY_BONUS"}).json()
    future = player_client.get(
        "/api/wallet/ledger", {"since": str(today + timedelta(days=1))}
    ).json()
    window = player_client.get(
        "/api/wallet/ledger",
        {"since": str(today - timedelta(days=1)), "until": str(today + timedelta(days=1))},
    ).json()

    assert [r["kind"] for r in by_kind["results"]] == ["DAILY_BONUS"]
    assert future["results"] == []
    assert len(window["results"]) == 2


def test_ledger_paginates_with_a_cursor(player_client, player):
    mint, wallet = system_account(code=MINT), player_account(player=player)
    for number in range(5):
        ledger_transfer(
            source=mint, destination=wallet, amount=number + 1, kind=LedgerKind.MISSION_REWARD
        )

    first = player_client.get("/api/wallet/ledger", {"page_size": 2}).json()
    second = player_client.get(first["next"]).json()
    third = player_client.get(second["next"]).json()

    amounts = [r["amount"] for page in (first, second, third) for r in page["results"]]
    assert amounts == [5, 4, 3, 2, 1]
    assert third["next"] is None


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"kind": "BUY_COINS"}, "unknown_kind", "kind"),
        ({"since": "yesterday"}, "invalid", "since"),
        ({"until": "2030-02-30"}, "invalid", "until"),
        ({"page_size": "0"}, "invalid", "page_size"),
        ({"page_size": "many"}, "invalid", "page_size"),
        ({"until": ""}, "invalid", "until"),
    ],
)
def test_ledger_refuses_bad_filters(player_client, params, code, field):
    response = player_client.get("/api/wallet/ledger", params)

    error = assert_error(response, 400, code)
    assert field in error["fields"]


@pytest.mark.parametrize(
    "params",
    [
        {"since": "2030-03-02", "until": "2030-03-01"},
        {"since": "0001-01-01", "until": "9999-12-31"},
    ],
)
def test_ledger_accepts_odd_but_valid_date_ranges(player_client, player, fund, params):
    fund(player, 5)

    response = player_client.get("/api/wallet/ledger", params)

    assert response.status_code == 200
    expected = 0 if params["since"] > params["until"] else 1
    assert len(response.json()["results"]) == expected


def test_rewards_lists_bonuses_but_not_wagers(player_client, player, fund):
    player_client.post("/api/bonus/daily/claim")
    from economy.services import round_settle

    round_settle(player=player, game_slug="slots", wager=5, payout=20, reference="r1")

    results = player_client.get("/api/rewards").json()["results"]

    assert [r["kind"] for r in results] == ["DAILY_BONUS"]


def reward(player, kind: str, amount: int, *, days_ago: int = 0) -> None:
    ledger_transfer(
        source=system_account(code=MINT),
        destination=player_account(player=player),
        amount=amount,
        kind=kind,
    )
    if days_ago:
        latest = Entry.objects.filter(account__player=player).latest("id")
        Entry.objects.filter(pk=latest.pk).update(
            created_at=latest.created_at - timedelta(days=days_ago)
        )


def test_rewards_filter_by_type(player_client, player):
    reward(player, LedgerKind.MISSION_REWARD, 10)
    reward(player, LedgerKind.LEVEL_REWARD, 20)
    reward(player, LedgerKind.MISSION_REWARD, 30)

    response = player_client.get("/api/rewards", {"type": "MISSION_REWARD"})

    assert response.status_code == 200
    assert [(r["kind"], r["amount"]) for r in response.json()["results"]] == [
        ("MISSION_REWARD", 30),
        ("MISSION_REWARD", 10),
    ]


def test_rewards_filter_by_period_in_the_players_days(player_client, player):
    reward(player, LedgerKind.MISSION_REWARD, 1, days_ago=10)
    reward(player, LedgerKind.LEVEL_REWARD, 2, days_ago=3)
    reward(player, LedgerKind.MISSION_REWARD, 3)
    today = player.local_date(timezone.now())

    def amounts(**params) -> list[int]:
        response = player_client.get("/api/rewards", {k: str(v) for k, v in params.items()})
        assert response.status_code == 200, response.content
        return [r["amount"] for r in response.json()["results"]]

    assert amounts(since=today - timedelta(days=5)) == [3, 2]
    assert amounts(until=today - timedelta(days=1)) == [2, 1]
    assert amounts(since=today - timedelta(days=3), until=today - timedelta(days=3)) == [2]
    assert amounts(type="MISSION_REWARD", since=today - timedelta(days=30)) == [3, 1]
    assert amounts(since=today, until=today - timedelta(days=1)) == []
    assert amounts(since="0001-01-01", until="9999-12-31") == [3, 2, 1]


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"type": "BUY_COINS"}, "unknown_kind", "type"),
        # A real ledger kind that is not a reward is unknown here too.
        ({"type": "WAGER"}, "unknown_kind", "type"),
        ({"type": "mission_reward"}, "unknown_kind", "type"),
        ({"type": ""}, "invalid", "type"),
        ({"since": "last week"}, "invalid", "since"),
        ({"until": "2030-02-30"}, "invalid", "until"),
        ({"since": ""}, "invalid", "since"),
        ({"page_size": "0"}, "invalid", "page_size"),
    ],
)
def test_rewards_refuse_bad_filters(player_client, player, params, code, field):
    reward(player, LedgerKind.MISSION_REWARD, 5)
    before = ledger_snapshot()

    response = player_client.get("/api/rewards", params)

    error = assert_error(response, 400, code)
    assert field in error["fields"]
    assert ledger_snapshot() == before


def test_rewards_only_show_the_callers_own(player_client, player, other_player):
    reward(other_player, LedgerKind.MISSION_REWARD, 7)

    response = player_client.get("/api/rewards", {"type": "MISSION_REWARD"})

    assert response.json()["results"] == []


def test_the_schema_declares_the_reward_filters(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    declared = schema["paths"]["/api/rewards"]["get"]["parameters"]
    parameters = {parameter["name"]: parameter["schema"] for parameter in declared}

    assert set(parameters["type"]["enum"]) == {str(kind) for kind in REWARD_KINDS}
    assert parameters["since"] == {"type": "string", "format": "date"}
    assert parameters["until"] == {"type": "string", "format": "date"}


def test_no_wallet_endpoint_takes_a_write_method_it_does_not_declare(player_client):
    before = ledger_snapshot()

    assert_error(player_client.post("/api/wallet", {"balance": 10**9}), 405, "method_not_allowed")
    assert_error(player_client.delete("/api/wallet/ledger"), 405, "method_not_allowed")
    assert_error(player_client.get("/api/bonus/daily/claim"), 405, "method_not_allowed")

    assert ledger_snapshot() == before
    assert Entry.objects.count() == 0


def test_the_schema_documents_the_wallet_endpoints(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()

    for path in (
        "/api/wallet",
        "/api/wallet/ledger",
        "/api/rewards",
        "/api/bonus/daily/claim",
        "/api/bonus/refill/claim",
    ):
        assert path in schema["paths"], path
