"""Multi-account farming of the free coins (OWASP OAT-019): signups counted
per hashed network and per device cookie, refused past the limit; nothing
but keyed hashes stored (docs/safety.md, "Abuse cases")."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from accounts.abuse import DEVICE_COOKIE, fingerprint, network_of
from accounts.models import AccountFingerprint, User
from accounts.privacy import account_delete, account_export
from economy.models import LedgerKind, LedgerTransaction
from tests.support.fake_oidc import (  # the fake provider and its steps
    SOCIAL_SIGNUP,
    arrive_from_provider,
    claims,
)

pytestmark = pytest.mark.django_db

PASSWORD = "an unguessable passphrase 42"
HEADLESS_SIGNUP = "/_allauth/app/v1/auth/signup"
REFUSED = "Too many accounts were created from this network or device today"


@pytest.fixture(autouse=True)
def _real_limits(settings):
    settings.SIGNUPS_PER_IP_PER_DAY = 2
    settings.SIGNUPS_PER_DEVICE_PER_DAY = 2


def browser(ip: str, device_from: Client | None = None) -> Client:
    """A fresh browser at ``ip`` that has opened the home page (and so has a
    device cookie), or that reuses ``device_from``'s device cookie."""
    client = Client(REMOTE_ADDR=ip)
    if device_from is not None:
        client.cookies[DEVICE_COOKIE] = device_from.cookies[DEVICE_COOKIE].value
    else:
        client.get("/")
        assert DEVICE_COOKIE in client.cookies
    return client


def sign_up(client: Client, nickname: str):
    return client.post(
        "/accounts/signup/",
        {
            "email": f"{nickname.lower()}@example.com",
            "password1": PASSWORD,
            "nickname": nickname,
            "date_of_birth": "1990-01-01",
        },
    )


def signup_grants() -> int:
    return LedgerTransaction.objects.filter(kind=LedgerKind.SIGNUP_GRANT).count()


def test_a_network_past_its_daily_signups_is_refused_with_a_message():
    assert sign_up(browser("203.0.113.7"), "Farm1").status_code == 302
    assert sign_up(browser("203.0.113.7"), "Farm2").status_code == 302
    users, grants = User.objects.count(), signup_grants()

    refused = sign_up(browser("203.0.113.7"), "Farm3")

    assert refused.status_code == 200
    assert REFUSED in refused.content.decode()
    assert not User.objects.filter(nickname="Farm3").exists()
    assert (User.objects.count(), signup_grants()) == (users, grants)
    # Another network is not affected.
    assert sign_up(browser("198.51.100.9"), "Elsewhere").status_code == 302


def test_one_device_past_its_daily_signups_is_refused_from_any_network():
    first = browser("203.0.113.1")
    assert sign_up(first, "Dev1").status_code == 302
    assert sign_up(browser("203.0.113.2", device_from=first), "Dev2").status_code == 302

    refused = sign_up(browser("203.0.113.3", device_from=first), "Dev3")

    assert REFUSED in refused.content.decode()
    assert not User.objects.filter(nickname="Dev3").exists()


def test_the_headless_api_refuses_the_same_way():
    def headless(nickname: str):
        return Client(REMOTE_ADDR="203.0.113.50").post(
            HEADLESS_SIGNUP,
            {
                "email": f"{nickname.lower()}@example.com",
                "password": PASSWORD,
                "nickname": nickname,
                "date_of_birth": "1990-01-01",
            },
            content_type="application/json",
        )

    assert headless("App1").status_code == 200
    assert headless("App2").status_code == 200

    refused = headless("App3")

    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert errors[0]["code"] == "too_many_signups" and REFUSED in errors[0]["message"]
    assert not User.objects.filter(nickname="App3").exists()


def test_signups_older_than_a_day_no_longer_count():
    sign_up(browser("203.0.113.7"), "Old1")
    sign_up(browser("203.0.113.7"), "Old2")
    AccountFingerprint.objects.update(created_at=timezone.now() - timedelta(hours=25))

    assert sign_up(browser("203.0.113.7"), "New1").status_code == 302


def test_an_ipv6_household_is_counted_as_its_64_prefix():
    sign_up(browser("2001:db8:1:2::a"), "Six1")
    sign_up(browser("2001:db8:1:2:ffff::b"), "Six2")

    refused = sign_up(browser("2001:db8:1:2:1234::c"), "Six3")

    assert REFUSED in refused.content.decode()
    assert sign_up(browser("2001:db8:1:3::a"), "OtherPrefix").status_code == 302
    assert network_of("2001:db8:1:2:1234::c") == "2001:db8:1:2::/64"


