"""Responsible play stops every way of wagering coins in games.

Entry points: each game's round API (and ``round_play`` under it), the game
pages (banner), the live-RPS page (banner) and socket (find, rematch,
commit), a player waiting in the live queue. Alice (``player``) sets limits
or takes a break; Bob (``other_player``) is her live opponent.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from accounts import responsible, responsible_settings
from accounts.models import PlayDay, PlaySettings
from casino_club.asgi import application
from economy.selectors import player_balance
from games.live_rps import services as live
from games.live_rps.models import LiveMatch, MatchStatus
from games.models import GameRound
from games.services import round_play, seed_pair_active
from tests.support.clients import session_headers
from tests.support.ledger import give_coins
from tests.support.races import errors_of, run_threads
from tests.support.rounds import assert_ledger_reconciles, snapshot

BETS = {
    "slots": ({"bet_per_line": 1, "lines": 20}, 20),
    "roulette": ({"bets": [{"type": "red", "value": None, "amount": 20}]}, 20),
    "rps": ({"bet": 20, "move": "rock"}, 20),
}


async def connect(client, user) -> WebsocketCommunicator:
    """A real /ws/rps/ socket signed in as ``user`` (as in test_live_rps.py)."""
    headers = await sync_to_async(session_headers)(client, user)
    communicator = WebsocketCommunicator(application, "/ws/rps/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["type"] == "hello"
    return communicator


def form_match(alice, bob, stake: int = 100) -> LiveMatch:
    live.match_find(player=alice, stake=stake)
    result = live.match_find(player=bob, stake=stake)
    assert result.formed
    return result.match


def play(client, slug):
    return client.post(f"/api/games/{slug}/play", BETS[slug][0], format="json")


@pytest.mark.django_db
@pytest.mark.parametrize("slug", sorted(BETS))
def test_the_daily_wager_limit_stops_each_game_at_exactly_the_limit(player_client, funded, slug):
    responsible_settings.limits_update(player=funded, wager_limit=3 * BETS[slug][1])
    for _ in range(3):
        assert play(player_client, slug).status_code == 200

    before = snapshot(funded)
    response = play(player_client, slug)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "daily_wager_limit"
    assert "tomorrow" in response.json()["error"]["message"]
    assert snapshot(funded) == before
    assert PlayDay.objects.get(player=funded).wagered == 3 * BETS[slug][1]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", sorted(BETS))
@pytest.mark.parametrize(
    ("kind", "duration", "code"),
    [("cool_off", "24h", "cool_off"), ("self_exclusion", "permanent", "self_excluded")],
)
def test_a_break_stops_each_game(player_client, funded, slug, kind, duration, code):
    responsible_settings.exclusion_start(player=funded, kind=kind, duration=duration, confirm=True)
    before = snapshot(funded)

    response = play(player_client, slug)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == code
    assert snapshot(funded) == before


@pytest.mark.django_db
@pytest.mark.parametrize("slug", sorted(BETS))
def test_the_daily_time_limit_stops_each_game(funded, slug):
    start = timezone.now() - timedelta(minutes=20)
    responsible_settings.limits_update(player=funded, minutes_limit=15, at=start)
    responsible.play_round(player=funded, stake=1, at=start)
    responsible.play_round(player=funded, stake=1, at=start + timedelta(minutes=14))
    before = snapshot(funded)

    with pytest.raises(responsible.DailyTimeLimit):
        round_play(player=funded, slug=slug, params=BETS[slug][0])
    assert snapshot(funded) == before


@pytest.mark.django_db
def test_a_round_counts_its_wager_and_payout_for_the_day_and_session(funded):
    result = round_play(player=funded, slug="rps", params=BETS["rps"][0])

    day = PlayDay.objects.get(player=funded)
    assert (day.wagered, day.paid_out, day.rounds) == (20, result.round.payout, 1)
    assert PlaySettings.objects.get(player=funded).session_net == result.round.payout - 20


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/games/slots/", "/games/roulette/", "/games/rps/", "/games/live-rps/"]
)
def test_game_pages_show_the_banner_when_play_is_stopped(client, player, path):
    client.force_login(player)
    assert 'data-testid="play-blocked"' not in client.get(path).content.decode()

    responsible_settings.exclusion_start(
        player=player, kind="cool_off", duration="7d", confirm=True
    )
    page = client.get(path).content.decode()

    assert 'data-testid="play-blocked"' in page
    assert "cool-off" in page
    assert "data-reality-check" in page


@pytest.mark.django_db
def test_the_banner_names_a_reached_wager_limit(client, funded):
    client.force_login(funded)
    responsible_settings.limits_update(player=funded, wager_limit=20)
    round_play(player=funded, slug="slots", params=BETS["slots"][0])

    page = client.get("/games/slots/").content.decode()

    assert "daily limit on coins wagered" in page


# --- live rock-paper-scissors --------------------------------------------------------

live_db = pytest.mark.django_db(transaction=True)


@live_db
@pytest.mark.usefixtures("fresh_channel_layer")
async def test_a_cooling_off_player_cannot_find_a_match_over_the_socket(client, player):
    await sync_to_async(responsible_settings.exclusion_start)(
        player=player, kind="cool_off", duration="24h", confirm=True
    )
    socket = await connect(client, player)

    await socket.send_json_to({"type": "find", "stake": 100})
    error = await socket.receive_json_from()

    assert error["type"] == "error" and error["code"] == "cool_off"
    assert await sync_to_async(LiveMatch.objects.count)() == 0
    await socket.disconnect()


@live_db
@pytest.mark.usefixtures("fresh_channel_layer")
async def test_a_player_at_the_wager_limit_cannot_find_a_match(client, player, other_player):
    await sync_to_async(responsible_settings.limits_update)(player=player, wager_limit=50)
    alice, bob = await connect(client, player), await connect(client, other_player)

    await bob.send_json_to({"type": "find", "stake": 100})
    assert (await bob.receive_json_from())["type"] == "queued"
    await alice.send_json_to({"type": "find", "stake": 100})
    error = await receive_until_error(alice)

    assert error["code"] == "daily_wager_limit"
    balances = await sync_to_async(
        lambda: [player_balance(player=p) for p in (player, other_player)]
    )()
    assert balances == [1000, 1000]
    await alice.disconnect()
    await bob.disconnect()


async def receive_until_error(socket) -> dict:
    while True:
        message = await socket.receive_json_from(timeout=3)
        if message["type"] == "error":
            return message


@live_db
def test_a_waiting_player_who_starts_a_break_leaves_the_queue(player, other_player):
    live.match_find(player=player, stake=100)
    responsible_settings.exclusion_start(
        player=player, kind="cool_off", duration="24h", confirm=True
    )

    result = live.match_find(player=other_player, stake=100)

    assert not result.formed
    waiting = LiveMatch.objects.get(player_one=player)
    assert waiting.status == MatchStatus.ABANDONED
    assert player_balance(player=player) == 1000


@live_db
def test_moves_and_rematches_stop_during_a_break(player, other_player):
    match = form_match(player, other_player)
    responsible_settings.exclusion_start(
        player=player, kind="self_exclusion", duration="6m", confirm=True
    )

    with pytest.raises(responsible.SelfExcluded):
        live.match_commit(player=player, match_id=match.pk, commitment="a" * 64)
    live.match_cancel(player=other_player)  # refunds both
    assert player_balance(player=player) == 1000
    with pytest.raises(responsible.SelfExcluded):
        live.match_rematch(player=player, match_id=match.pk)


@live_db
def test_a_live_stake_counts_toward_the_daily_limit_and_its_payout_toward_net(player, other_player):
    responsible_settings.limits_update(player=player, wager_limit=150)
    match = form_match(player, other_player)
    live.match_cancel(player=player)  # abandoned: both stakes come back

    day = PlayDay.objects.get(player=player)
    assert (day.wagered, day.paid_out) == (100, 100)
    with pytest.raises(responsible.DailyWagerLimit):
        live.match_find(player=player, stake=100)  # 200 would pass 150
    live.match_find(player=player, stake=50)  # 150 is allowed
    assert player_balance(player=player) == 1000
    assert LiveMatch.objects.filter(status=MatchStatus.WAITING, player_one=player).count() == 1
    assert match.pk


# --- the race -------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_rounds_never_pass_the_daily_wager_limit(make_player):
    player = make_player("Alice")
    give_coins(player, 100_000)
    seed_pair_active(player=player)
    responsible_settings.limits_update(player=player, wager_limit=5 * 20)

    def spin(index: int) -> None:
        round_play(player=player, slug="slots", params=BETS["slots"][0])

    outcomes = run_threads(12, spin)

    refused = [e for e in errors_of(outcomes) if isinstance(e, responsible.DailyWagerLimit)]
    assert len(refused) == 7 and len(errors_of(outcomes)) == 7
    assert GameRound.objects.filter(player=player).count() == 5
    assert PlayDay.objects.get(player=player).wagered == 100
    assert_ledger_reconciles()
