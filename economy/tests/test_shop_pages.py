"""The shop, season pass, invite and profile pages work with plain forms (no JavaScript)."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from economy.invites.services import invite_code_get
from economy.models import InventoryItem, PassClaim, Referral, ShopPurchase
from economy.progression.services.xp import xp_grant
from economy.selectors import player_balance
from tests.support.ledger import ledger_snapshot

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_shop_page_buy_and_equip(alice_client, player, fund):
    fund(player, 1000)

    page = alice_client.get("/shop/")
    assert page.status_code == 200
    assert b"Buy Emerald frame" in page.content and b"Season 1 gold frame" not in page.content

    bought = alice_client.post(
        "/shop/buy/", {"item": "frame-emerald", "idempotency_key": "p1"}, follow=True
    )
    assert "You bought Emerald frame for 500 coins. Your balance is 500." in messages_of(bought)
    alice_client.post("/shop/buy/", {"item": "frame-emerald", "idempotency_key": "p1"})
    assert ShopPurchase.objects.count() == 1 and player_balance(player=player) == 500

    worn = alice_client.post(
        "/shop/equip/", {"item": "frame-emerald", "action": "equip"}, follow=True
    )
    assert "You are wearing Emerald frame." in messages_of(worn)
    assert b"Unequip Emerald frame" in worn.content
    profile = alice_client.get("/profile/")
    assert "Emerald frame" in profile.content.decode()


def test_shop_page_errors_are_messages_and_change_nothing(alice_client, player, fund):
    fund(player, 100)
    before = ledger_snapshot()

    poor = alice_client.post("/shop/buy/", {"item": "theme-midnight"}, follow=True)
    unknown = alice_client.post("/shop/buy/", {"item": "nope", "quantity": "x"}, follow=True)

    assert any("Not enough coins" in text for text in messages_of(poor))
    assert messages_of(unknown)
    assert ledger_snapshot() == before and not InventoryItem.objects.exists()


def test_pass_page_claims_a_tier(alice_client, player):
    xp_grant(player=player, amount=25, source="ADJUSTMENT", reference="page")

    page = alice_client.get("/pass/")
    assert page.status_code == 200 and b"Claim tier 1" in page.content
    claimed = alice_client.post("/pass/claim/", {"tier": "1"}, follow=True)
    assert "Tier 1 claimed: 200 coins." in messages_of(claimed)
    locked = alice_client.post("/pass/claim/", {"tier": "2"}, follow=True)
    assert any("needs 60 season XP" in text for text in messages_of(locked))
    assert PassClaim.objects.count() == 1


def test_dashboard_partial_shows_pass_progress(player, rf):
    xp_grant(player=player, amount=25, source="ADJUSTMENT", reference="dashboard")
    request = rf.get("/")
    request.user = player

    html = render_to_string("economy/partials/pass_progress.html", request=request)

    assert "Tier 1 · 25 season XP" in html and "1 reward ready to claim" in html


def test_join_page_for_visitors_and_new_players(client, player, other_player):
    code = invite_code_get(player=player).code

    visitor = client.get(f"/join/{code}/")
    assert visitor.status_code == 200
    assert b"Alice invited you" in visitor.content
    assert f"/accounts/signup/?next=%2Fjoin%2F{code}%2F".encode() in visitor.content
    assert client.get("/join/ZZZZZZZZ/").status_code == 404

    client.force_login(other_player)
    assert b"Accept invite" in client.get(f"/join/{code}/").content
    accepted = client.post(f"/join/{code}/", follow=True)
    assert "Reach level 3" in " ".join(messages_of(accepted))
    assert Referral.objects.get().invitee == other_player

    client.force_login(player)
    own = client.post(f"/join/{code}/", follow=True)
    assert any("your own invite code" in text for text in messages_of(own))
    assert Referral.objects.count() == 1


def test_pages_need_sign_in(client):
    for path in ("/shop/", "/pass/"):
        assert client.get(path).status_code == 302
