"""A player's own data: the export holds their rows and nobody else's; deleting
the account erases what identifies them, keeps the ledger reconciling,
removes them from the leaderboards, signs them out everywhere, and refuses
(changing nothing) without the right password, code or confirmation."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import (
    Action,
    AgeVerification,
    ModeratorAction,
    Notification,
    NotificationKind,
    User,
)
from accounts.notifications import notification_send
from accounts.privacy import export_section_names
from economy.models import Account
from economy.selectors import player_balance
from games.leaderboards import backends
from games.leaderboards.boards import Board, Period
from games.leaderboards.models import LeaderboardScore
from games.leaderboards.selectors import leaderboard_top
from games.leaderboards.services import round_changes, scores_record
from games.models import GameRound
from tests.support.clients import PASSWORD
from tests.support.mfa import with_totp

SPIN = {"bet_per_line": 1, "lines": 20}
LOGIN = "/_allauth/app/v1/auth/login"


def export_of(client) -> dict:
    response = client.get("/api/users/me/export")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(b"".join(response.streaming_content))


def activity(player, client) -> None:
    """A few rounds, a daily bonus and a notification."""
    for _ in range(3):
        assert client.post("/api/games/slots/play", SPIN, format="json").status_code == 200
    assert client.post("/api/bonus/daily/claim").status_code == 201
    with transaction.atomic():
        notification_send(
            player=player, kind=NotificationKind.MODERATOR_MESSAGE, title=f"for {player.nickname}"
        )


def api_client_of(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


# --- export ---------------------------------------------------------------------


@pytest.mark.django_db
def test_export_holds_the_callers_data_and_nobody_elses(player, other_player, fund):
    fund(player, 5000)
    fund(other_player, 5000)
    alice, bob = api_client_of(player), api_client_of(other_player)
    activity(player, alice)
    activity(other_player, bob)

    response = alice.get("/api/users/me/export")
    text = b"".join(response.streaming_content).decode()
    data = json.loads(text)

    assert set(data) == {"format", "exported_at", *export_section_names()}
    for section in ("rounds", "ledger_entries", "missions", "notifications", "inventory"):
        assert section in data
    assert data["profile"]["email"] == player.email
    assert data["profile"]["date_of_birth"] == player.date_of_birth.isoformat()
    own_rounds = set(GameRound.objects.filter(player=player).values_list("id", flat=True))
    assert {r["id"] for r in data["rounds"]} == own_rounds and len(own_rounds) == 3
    assert sum(e["amount"] for e in data["ledger_entries"]) == player_balance(player=player)
    assert [n["title"] for n in data["notifications"]] == [f"for {player.nickname}"]
    assert {b["kind"] for b in data["bonus_claims"]} == {"DAILY"} or data["bonus_claims"]
    # Nothing of Bob's: not his email, nickname, rounds or notification.
    assert other_player.email not in text
    assert f"for {other_player.nickname}" not in text
    bobs_rounds = set(GameRound.objects.filter(player=other_player).values_list("id", flat=True))
    assert not bobs_rounds & {r["id"] for r in data["rounds"]}


@pytest.mark.django_db
def test_export_never_reveals_the_active_server_seed(player, player_client, fund):
    fund(player, 1000)
    player_client.post("/api/games/slots/play", SPIN, format="json")

    pairs = export_of(player_client)["seed_pairs"]

    assert pairs and all(p["server_seed"] is None for p in pairs if p["revealed_at"] is None)


@pytest.mark.django_db
def test_export_is_for_signed_in_players_and_the_profile_page_offers_it(player, alice_client):
    assert APIClient().get("/api/users/me/export").status_code == 401

    page = alice_client.get("/profile/")
    download = alice_client.get("/profile/export/")

    assert b'href="/profile/export/"' in page.content
    assert b'href="/profile/delete/"' in page.content
    assert json.loads(b"".join(download.streaming_content))["profile"]["id"] == player.pk


# --- deletion -------------------------------------------------------------------


@pytest.fixture
def redis_prefix(settings):
    settings.LEADERBOARD_REDIS_PREFIX = f"lbtest-{uuid.uuid4().hex[:12]}"
    backends.redis_recovered()
    yield
    backend = backends.redis_backend()
    if backend is not None:
        for key in backend.client.scan_iter(match=f"{settings.LEADERBOARD_REDIS_PREFIX}:*"):
            backend.client.delete(key)


def delete(client, **body):
    return client.post("/api/users/me/delete", body, format="json")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_deletion_erases_the_player_and_keeps_the_ledger_green(
    redis_prefix, player, other_player, moderator, fund, capsys
):
    fund(player, 5000)
    fund(other_player, 5000)
    alice, bob = api_client_of(player), api_client_of(other_player)
    activity(player, alice)
    activity(other_player, bob)
    now = datetime.now(UTC)
    with transaction.atomic():
        scores_record(changes=round_changes(player_id=player.pk, net=500, at=now))
        scores_record(changes=round_changes(player_id=other_player.pk, net=100, at=now))
    AgeVerification.objects.create(
        player=player, date_of_birth=player.date_of_birth, ip_address="198.51.100.4"
    )
    ModeratorAction.objects.create(
        actor=moderator, target=player, target_label=f"{player.nickname} <{player.email}>",
        action="player.notify", reason="hello",
    )  # fmt: skip
    board = leaderboard_top(board=Board.NET_WINNINGS, period=Period.ALLTIME)
    assert [row["player_id"] for row in board[:2]] == [player.pk, other_player.pk]
    balance = player_balance(player=player)
    bob_before = (
        player_balance(player=other_player),
        GameRound.objects.filter(player=other_player).count(),
        Notification.objects.filter(player=other_player).count(),
    )
    old_email, old_nickname = player.email, player.nickname

    response = delete(alice, password=PASSWORD)

    assert response.status_code == 204
    gone = User.objects.get(pk=player.pk)
    assert (gone.email, gone.nickname) == (
        f"deleted:{player.pk}@deleted.invalid",
        f"deleted:{player.pk}",
    )
    assert gone.date_of_birth is None and not gone.is_active and not gone.has_usable_password()
    assert not User.objects.filter(email=old_email).exists()
    assert not AgeVerification.objects.filter(player=gone).exists()  # the IP with it
    assert not Notification.objects.filter(player=gone).exists()
    assert ModeratorAction.objects.get(target=gone).target_label == f"deleted:{player.pk}"
    assert Action.objects.filter(player=gone, type="ACCOUNT_DELETED").count() == 1
    # The ledger: the anonymised row still holds the coins; everything reconciles.
    assert Account.objects.get(player=gone).balance == balance
    capsys.readouterr()
    call_command("reconcile_ledger")
    assert "ledger OK" in capsys.readouterr().out
    # Gone from the leaderboards, in the database and in Redis.
    assert not LeaderboardScore.objects.filter(player=gone).exists()
    board = leaderboard_top(board=Board.NET_WINNINGS, period=Period.ALLTIME)
    assert [row["player_id"] for row in board] == [other_player.pk]
    # Signed out, and no way back in.
    assert alice.get("/api/users/me").status_code in (401, 403)
    assert not Client().login(email=old_email, password=PASSWORD)
    login = APIClient().post(LOGIN, {"email": old_email, "password": PASSWORD}, format="json")
    assert login.status_code in (400, 401)
    # Bob is untouched.
    assert bob_before == (
        player_balance(player=other_player),
        GameRound.objects.filter(player=other_player).count(),
        Notification.objects.filter(player=other_player).count(),
    )
    assert bob.get("/api/users/me").json()["nickname"] == other_player.nickname
    assert old_nickname not in json.dumps(
        leaderboard_top(board=Board.NET_WINNINGS, period=Period.ALLTIME)
    )


def snapshot(player) -> tuple:
    row = User.objects.get(pk=player.pk)
    return (
        row.email, row.nickname, row.date_of_birth, row.is_active, row.password,
        Notification.objects.filter(player=player).count(), player_balance(player=player),
    )  # fmt: skip


@pytest.mark.django_db
def test_a_wrong_password_changes_nothing(player, player_client):
    with transaction.atomic():
        notification_send(player=player, kind=NotificationKind.MODERATOR_MESSAGE, title="hi")
    before = snapshot(player)

    wrong = delete(player_client, password="not it")
    missing = delete(player_client)

    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "wrong_password"
    assert "password" in wrong.json()["error"]["fields"]
    assert missing.status_code == 400
    assert snapshot(player) == before
    assert player_client.get("/api/users/me").status_code == 200


@pytest.mark.django_db
def test_staff_cannot_delete_themselves_here(moderator):
    client = api_client_of(moderator)

    response = delete(client, password=PASSWORD)

    assert response.status_code == 403 and response.json()["error"]["code"] == "staff_account"
    assert User.objects.get(pk=moderator.pk).is_active


@pytest.mark.django_db
def test_an_account_without_a_password_types_delete(player):
    player.set_unusable_password()  # as after a social sign-up
    player.save()
    player_client = api_client_of(player)

    refused = delete(player_client, confirmation="yes")
    accepted = delete(player_client, confirmation="delete")

    assert refused.status_code == 400 and refused.json()["error"]["code"] == "confirmation_required"
    assert accepted.status_code == 204
    assert not User.objects.get(pk=player.pk).is_active


@pytest.mark.django_db
def test_a_player_with_an_authenticator_also_gives_a_code(player, player_client):
    secret = with_totp(player)

    without = delete(player_client, password=PASSWORD, code="000000")
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    accepted = delete(player_client, password=PASSWORD, code=code)

    assert without.status_code == 400 and without.json()["error"]["code"] == "wrong_code"
    assert accepted.status_code == 204


@pytest.mark.django_db
def test_an_app_token_stops_working(player):
    login = APIClient().post(LOGIN, {"email": player.email, "password": PASSWORD}, format="json")
    token = login.json()["meta"]["access_token"]
    app = APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert app.get("/api/users/me").status_code == 200

    assert delete(app, password=PASSWORD).status_code == 204

    assert app.get("/api/users/me").status_code == 401


@pytest.mark.django_db
def test_the_delete_page_confirms_then_signs_out(player, alice_client):
    page = alice_client.get("/profile/delete/")
    unconfirmed = alice_client.post("/profile/delete/", {"password": PASSWORD})
    wrong = alice_client.post("/profile/delete/", {"password": "nope", "understood": "on"})
    assert User.objects.get(pk=player.pk).is_active

    done = alice_client.post("/profile/delete/", {"password": PASSWORD, "understood": "on"})

    assert page.status_code == 200 and b'name="understood"' in page.content
    assert unconfirmed.status_code == 400 and wrong.status_code == 400
    assert done.status_code == 302 and done["Location"] == "/"
    assert not User.objects.get(pk=player.pk).is_active
    assert alice_client.get("/profile/").status_code == 302  # signed out: to the login page


@pytest.mark.django_db
def test_a_player_in_a_live_match_is_refused(player, other_player, fund, player_client):
    from games.live_rps.models import LiveMatch, LiveSeat

    match = LiveMatch.objects.create(stake=10, player_one=player)
    LiveSeat.objects.create(player=player, match=match)
    before = snapshot(player)

    response = delete(player_client, password=PASSWORD)

    assert response.status_code == 409
    assert snapshot(player) == before


@pytest.mark.django_db
def test_the_pages_are_korean(alice_client):
    profile = alice_client.get("/profile/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    page = alice_client.get("/profile/delete/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert "내 데이터 내려받기" in profile and "Download my data" not in profile
    assert "계정을 영구히 삭제" in page and "Delete my account for good" not in page
    assert "내 데이터를 내려받는" in page


def test_no_player_can_take_a_placeholder_first():
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from accounts.models import nickname_validator
    from accounts.privacy import placeholder_name

    with pytest.raises(ValidationError):
        nickname_validator(placeholder_name(42))
    with pytest.raises(ValidationError):
        validate_email(f"{placeholder_name(42)}@deleted.invalid")


@pytest.mark.usefixtures("fresh_channel_layer")
@pytest.mark.django_db(transaction=True)
async def test_open_live_sockets_are_closed(client, player):
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator

    from accounts.privacy import account_delete
    from casino_club.asgi import application
    from tests.support.clients import session_headers

    headers = await sync_to_async(session_headers)(client, player)
    socket = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, _ = await socket.connect()
    assert connected and (await socket.receive_json_from())["type"] == "hello"

    await sync_to_async(account_delete)(player=player, password=PASSWORD)

    assert (await socket.receive_json_from(timeout=5))["type"] == "account_closed"
    assert (await socket.receive_output(timeout=5)) == {"type": "websocket.close", "code": 4401}