def test_zero_turns_the_limits_off(settings):
    settings.SIGNUPS_PER_IP_PER_DAY = 0
    settings.SIGNUPS_PER_DEVICE_PER_DAY = 0
    first = browser("203.0.113.7")
    for number in range(4):
        same_place = browser("203.0.113.7", device_from=first)
        assert sign_up(same_place, f"Open{number}").status_code == 302


def test_a_forged_device_cookie_is_ignored_and_replaced():
    client = Client(REMOTE_ADDR="203.0.113.8")
    client.cookies[DEVICE_COOKIE] = signing.dumps("A" * 22, salt="acquisition")

    response = client.get("/")

    assert response.cookies[DEVICE_COOKIE].value != signing.dumps("A" * 22, salt="acquisition")
    assert response.cookies[DEVICE_COOKIE]["httponly"]
    assert sign_up(client, "Forger").status_code == 302
    stored = AccountFingerprint.objects.get(player__nickname="Forger")
    assert stored.signup_device_hash
    assert stored.signup_device_hash != fingerprint("device", "A" * 22)


def test_only_keyed_hashes_are_stored_exported_and_erased():
    client = browser("203.0.113.77")
    assert sign_up(client, "Hashed").status_code == 302
    player = User.objects.get(nickname="Hashed")
    row = AccountFingerprint.objects.get(player=player)
    token = signing.loads(client.cookies[DEVICE_COOKIE].value, salt="device")

    assert row.signup_ip_hash == fingerprint("ip", "203.0.113.77")
    assert row.signup_device_hash == fingerprint("device", token)
    assert len(row.signup_ip_hash) == 32
    assert "203.0.113" not in json.dumps(list(AccountFingerprint.objects.values()), default=str)

    data = json.loads("".join(account_export(player=player)))
    assert data["account_fingerprint"][0]["signup_ip_hash"] == row.signup_ip_hash

    account_delete(player=player, password=PASSWORD)
    assert not AccountFingerprint.objects.filter(player=player).exists()


def test_a_signin_records_the_last_network_and_device():
    client = browser("203.0.113.10")
    sign_up(client, "Mover")
    client.post("/accounts/logout/")
    later = browser("198.51.100.20")

    later.post("/accounts/login/", {"login": "mover@example.com", "password": PASSWORD})

    row = AccountFingerprint.objects.get(player__nickname="Mover")
    assert row.signup_ip_hash == fingerprint("ip", "203.0.113.10")
    assert row.last_ip_hash == fingerprint("ip", "198.51.100.20")
    assert row.last_device_hash != row.signup_device_hash


def test_the_refusal_speaks_korean():
    sign_up(browser("203.0.113.7"), "Ko1")
    sign_up(browser("203.0.113.7"), "Ko2")

    refused = browser("203.0.113.7").post(
        "/accounts/signup/",
        {
            "email": "ko3@example.com",
            "password1": PASSWORD,
            "nickname": "Ko3",
            "date_of_birth": "1990-01-01",
        },
        HTTP_ACCEPT_LANGUAGE="ko",
    )

    assert "오늘 이 네트워크나 기기에서 너무 많은 계정이 만들어졌어요" in refused.content.decode()


def test_a_social_signup_is_counted_and_refused_the_same_way(client, provider):
    sign_up(browser("127.0.0.1"), "Local1")
    sign_up(browser("127.0.0.1"), "Local2")
    arrive_from_provider(client, provider, code="c1", claims=claims("s1", "sam@example.com"))

    refused = client.post(
        SOCIAL_SIGNUP,
        {"email": "sam@example.com", "nickname": "Sam", "date_of_birth": "1990-02-03"},
    )

    assert refused.status_code == 200
    assert REFUSED in refused.content.decode()
    assert not User.objects.filter(email="sam@example.com").exists()


def test_the_limits_are_read_from_the_environment(tmp_path):
    from casino_club.config import ConfigError, read_config

    defaults = read_config({}, tmp_path)
    assert (defaults.signups_per_ip_per_day, defaults.signups_per_device_per_day) == (3, 3)
    assert read_config({"SIGNUPS_PER_IP_PER_DAY": "0"}, tmp_path).signups_per_ip_per_day == 0
    for name in ("SIGNUPS_PER_IP_PER_DAY", "SIGNUPS_PER_DEVICE_PER_DAY"):
        with pytest.raises(ConfigError, match=name):
            read_config({name: "three"}, tmp_path)
        with pytest.raises(ConfigError, match=name):
            read_config({name: "-1"}, tmp_path)
