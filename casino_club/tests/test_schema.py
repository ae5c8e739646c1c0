"""Property-based API check: every operation in the OpenAPI schema, called with
generated input anonymously and as a signed-in player, answers without a
server error and as the schema says. New endpoints are covered automatically.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from casino_club.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

HYPOTHESIS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


# Operations where a body valid by the schema is refused by design: the
# account's own password (or TOTP code) must be in it, so a generated one is
# answered 400 wrong_password (docs/safety.md, "Data export and deletion").
PROOF_OF_IDENTITY = {("POST", "/api/users/me/delete")}


@pytest.fixture
def keep_connection():
    # Schemathesis calls the WSGI app directly; Django would then close the
    # database connection at the end of each request (as it does in
    # production), which drops the test's transaction. Django's own test
    # client disconnects the same handlers.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db, client, make_player):
    player = make_player("Schemy")
    response = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": player.email, "password": "correct horse battery staple"},
        content_type="application/json",
    )
    return {"Authorization": f"Bearer {response.json()['meta']['access_token']}"}


def test_schema_is_served_with_every_api_path(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert "/api/users/me" in response.json()["paths"]


def test_api_docs_are_served_offline(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert b"swagger-ui" in response.content
    assert b"cdn." not in response.content


@schema.parametrize()
@HYPOTHESIS
@pytest.mark.django_db
def test_api_anonymous(case, keep_connection):
    case.call_and_validate()


@schema.parametrize()
@HYPOTHESIS
def test_api_signed_in(case, bearer, keep_connection):
    # keep_connection comes after bearer: the Django test client used to log
    # in reconnects the handlers it disconnected.
    needs_proof = (case.method.upper(), case.path) in PROOF_OF_IDENTITY
    excluded = [positive_data_acceptance] if needs_proof else []
    case.call_and_validate(headers=bearer, excluded_checks=excluded)
