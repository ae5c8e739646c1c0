"""Leaderboard skewing (OWASP OAT-016) and scripted grinding (OAT-006):
no client input reaches a score, scores equal what the ledger's rounds say,
and hammering play or the invite page gets 429 and no extra coins
(docs/safety.md, "Abuse cases")."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from accounts.actions import actions_process
from casino_club.config import THROTTLE_DEFAULTS
from economy.invites.services import invite_code_get
from economy.models import Entry, LedgerKind, Referral
from economy.selectors import player_balance
from games.models import GameRound
from tests.support.throttles import assert_throttled, within_one_window

pytestmark = pytest.mark.django_db

FORGED = {"payout": 1_000_000, "score": 1_000_000, "win": True, "net": 1_000_000}
PLAYS = {
    "slots": {"bet_per_line": 1, "lines": 20},
    "rps": {"bet": 10, "move": "rock"},
    "roulette": {"bets": [{"type": "red", "value": None, "amount": 10}]},
}


def board_score(client, board: str) -> int | None:
    response = client.get(f"/api/leaderboards/{board}?period=alltime")
    assert response.status_code == 200
    return response.json()["me"]["score"]


def ledger_net(player) -> int:
    """What the player's round transactions moved, per the ledger."""
    return (
        Entry.objects.filter(
            account__player=player,
            transaction__kind__in=[LedgerKind.WAGER, LedgerKind.PAYOUT],
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )


@pytest.mark.parametrize("slug", sorted(PLAYS))
def test_a_play_carrying_its_own_result_is_refused_and_changes_nothing(
    slug, player, player_client, fund
):
    fund(player, 1000)
    actions_process()
    balance = player_balance(player=player)

    response = player_client.post(
        f"/api/games/{slug}/play", {**PLAYS[slug], **FORGED}, format="json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_params"
    assert set(FORGED) <= set(error["fields"])
    assert player_balance(player=player) == balance
    assert not GameRound.objects.filter(player=player).exists()


def test_the_leaderboards_equal_what_the_ledgers_rounds_say(player, player_client, fund):
    fund(player, 5000)
    for number in range(12):
        slug = sorted(PLAYS)[number % 3]
        played = player_client.post(f"/api/games/{slug}/play", PLAYS[slug], format="json")
        assert played.status_code == 200, played.content
        # Forged results between real rounds are refused and count for nothing.
        forged = player_client.post(
            f"/api/games/{slug}/play", {**PLAYS[slug], **FORGED}, format="json"
        )
        assert forged.status_code == 400
    # A retried request (same Idempotency-Key) is one round, counted once.
    for _retry in range(3):
        player_client.post(
            "/api/games/slots/play", PLAYS["slots"], format="json", HTTP_IDEMPOTENCY_KEY="once"
        )
    actions_process()

    rounds = list(GameRound.objects.filter(player=player).values_list("wager", "payout"))
    assert len(rounds) == 13
    nets = [payout - wager for wager, payout in rounds]
    assert board_score(player_client, "net_winnings") == sum(nets) == ledger_net(player)
    best = max(nets)
    assert board_score(player_client, "biggest_win") == (best if best > 0 else None)


def test_no_endpoint_writes_a_score(player, player_client, fund):
    fund(player, 1000)
    player_client.post("/api/games/slots/play", PLAYS["slots"], format="json")
    actions_process()
    scores = {board: board_score(player_client, board) for board in ("net_winnings", "xp")}
    me = player_client.get("/api/users/me").json()

    for method in ("post", "put", "patch", "delete"):
        response = getattr(player_client, method)(
            "/api/leaderboards/net_winnings", {"score": 10**9}, format="json"
        )
        assert response.status_code == 405
        assert response.json()["error"]["code"] == "method_not_allowed"
    # The profile takes nickname, time zone, language and visibility; the
    # numbers it shows are not fields a client can set.
    patched = player_client.patch(
        "/api/users/me",
        {"coins": 10**9, "xp": 10**9, "level": 99, "score": 10**9, "time_zone": "UTC"},
        format="json",
    )
    assert patched.status_code == 200
    actions_process()

    after = player_client.get("/api/users/me").json()
    assert (after["coins"], after["xp"], after["level"]) == (me["coins"], me["xp"], me["level"])
    assert {board: board_score(player_client, board) for board in scores} == scores


def test_hammering_play_gets_429_and_pays_only_the_rounds_played(
    settings, player, player_client, fund
):
    settings.THROTTLE_RATES = dict(THROTTLE_DEFAULTS)
    fund(player, 10_000)
    actions_process()
    balance = player_balance(player=player)

    responses = within_one_window(
        lambda: player_client.post("/api/games/slots/play", PLAYS["slots"], format="json"), 20
    )

    assert [r.status_code for r in responses[:5]] == [200] * 5
    for refused in responses[5:]:
        assert_throttled(refused)
    rounds = GameRound.objects.filter(player=player)
    assert rounds.count() == 5
    net = sum(r.payout - r.wager for r in rounds)
    assert player_balance(player=player) == balance + net == responses[4].json()["balance"]


def test_hammering_the_claims_gets_429_and_one_bonus(settings, player, player_client):
    settings.THROTTLE_RATES = dict(THROTTLE_DEFAULTS)
    actions_process()
    balance = player_balance(player=player)

    responses = within_one_window(lambda: player_client.post("/api/bonus/daily/claim"), 15)

    assert responses[0].status_code == 201
    assert [r.status_code for r in responses[1:3]] == [409, 409]
    for refused in responses[3:]:
        assert_throttled(refused)
    assert player_balance(player=player) == balance + responses[0].json()["amount"]


def test_hammering_the_invite_page_gets_429(settings, player, other_player, client):
    settings.THROTTLE_RATES = dict(THROTTLE_DEFAULTS)
    code = invite_code_get(player=player).code
    client.force_login(other_player)

    responses = within_one_window(lambda: client.post(f"/join/{code}/"), 6)

    assert [r.status_code for r in responses[:3]] == [302, 200, 200]
    assert [r.status_code for r in responses[3:]] == [429] * 3
    assert responses[3]["Retry-After"]
    assert Referral.objects.filter(invitee=other_player).count() == 1
    # Reading the page is not counted.
    assert client.get(f"/join/{code}/").status_code == 200
