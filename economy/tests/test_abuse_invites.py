"""Invite farming (OWASP OAT-019/OAT-026): the reward is withheld when the
invitee shares a network or a device with the inviter, and moderators see
why (docs/safety.md, "Abuse cases")."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.abuse import DEVICE_COOKIE
from accounts.actions import actions_process
from accounts.models import AccountFingerprint, User
from economy.invites.services import invite_code_get, referral_reward
from economy.models import LedgerKind, LedgerTransaction, Referral, RewardWithheld
from economy.progression.services.xp import xp_grant
from economy.selectors import player_balance

pytestmark = pytest.mark.django_db

PASSWORD = "an unguessable passphrase 42"


def sign_up(nickname: str, ip: str, device_from: Client | None = None) -> tuple[Client, User]:
    client = Client(REMOTE_ADDR=ip)
    if device_from is not None:
        client.cookies[DEVICE_COOKIE] = device_from.cookies[DEVICE_COOKIE].value
    else:
        client.get("/")
    response = client.post(
        "/accounts/signup/",
        {
            "email": f"{nickname.lower()}@example.com",
            "password1": PASSWORD,
            "nickname": nickname,
            "date_of_birth": "1990-01-01",
        },
    )
    assert response.status_code == 302
    return client, User.objects.get(nickname=nickname)


def redeem(client: Client, inviter: User):
    return client.post(
        "/api/invites/redeem",
        {"code": invite_code_get(player=inviter).code},
        content_type="application/json",
    )


def reach_level_3(player: User) -> None:
    xp_grant(player=player, amount=300, source="ADJUSTMENT", reference="to level 3")


def test_an_invitee_on_the_inviters_device_earns_nobody_a_reward():
    alice_browser, alice = sign_up("Alice", "203.0.113.1")
    # Same browser (device cookie), another network: one person, two accounts.
    farm_browser, farm = sign_up("Farm", "198.51.100.2", device_from=alice_browser)

    response = redeem(farm_browser, alice)

    assert response.status_code == 201
    assert response.json()["reward_withheld"] is True
    referral = Referral.objects.get(invitee=farm)
    assert referral.reward_withheld == RewardWithheld.SHARED_DEVICE
    actions_process()
    alice_before = player_balance(player=alice)

    reach_level_3(farm)
    actions_process()

    assert referral_reward(invitee=farm) is None
    referral.refresh_from_db()
    assert referral.rewarded_at is None
    assert not LedgerTransaction.objects.filter(kind=LedgerKind.REFERRAL_REWARD).exists()
    assert player_balance(player=alice) == alice_before


def test_an_invitee_on_the_inviters_network_is_withheld_too():
    _alice_browser, alice = sign_up("Alice", "203.0.113.1")
    farm_browser, farm = sign_up("Farm", "203.0.113.1")

    redeem(farm_browser, alice)

    assert Referral.objects.get(invitee=farm).reward_withheld == RewardWithheld.SHARED_IP


def test_sharing_found_only_at_reward_time_still_withholds():
    _alice_browser, alice = sign_up("Alice", "203.0.113.1")
    friend_browser, friend = sign_up("Friend", "198.51.100.2")
    assert redeem(friend_browser, alice).json()["reward_withheld"] is False
    # Later the inviter signs in on the invitee's device and network.
    login = Client(REMOTE_ADDR="198.51.100.2")
    login.cookies[DEVICE_COOKIE] = friend_browser.cookies[DEVICE_COOKIE].value
    login.post("/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})

    reach_level_3(friend)
    actions_process()

    referral = Referral.objects.get(invitee=friend)
    assert referral.rewarded_at is None
    assert referral.reward_withheld == RewardWithheld.SHARED_IP_AND_DEVICE
    assert not LedgerTransaction.objects.filter(kind=LedgerKind.REFERRAL_REWARD).exists()


def test_players_on_different_networks_and_devices_are_rewarded():
    _alice_browser, alice = sign_up("Alice", "203.0.113.1")
    friend_browser, friend = sign_up("Friend", "198.51.100.2")
    redeem(friend_browser, alice)

    reach_level_3(friend)
    actions_process()

    referral = Referral.objects.get(invitee=friend)
    assert referral.rewarded_at is not None and referral.reward_withheld == ""
    assert LedgerTransaction.objects.filter(kind=LedgerKind.REFERRAL_REWARD).count() == 2


def test_moderators_see_who_shares_a_device_and_why_a_reward_was_withheld(moderator_client):
    alice_browser, alice = sign_up("Alice", "203.0.113.1")
    farm_browser, farm = sign_up("Farm", "198.51.100.2", device_from=alice_browser)
    _bob_browser, bob = sign_up("Bob", "192.0.2.3")
    redeem(farm_browser, alice)

    listed = moderator_client.get(reverse("admin:accounts_user_changelist") + "?shares=device")
    page = listed.content.decode()
    assert listed.status_code == 200
    assert "shares device with" in page.lower()
    assert "Alice" in page and "Farm" in page and "Bob" not in page

    change = moderator_client.get(reverse("admin:accounts_user_change", args=[farm.pk]))
    detail = change.content.decode()
    assert "Shares device with" in detail
    assert reverse("admin:accounts_user_change", args=[alice.pk]) in detail
    assert reverse("admin:accounts_user_change", args=[bob.pk]) not in detail

    referrals = moderator_client.get(
        reverse("admin:economy_referral_changelist") + "?reward_withheld=shared_device"
    )
    assert referrals.status_code == 200
    assert "Shares a device with the inviter" in referrals.content.decode()
    assert AccountFingerprint.objects.count() == 3
