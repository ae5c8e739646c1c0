"""A lost database answers 503 (the API's error JSON, or a page), never an HTML 500.

The database really is unreachable here: the test points Django's default
connection at a port nothing listens on, so the middleware and views meet the
same ``OperationalError`` a stopped PostgreSQL raises.
"""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory

from casino_club import outage
from tests.support.servers import free_port

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def signed_in(player):
    client = Client(raise_request_exception=False)
    client.force_login(player)
    return client


@pytest.fixture
def database_down(signed_in):
    """Stops the database for this process (after ``signed_in`` has its session);
    calling the fixture's value brings it back."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["HOST"] = "127.0.0.1"
    connection.settings_dict["PORT"] = free_port()

    def back() -> None:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)

    try:
        yield back
    finally:
        back()


def get(client: Client, path: str):
    return client.get(path, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_503_json_while_the_database_is_down(signed_in, database_down):
    for path in ["/api/wallet", "/api/games/rounds/", "/api/games/"]:
        response = get(signed_in, path)
        assert response.status_code == 503, (path, response.content[:200])
        assert response["Content-Type"] == "application/json"
        assert response["Retry-After"] == "5"
        assert response.json()["error"]["code"] == "unavailable"


@pytest.mark.django_db(transaction=True)
def test_a_page_answers_a_friendly_503_while_the_database_is_down(signed_in, database_down):
    response = get(signed_in, "/games/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert b"Back in a moment" in response.content


def test_other_errors_stay_a_plain_500():
    request = RequestFactory().get("/api/games/")
    try:
        raise ValueError("a bug, not an outage")
    except ValueError:
        response = outage.server_error(request)
    assert response.status_code == 500


def test_a_database_error_behind_another_is_still_an_outage():
    request = RequestFactory().get("/api/games/")
    try:
        try:
            raise OperationalError("connection refused")
        except OperationalError as error:
            raise RuntimeError("while loading the session") from error
    except RuntimeError:
        response = outage.server_error(request)
    assert response.status_code == 503


@pytest.mark.django_db(transaction=True)
def test_service_resumes_by_itself_once_the_database_is_back(signed_in, database_down):
    assert get(signed_in, "/api/wallet").status_code == 503
    database_down()  # PostgreSQL is back
    response = get(signed_in, "/api/wallet")
    assert response.status_code == 200, response.content[:200]
