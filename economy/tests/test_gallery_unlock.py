"""Unlocking the next stage: only in order, only when the condition is met, coins through
the ledger once per Idempotency-Key, clear errors that change nothing."""

from __future__ import annotations

import pytest

from economy.models import GalleryUnlock, PassTier, PassTierReached, PlayerProgress
from economy.selectors import player_balance
from tests.support.factories import MissionFactory, MissionTemplateFactory
from tests.support.gallery import give_key, make_collection, make_item, verify_age
from tests.support.ledger import ledger_snapshot
from tests.support.rounds import assert_ledger_reconciles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.GALLERY_MEDIA_ROOT = tmp_path / "gallery"


@pytest.fixture
def item():
    return make_item(make_collection())


def unlock(client, item_id, key: str | None = "k1", **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/unlock", {"item_id": item_id, **extra}, format="json", **headers)


def unchanged(before: dict) -> bool:
    return ledger_snapshot() == before and not GalleryUnlock.objects.exists()


def test_without_the_key_item_the_collection_is_locked(player, player_client, item, fund):
    fund(player, 1000)
    before = ledger_snapshot()

    response = unlock(player_client, item.pk)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "collection_locked"
    assert "Art deco gallery" in response.json()["error"]["message"]
    assert unchanged(before)
    listed = player_client.get("/api/unlock").json()["items"][0]
    assert (listed["stage"], listed["next"]["kind"], listed["next"]["met"]) == (
        0,
        "KEY_ITEM",
        False,
    )


def test_coins_then_vip_tier_in_order_with_idempotent_payment(player, player_client, item, fund):
    give_key(player)
    fund(player, 250)
    start = player_balance(player=player)
    listed = player_client.get("/api/unlock").json()["items"][0]
    assert (listed["stage"], listed["next"]["stage"], listed["next"]["kind"]) == (1, 2, "COINS")
    assert (listed["next"]["coins"], listed["next"]["met"]) == (100, True)

    first = unlock(player_client, item.pk, key="pay-1")
    again = unlock(player_client, item.pk, key="pay-1")

    assert first.status_code == 201, first.json()
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and first.json()["item"]["stage"] == 2
    assert player_balance(player=player) == start - 100
    assert first.json()["balance"] == start - 100
    assert GalleryUnlock.objects.filter(player=player).count() == 1
    assert_ledger_reconciles()

    # Stage 3 needs Silver: refused and nothing changes, then met.
    before = ledger_snapshot()
    refused = unlock(player_client, item.pk, key="pay-2")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "condition_not_met"
    assert ledger_snapshot() == before and GalleryUnlock.objects.count() == 1
    PlayerProgress.objects.update_or_create(player=player, defaults={"vip_tier": "SILVER"})
    done = unlock(player_client, item.pk, key="pay-2")
    assert done.status_code == 201 and done.json()["item"]["complete"] is True
    assert done.json()["item"]["next"] is None
    assert player_balance(player=player) == start - 100

    twice = unlock(player_client, item.pk, key="pay-3")
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_unlocked"
    assert_ledger_reconciles()


def test_a_stage_cannot_be_named_or_skipped(player, player_client, fund):
    item = make_item(make_collection(), conditions={3: {"kind": "VIP_TIER", "vip_tier": "BRONZE"}})
    give_key(player)
    before = ledger_snapshot()

    # Stage 3 is free for everyone, but stage 2 has no condition: the item stays at stage 1.
    response = unlock(player_client, item.pk, stage=3)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stage_unavailable"
    assert unchanged(before)
    assert player_client.get(f"/gallery/media/{item.pk}/3.webp").status_code == 404


def test_coins_need_an_idempotency_key_and_enough_coins(player, player_client, item, fund):
    give_key(player)
    before = ledger_snapshot()

    missing = unlock(player_client, item.pk, key=None)
    poor = unlock(player_client, item.pk, key="k-poor")

    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "idempotency_key_required"
    assert poor.status_code == 409 and poor.json()["error"]["code"] == "insufficient_coins"
    assert unchanged(before)


def test_a_key_reused_for_another_item_is_refused(player, player_client, item, fund):
    other = make_item(item.collection, title="Fans", seed=3)
    give_key(player)
    fund(player, 500)
    assert unlock(player_client, item.pk, key="same").status_code == 201
    before = ledger_snapshot()

    response = unlock(player_client, other.pk, key="same")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert ledger_snapshot() == before


@pytest.mark.parametrize(
    "body",
    [{}, {"item_id": "1"}, {"item_id": True}, {"item_id": 1.5}, {"item_id": 0}, {"item_id": None}],
)
def test_a_wrong_body_is_400(player, player_client, item, body):
    give_key(player)
    before = ledger_snapshot()

    response = player_client.post("/api/unlock", body, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 400, response.json()
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert unchanged(before)


def test_a_list_body_and_an_unknown_item(player, player_client, item):
    give_key(player)
    as_list = player_client.post("/api/unlock", [1], format="json")
    unknown = unlock(player_client, 999_999)

    assert as_list.status_code == 400
    assert (
        unknown.status_code == 404 and unknown.json()["error"]["code"] == "gallery_item_not_found"
    )


def test_mature_items_do_not_exist_without_a_verified_age(player, player_client, item, fund):
    mature = make_item(item.collection, title="Velvet", rating="MATURE", seed=4)
    give_key(player)
    fund(player, 500)
    before = ledger_snapshot()

    listing = player_client.get("/api/unlock").json()["items"]
    response = unlock(player_client, mature.pk)
    unknown = unlock(player_client, 999_999)

    assert [entry["title"] for entry in listing] == ["Sunburst"]
    assert response.status_code == 404 and response.json() == unknown.json()
    assert unchanged(before)
    page = player_client.get("/gallery/").content.decode()
    assert "Velvet" not in page and "Mature" not in page

    verify_age(player)
    assert {entry["title"] for entry in player_client.get("/api/unlock").json()["items"]} == {
        "Sunburst",
        "Velvet",
    }
    assert unlock(player_client, mature.pk).status_code == 201


def test_missions_and_pass_tiers_unlock_when_reached(player, player_client):
    template = MissionTemplateFactory()
    tier = PassTier.objects.order_by("number").first()
    item = make_item(
        make_collection(),
        conditions={
            2: {"kind": "MISSIONS", "mission_template": template, "mission_count": 1},
            3: {"kind": "PASS_TIER", "pass_tier": tier},
        },
    )
    give_key(player)
    listed = player_client.get("/api/unlock").json()["items"][0]["next"]
    assert (listed["kind"], listed["mission"], listed["met"]) == ("MISSIONS", template.code, False)
    assert unlock(player_client, item.pk, key=None).json()["error"]["code"] == "condition_not_met"

    MissionFactory(player=player, template=template, completed=True)
    assert unlock(player_client, item.pk, key=None).status_code == 201
    refused = unlock(player_client, item.pk, key=None)
    assert refused.status_code == 403

    PassTierReached.objects.create(player=player, tier=tier)
    response = unlock(player_client, item.pk, key=None)
    assert response.status_code == 201 and response.json()["item"]["stage"] == 3


def test_the_page_form_unlocks_without_javascript(player, alice_client, item, fund):
    give_key(player)
    fund(player, 500)
    page = alice_client.get("/gallery/").content.decode()
    assert "100 coins." in page and "Unlock stage 2" in page

    response = alice_client.post(
        "/gallery/unlock/", {"item_id": str(item.pk), "idempotency_key": "form-1"}
    )
    alice_client.post("/gallery/unlock/", {"item_id": str(item.pk), "idempotency_key": "form-1"})

    assert response.status_code == 302 and response["Location"].endswith(f"#item-{item.pk}")
    assert GalleryUnlock.objects.filter(player=player, stage=2).count() == 1
    assert alice_client.get(f"/gallery/media/{item.pk}/2.webp").status_code == 200
    bad = alice_client.post("/gallery/unlock/", {"item_id": "nope"})
    assert bad.status_code == 302 and GalleryUnlock.objects.count() == 1


def test_the_unlock_api_is_in_the_schema(player_client):
    schema = player_client.get("/api/schema/").content.decode()
    assert "/api/unlock" in schema and "gallery_unlock" in schema
    assert "/api/gallery/items/{item_id}" in schema


def test_the_gallery_page_is_korean(player, alice_client, item):
    give_key(player)

    html = alice_client.get("/gallery/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    for text in ["갤러리", "3단계 중 1단계", "2단계 잠금 해제", "100 코인."]:
        assert text in html
    assert "Unlock stage" not in html and "Each picture reveals" not in html


def test_owning_the_art_deco_gallery_links_the_shop_to_the_gallery(player, alice_client, item):
    assert (
        'href="/gallery/"'
        not in alice_client.get("/shop/").content.decode().split('id="inventory-heading"', 1)[1]
    )

    give_key(player)

    inventory = alice_client.get("/shop/").content.decode().split('id="inventory-heading"', 1)[1]
    assert 'href="/gallery/"' in inventory and "Open the gallery" in inventory
