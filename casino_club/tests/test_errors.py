"""Every API error has one shape: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

import pytest


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


@pytest.mark.django_db
def test_anonymous_call_gets_401_json(api_client):
    response = api_client.get("/api/users/me")

    assert_error_shape(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_unknown_api_path_gets_404_json(player_client):
    response = player_client.get("/api/no-such-thing/")

    assert_error_shape(response, 404, "not_found")


@pytest.mark.django_db
def test_malformed_json_gets_400_json(player_client):
    response = player_client.generic(
        "PATCH", "/api/users/me", "{not json", content_type="application/json"
    )

    # PATCH is not allowed on /me; a parse error or 405 must still be JSON.
    assert response.status_code in {400, 405}
    assert_error_shape(response, response.status_code, response.json()["error"]["code"])


@pytest.mark.django_db
def test_validation_error_carries_fields(player_client):
    from rest_framework import serializers
    from rest_framework.test import APIRequestFactory

    from casino_club.api import exception_handler

    error = serializers.ValidationError({"amount": ["Must be positive."]})
    request = APIRequestFactory().post("/api/x")
    response = exception_handler(error, {"request": request})

    assert response.status_code == 400
    assert response.data == {
        "error": {
            "code": "invalid",
            "message": "Some fields are invalid.",
            "fields": {"amount": ["Must be positive."]},
        }
    }
