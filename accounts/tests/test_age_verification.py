"""Age verification for players: the API, the page and the mature-content rule
(issue 12, "Age verification").

The cast: Alice (born 1990-01-01, as every test player) attests; Bob is
another player. A failed attestation leaves no ``AgeVerification`` row, and a
second one leaves the first untouched.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AgeVerification
from accounts.selectors import mature_allowed
from accounts.services import AgeNotMatching, age_verify

pytestmark = pytest.mark.django_db

URL = "/api/users/me/verify-age"
PAGE = "/profile/verify-age/"
ALICE_BORN = "1990-01-01"


def attest(client, born=ALICE_BORN, **extra):
    return client.post(URL, {"date_of_birth": born}, format="json", **extra)


def rows() -> list[tuple]:
    return list(
        AgeVerification.objects.order_by("pk").values_list(
            "player_id", "date_of_birth", "verified_at", "ip_address", "revoked_at"
        )
    )


def revoke(player) -> None:
    AgeVerification.objects.filter(player=player).update(revoked_at=timezone.now())


# --- the API ---------------------------------------------------------------------


def test_an_unverified_player_sees_their_status(player_client, settings):
    settings.MATURE_MIN_AGE = 19

    response = player_client.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "status": "unverified",
        "verified_at": None,
        "revoked_at": None,
        "mature_allowed": False,
        "mature_min_age": 19,
        "mature_allowed_from": None,
    }


def test_a_player_verifies_their_age_with_the_signup_date(player_client, player):
    before = timezone.now()

    response = attest(player_client)

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "verified"
    assert body["mature_allowed"] is True
    assert body["mature_allowed_from"] is None
    assert body["revoked_at"] is None
    verification = AgeVerification.objects.get(player=player)
    assert verification.date_of_birth == date(1990, 1, 1)
    assert verification.ip_address == "127.0.0.1"
    assert before <= verification.verified_at <= timezone.now()
    assert mature_allowed(player)
    assert player_client.get(URL).json() == body


def test_a_forwarded_for_header_does_not_choose_the_recorded_address(player_client, player):
    # No trusted proxy is configured: the header is the client's own claim.
    response = attest(player_client, HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert response.status_code == 201
    assert AgeVerification.objects.get(player=player).ip_address == "127.0.0.1"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"date_of_birth": None},
        {"date_of_birth": ""},
        {"date_of_birth": "1990-1-1"},
        {"date_of_birth": "01/01/1990"},
        {"date_of_birth": "1990-02-30"},
        {"date_of_birth": "1990-13-01"},
        {"date_of_birth": "0990-01-01"},
        {"date_of_birth": "1990-01-01T00:00:00"},
        {"date_of_birth": " 1990-01-01"},
        {"date_of_birth": 19900101},
        {"date_of_birth": ["1990-01-01"]},
        {"date_of_birth": {"year": 1990}},
    ],
)
def test_a_malformed_date_is_refused_and_nothing_is_recorded(player_client, body):
    response = player_client.post(URL, body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "date_of_birth" in error["fields"]
    assert rows() == []


def test_a_body_that_is_not_json_is_refused(player_client):
    response = player_client.post(URL, "date_of_birth=1990-01-01", content_type="text/plain")

    assert response.status_code == 415
    assert rows() == []


def test_a_date_before_1900_is_malformed(player_client):
    response = attest(player_client, "1899-12-31")

    assert response.status_code == 400
    assert "date_of_birth" in response.json()["error"]["fields"]
    assert rows() == []


@pytest.mark.parametrize("born", ["2099-12-31", "tomorrow"])
def test_a_date_in_the_future_is_too_young(player_client, player, born):
    if born == "tomorrow":
        born = (player.local_date() + timedelta(days=1)).isoformat()

    response = attest(player_client, born)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "too_young"
    assert rows() == []


def test_an_under_age_date_is_refused_as_too_young(player_client, settings):
    settings.SITE_MIN_AGE = 18
    born = date.today().replace(year=date.today().year - 10, day=1)

    response = attest(player_client, born.isoformat())

    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "too_young"
    assert "18" in error["message"]
    assert rows() == []


def test_a_date_other_than_the_signup_date_is_refused(player_client):
    response = attest(player_client, "1991-01-01")

    # Well-formed, but it conflicts with the date on record.
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "date_of_birth_mismatch"
    assert "signed up" in error["message"]
    assert rows() == []


def test_verifying_twice_is_a_conflict_and_keeps_the_first(player_client, player):
    attest(player_client)
    first = rows()

    again = attest(player_client, REMOTE_ADDR="198.51.100.7")
    other_date = attest(player_client, "1991-01-01")

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_verified"
    # Once verified, any further attestation is the same conflict.
    assert other_date.status_code == 409
    assert rows() == first


def test_a_revoked_verification_cannot_be_renewed_by_the_player(player_client, player):
    attest(player_client)
    revoke(player)
    before = rows()

    response = attest(player_client)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "verification_revoked"
    assert rows() == before
    status = player_client.get(URL).json()
    assert status["status"] == "revoked"
    assert status["revoked_at"] is not None
    assert status["mature_allowed"] is False
    assert not mature_allowed(player)


def test_a_verified_player_under_the_mature_age_is_verified_without_mature_content(
    player_client, player, settings
):
    # Alice (born 1990) is verified, but this site asks 60 for mature content.
    settings.MATURE_MIN_AGE = 60

    response = attest(player_client)

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["mature_allowed"]) == ("verified", False)
    assert body["mature_min_age"] == 60
    assert body["mature_allowed_from"] == "2050-01-01"
    assert not mature_allowed(player)


def test_another_players_verification_is_theirs_alone(player_client, other_player):
    attest(player_client)

    assert not AgeVerification.objects.filter(player=other_player).exists()
    assert not mature_allowed(other_player)


def test_anonymous_callers_are_refused(api_client):
    assert api_client.get(URL).status_code == 401
    assert attest(api_client).status_code == 401
    assert rows() == []


def test_the_endpoint_is_in_the_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    operations = schema["paths"][URL]
    assert set(operations) >= {"get", "post"}
    assert "201" in operations["post"]["responses"]
    assert "409" in operations["post"]["responses"]


# --- the birthday in the player's own time zone --------------------------------------


def test_mature_content_opens_on_the_players_local_birthday(make_player, settings):
    """At this very moment it is already a day later in Kiritimati (UTC+14)
    than in Pago Pago (UTC-11). Born exactly 20 years before Kiritimati's
    today, the player is 20 there and still 19 in Pago Pago."""
    settings.MATURE_MIN_AGE = 20  # 20 years back from a 29 February is a 29 February
    now = timezone.now()
    ahead = timezone.localtime(now, timezone.get_fixed_timezone(14 * 60)).date()
    born = ahead.replace(year=ahead.year - 20)
    player = make_player("Kiri", date_of_birth=born)
    player.time_zone = "Pacific/Kiritimati"
    player.save(update_fields=["time_zone"])
    age_verify(player=player, date_of_birth=born, ip_address=None)

    assert player.local_date() == ahead
    assert mature_allowed(player)

    player.time_zone = "Pacific/Pago_Pago"
    player.save(update_fields=["time_zone"])
    assert player.local_date() < ahead
    assert not mature_allowed(player)


def test_the_status_names_the_local_birthday_when_mature_content_opens(make_player, settings):
    settings.MATURE_MIN_AGE = 20
    behind = timezone.localtime(timezone.now(), timezone.get_fixed_timezone(-11 * 60)).date()
    # Turns 20 tomorrow in Pago Pago.
    tomorrow = behind + timedelta(days=1)
    born = tomorrow.replace(year=tomorrow.year - 20)
    player = make_player("Pago", date_of_birth=born)
    player.time_zone = "Pacific/Pago_Pago"
    player.save(update_fields=["time_zone"])
    client = Client()
    client.force_login(player)

    response = client.post(
        URL, {"date_of_birth": born.isoformat()}, content_type="application/json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["mature_allowed"] is False
    assert body["mature_allowed_from"] == tomorrow.isoformat()


def test_the_service_checks_the_signup_date_itself(player):
    with pytest.raises(AgeNotMatching):
        age_verify(player=player, date_of_birth=date(1990, 1, 2), ip_address="127.0.0.1")

    assert rows() == []


# --- the page --------------------------------------------------------------------------


def test_the_page_needs_a_signed_in_player(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_profile_page_links_to_the_age_check(alice_client):
    html = alice_client.get("/profile/").content.decode()

    assert f'href="{PAGE}"' in html


def test_a_player_verifies_their_age_on_the_page(alice_client, player):
    page = alice_client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="date"' in html
    assert 'autocomplete="bday"' in html
    # The help text is the one the field's aria-describedby names.
    assert 'aria-describedby="id_date_of_birth_helptext"' in html
    assert 'id="id_date_of_birth_helptext"' in html
    assert 'data-status="unverified"' in html

    response = alice_client.post(PAGE, {"date_of_birth": ALICE_BORN, "confirm": "on"}, follow=True)

    assert response.redirect_chain == [(PAGE, 302)]
    html = response.content.decode()
    assert "Your age is verified." in html
    assert 'data-status="verified"' in html
    assert 'data-testid="mature-allowed"' in html
    assert 'data-testid="age-form"' not in html
    verification = AgeVerification.objects.get(player=player)
    assert (verification.date_of_birth, verification.ip_address) == (
        date(1990, 1, 1),
        "127.0.0.1",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date_of_birth": "1991-01-01", "confirm": "on"}, "does not match the one you signed up"),
        ({"date_of_birth": "2999-01-01", "confirm": "on"}, "years old"),
        ({"date_of_birth": "1850-01-01", "confirm": "on"}, "Enter a real date of birth"),
        ({"date_of_birth": "not a date", "confirm": "on"}, "Enter a valid date"),
        ({"date_of_birth": "", "confirm": "on"}, "This field is required"),
        ({"date_of_birth": ALICE_BORN}, "Tick the box to confirm"),
    ],
)
def test_the_page_explains_a_refused_attestation_and_records_nothing(alice_client, data, message):
    response = alice_client.post(PAGE, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'class="message error"' in html
    assert rows() == []


def test_the_page_refuses_an_under_age_date(alice_client, settings):
    settings.SITE_MIN_AGE = 18
    born = date.today().replace(year=date.today().year - 12, day=1)

    response = alice_client.post(PAGE, {"date_of_birth": born.isoformat(), "confirm": "on"})

    assert "You must be at least 18 years old" in response.content.decode()
    assert rows() == []


def test_the_page_shows_a_verified_player_under_the_mature_age(alice_client, settings):
    settings.MATURE_MIN_AGE = 60
    alice_client.post(PAGE, {"date_of_birth": ALICE_BORN, "confirm": "on"})

    html = alice_client.get(PAGE).content.decode()

    assert 'data-status="verified"' in html
    assert 'data-testid="mature-not-yet"' in html
    assert "at least 60" in html


def test_the_page_shows_a_revocation_and_accepts_no_new_attestation(alice_client, player):
    alice_client.post(PAGE, {"date_of_birth": ALICE_BORN, "confirm": "on"})
    revoke(player)
    before = rows()

    page = alice_client.get(PAGE).content.decode()
    posted = alice_client.post(PAGE, {"date_of_birth": ALICE_BORN, "confirm": "on"})

    assert 'data-status="revoked"' in page
    assert 'data-testid="age-form"' not in page
    assert "withdrew your age verification" in posted.content.decode()
    assert rows() == before


def test_the_page_is_korean(alice_client):
    html = alice_client.get(PAGE, HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert '<html lang="ko">' in html
    for text in ["연령 확인", "생년월일", "연령 확인하기"]:
        assert text in html
    assert "Verify my age" not in html


def test_the_page_has_no_inline_styles(alice_client):
    assert "style=" not in alice_client.get(PAGE).content.decode()
