"""The shop, season pass and invite APIs: shapes, one error format, nothing changed on errors."""

from __future__ import annotations

import pytest

from economy.invites.services import invite_code_get
from economy.models import InventoryItem, PassClaim, ShopItem, ShopPurchase
from economy.progression.services.xp import xp_grant
from economy.selectors import player_balance
from tests.support.ledger import ledger_snapshot

pytestmark = pytest.mark.django_db


def test_shop_items_lists_server_prices(player_client):
    response = player_client.get("/api/shop/items")

    assert response.status_code == 200
    items = {offer["item"]["slug"]: offer for offer in response.json()["items"]}
    assert "s1-frame-gold" not in items  # a season pass reward, not for sale
    wave = items["emote-wave"]
    assert (wave["price"], wave["sale_price"], wave["can_buy"], wave["owned"]) == (
        150,
        None,
        True,
        0,
    )
    assert items["title-high-roller"]["tier_allowed"] is False
    assert items["frame-founders"]["stock"] == 100


def test_buy_equip_and_inventory(player, player_client, fund):
    fund(player, 1000)

    response = player_client.post(
        "/api/shop/buy",
        {"item": "frame-emerald", "price": 1},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["unit_price"], body["total"], body["balance"]) == (500, 500, 500)
    replay = player_client.post(
        "/api/shop/buy",
        {"price": 1, "item": "frame-emerald"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert replay.status_code == 201 and replay.json() == body
    assert replay["Idempotent-Replayed"] == "true"

    equipped = player_client.post("/api/shop/equip", {"item": "frame-emerald"}, format="json")
    assert equipped.status_code == 200 and equipped.json()["equipped"] is True
    inventory = player_client.get("/api/shop/inventory").json()["items"]
    assert [(i["item"]["slug"], i["equipped"]) for i in inventory] == [("frame-emerald", True)]
    me = player_client.get("/api/users/me").json()
    assert me["equipped_cosmetics"]["avatar_frame"]["slug"] == "frame-emerald"
    off = player_client.post("/api/shop/unequip", {"item": "frame-emerald"}, format="json")
    assert off.json()["equipped"] is False


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"item": "no-such-item"}, 404, "item_not_found"),
        ({"item": "s1-frame-gold"}, 404, "item_not_found"),
        ({"item": "theme-midnight"}, 409, "insufficient_coins"),
        ({"item": "title-high-roller"}, 403, "vip_tier_too_low"),
        ({"item": "emote-wave", "quantity": -1}, 400, "invalid"),
        ({"item": "emote-wave", "quantity": 10**9}, 400, "invalid"),
        ({"item": "emote-wave", "quantity": 2}, 409, "already_owned"),
        ({}, 400, "invalid"),
    ],
)
def test_bad_purchases_answer_in_the_error_format_and_change_nothing(
    player, player_client, fund, payload, status, code
):
    fund(player, 1000)
    before = ledger_snapshot()
    stock = ShopItem.objects.get(slug="frame-founders").stock

    response = player_client.post("/api/shop/buy", payload, format="json")

    assert response.status_code == status, response.json()
    assert response.json()["error"]["code"] == code
    assert ledger_snapshot() == before
    assert not ShopPurchase.objects.exists() and not InventoryItem.objects.exists()
    assert ShopItem.objects.get(slug="frame-founders").stock == stock


def test_sold_out_over_the_api(player, player_client, fund):
    fund(player, 5000)
    ShopItem.objects.filter(slug="frame-founders").update(stock=0)

    response = player_client.post("/api/shop/buy", {"item": "frame-founders"}, format="json")

    assert response.status_code == 409 and response.json()["error"]["code"] == "sold_out"
    assert player_balance(player=player) == 5000


def test_equip_errors(player_client):
    missing = player_client.post("/api/shop/equip", {"item": "frame-ruby"}, format="json")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_owned"


def test_battlepass_status_and_claim(player, player_client):
    status = player_client.get("/api/battlepass/status").json()
    assert status["season"]["name"] == "Season 1"
    assert len(status["tiers"]) == 10 and status["xp"] == 0 and status["tier"] == 0
    first = status["tiers"][0]
    assert first == {
        "number": 1,
        "xp_required": 20,
        "reward": {"kind": "COINS", "label": "200 coins", "coins": 200, "xp": 0, "item": None},
        "state": "locked",
    }
    assert status["time_left_seconds"] > 0

    before = ledger_snapshot()
    locked = player_client.post("/api/battlepass/claim", {"tier": 1}, format="json")
    assert locked.status_code == 409 and locked.json()["error"]["code"] == "tier_locked"
    for bad in ({"tier": 0}, {"tier": "one"}, {}):
        assert player_client.post("/api/battlepass/claim", bad, format="json").status_code == 400
    unknown = player_client.post("/api/battlepass/claim", {"tier": 99}, format="json")
    assert unknown.status_code == 404
    assert ledger_snapshot() == before

    xp_grant(player=player, amount=60, source="ADJUSTMENT", reference="api test")
    claimed = player_client.post("/api/battlepass/claim", {"tier": 2}, format="json")
    assert claimed.status_code == 201
    assert claimed.json()["reward"]["item"]["slug"] == "s1-frame-bronze"
    again = player_client.post("/api/battlepass/claim", {"tier": 2}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "tier_already_claimed"
    assert PassClaim.objects.count() == 1
    assert player_client.get("/api/users/me").json()["pass_tier"] == 2


def test_invites_api(player, other_player, api_client):
    api_client.force_login(player)
    mine = api_client.get("/api/invites/me").json()
    code = invite_code_get(player=player).code
    assert mine["code"] == code and mine["url"].endswith(f"/join/{code}/")
    own = api_client.post("/api/invites/redeem", {"code": code}, format="json")
    assert own.status_code == 409 and own.json()["error"]["code"] == "own_invite_code"

    api_client.force_login(other_player)
    bad = api_client.post("/api/invites/redeem", {"code": "nope"}, format="json")
    assert bad.status_code == 400 and "code" in bad.json()["error"]["fields"]
    redeemed = api_client.post("/api/invites/redeem", {"code": code}, format="json")
    assert redeemed.status_code == 201
    assert redeemed.json()["inviter"] == "Alice" and redeemed.json()["rewarded"] is False
    twice = api_client.post("/api/invites/redeem", {"code": code}, format="json")
    assert twice.status_code == 409

    api_client.force_login(player)
    me = api_client.get("/api/users/me").json()
    assert (me["invite_code"], me["invite_count"]) == (code, 1)


def test_endpoints_need_a_signed_in_player(api_client):
    for path in ("/api/shop/items", "/api/battlepass/status", "/api/invites/me"):
        assert api_client.get(path).status_code in (401, 403)
    assert api_client.post("/api/shop/buy", {"item": "emote-wave"}).status_code in (401, 403)
