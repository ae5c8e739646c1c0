"""Before any view runs: a method the endpoint does not serve is a JSON 405,
features the site does not offer (allauth's phone endpoints) a JSON 404."""

from __future__ import annotations

import pytest

from accounts.models import User
from economy.models import LedgerTransaction

pytestmark = pytest.mark.django_db

APP = "/_allauth/app/v1"
BROWSER = "/_allauth/browser/v1"


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code


@pytest.mark.parametrize(
    "path",
    [
        f"{APP}/account/phone",
        f"{APP}/account/email",
        f"{APP}/auth/login",
        f"{BROWSER}/auth/session",
        "/api/wallet",
        "/api/bonus/daily/claim",
        "/api/games/slots/play",
        "/api/no-such-endpoint",
    ],
)
@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "BREW"])
def test_a_method_no_endpoint_serves_is_a_json_405(client, path, method):
    response = client.generic(method, path)

    if path.endswith("/phone"):
        assert_error(response, 404, "not_found")  # not offered at all, whatever the method
        return
    assert_error(response, 405, "method_not_allowed")
    assert method not in response["Allow"]


def test_trace_on_the_phone_endpoint_signed_in_is_a_404_not_a_500(player_client):
    response = player_client.generic("TRACE", f"{APP}/account/phone")

    assert_error(response, 404, "not_found")


def test_the_allow_header_names_what_the_endpoint_serves(client):
    wallet = client.delete("/api/wallet")
    login = client.get(f"{APP}/auth/login")
    email = client.generic("TRACE", f"{APP}/account/email")

    assert_error(wallet, 405, "method_not_allowed")
    assert wallet["Allow"] == "GET, HEAD, OPTIONS"
    assert_error(login, 405, "method_not_allowed")
    assert login["Allow"] == "OPTIONS, POST"
    assert set(email["Allow"].split(", ")) == {
        "DELETE",
        "GET",
        "HEAD",
        "OPTIONS",
        "PATCH",
        "POST",
        "PUT",
    }


def test_an_unserved_method_is_refused_before_authentication_and_changes_nothing(
    player_client,
):
    before = LedgerTransaction.objects.count()

    response = player_client.put("/api/bonus/daily/claim")

    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "OPTIONS, POST"
    assert LedgerTransaction.objects.count() == before


def test_the_message_is_in_the_requests_language(client):
    english = client.generic("TRACE", "/api/wallet")
    korean = client.generic("TRACE", "/api/wallet", HTTP_ACCEPT_LANGUAGE="ko")

    assert english.json()["error"]["message"] == 'Method "TRACE" not allowed.'
    assert_error(korean, 405, "method_not_allowed")
    assert korean.json()["error"]["message"] == '메서드 "TRACE"는 허용되지 않습니다.'


@pytest.mark.parametrize("client_kind", [APP, BROWSER])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/account/phone"),
        ("POST", "/account/phone"),
        ("PUT", "/account/phone"),
        ("POST", "/auth/phone/verify"),
        ("POST", "/auth/phone/verify/resend"),
    ],
)
def test_phone_endpoints_are_not_offered(client, client_kind, method, path):
    users = User.objects.count()

    response = client.generic(
        method, f"{client_kind}{path}", '{"phone": "+15555550100"}', "application/json"
    )

    assert_error(response, 404, "not_found")
    assert User.objects.count() == users


def test_an_unknown_allauth_path_is_a_json_404(client):
    assert_error(client.get(f"{APP}/no-such-thing"), 404, "not_found")


def test_served_methods_still_reach_their_views(client, player_client):
    assert client.get("/api/wallet").status_code == 401
    assert player_client.options("/api/wallet").status_code == 200
    assert player_client.get("/api/wallet").status_code == 200
    assert client.get(f"{APP}/account/email").status_code == 401
    assert client.get("/api/no-such-endpoint").status_code == 404


def test_pages_are_not_guarded(client):
    # Only /api/ and /_allauth/: a page keeps Django's own answer.
    assert client.generic("TRACE", "/healthz").status_code == 405
    assert client.generic("TRACE", "/healthz")["Content-Type"] != "application/json"
