"""Where players come from: the signed cc_src cookie, kept at signup; visit days."""

from __future__ import annotations

import json

import pytest
from django.core import signing

from accounts.acquisition import COOKIE, SALT
from accounts.models import AcquisitionSource, User, VisitDay
from accounts.privacy import account_export

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "src@example.com",
    "password1": "an unguessable passphrase 42",
    "nickname": "Sourced",
    "date_of_birth": "1990-01-01",
}


def sign_up(client) -> AcquisitionSource:
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    return AcquisitionSource.objects.get(player__email=SIGNUP["email"])


def test_the_first_visit_source_survives_to_signup(client):
    first = client.get(
        "/?utm_source=newsletter&utm_medium=email&utm_campaign=spring-26",
        HTTP_REFERER="https://blog.example.org/posts/42?secret=x",
    )
    assert COOKIE in first.cookies and first.cookies[COOKIE]["httponly"]
    # A later visit from elsewhere does not overwrite the first one.
    client.get("/?utm_source=other", HTTP_REFERER="https://elsewhere.example/")

    source = sign_up(client)

    assert (source.source, source.medium, source.campaign, source.referrer_host) == (
        "newsletter",
        "email",
        "spring-26",
        "blog.example.org",  # the host only: no path, no query
    )
    assert source.first_seen_at is not None


def test_a_referrer_alone_names_the_source_and_an_invite_its_code(client):
    client.get("/?invite=ABCD2345", HTTP_REFERER="https://forum.example/thread")
    source = sign_up(client)
    assert (source.source, source.invite_code) == ("forum.example", "ABCD2345")


def test_no_cookie_and_no_referrer_is_direct(client):
    source = sign_up(client)
    assert (source.source, source.referrer_host, source.campaign) == ("direct", "", "")


@pytest.mark.parametrize(
    "query",
    [
        "utm_source=" + "x" * 65,  # oversized
        "utm_source=%3Cscript%3E",  # outside the character set
        "utm_source=a%20b",
    ],
)
def test_an_oversized_or_odd_value_is_dropped(client, query):
    client.get(f"/?{query}")
    assert sign_up(client).source == "direct"


@pytest.mark.parametrize(
    "cookie",
    [
        "forged-value",
        signing.dumps({"source": "evil"}, salt="another-salt"),  # signed for something else
        signing.dumps(
            {
                "source": "<b>",
                "medium": "",
                "campaign": "",
                "referrer_host": "",
                "invite_code": "",
                "seen": 1,
            },
            salt=SALT,
        ),  # our signature, a value no first visit could have produced
        "x" * 5000,  # oversized
    ],
)
def test_a_forged_tampered_or_oversized_cookie_is_ignored_and_replaced(client, cookie):
    client.cookies[COOKIE] = cookie

    page = client.get("/")
    source = sign_up(client)

    assert page.status_code == 200 and COOKIE in page.cookies  # replaced by a good one
    assert source.source == "direct"


def test_signed_in_page_visits_count_once_a_day_and_api_calls_never(client, player):
    client.force_login(player)

    client.get("/")
    client.get("/wallet/")
    client.get("/api/wallet")

    assert list(VisitDay.objects.filter(player=player).values_list("player", flat=True)) == [
        player.pk
    ]
    VisitDay.objects.all().delete()
    client.get("/api/wallet")
    assert not VisitDay.objects.exists()


def test_the_export_holds_them_and_deleting_the_account_removes_them(client):
    client.get("/?utm_source=newsletter")
    sign_up(client)
    player = User.objects.get(email=SIGNUP["email"])
    client.get("/")

    data = json.loads("".join(account_export(player=player)))
    assert data["acquisition_source"][0]["source"] == "newsletter"
    assert len(data["visit_days"]) == 1

    from accounts.privacy import account_delete

    account_delete(player=player, password=SIGNUP["password1"], code="", confirmation="DELETE")
    assert not AcquisitionSource.objects.filter(player=player).exists()
    assert not VisitDay.objects.filter(player=player).exists()
