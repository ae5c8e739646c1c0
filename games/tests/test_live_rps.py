"""Live rock-paper-scissors between two players over /ws/rps/.

The cast: Alice (``player``) and Bob (``other_player``) play each other;
Charlie has no part in their match. Everyone starts with the signup grant
(1000 coins). Deadlines are tested by calling the sweep with a ``now`` past
them instead of waiting.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from accounts.models import Action
from casino_club.asgi import application
from casino_club.celery import app as celery_app
from economy import services as economy
from economy.models import LedgerKind
from economy.selectors import player_balance, system_balance
from games.fairness import commitment
from games.live_rps import services
from games.live_rps.errors import AlreadyInMatch, NotYourMatch
from games.live_rps.models import LiveMatch, LiveRating, LiveSeat, MatchOutcome, MatchStatus
from tests.support.clients import session_headers
from tests.support.races import run_threads

# The root conftest runs Celery eagerly: deadline tasks run in-process at once
# (eager ignores the eta); they find nothing due, which is also what proves
# they are harmless early.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

GRANT = 1000
STAKE = 100


@pytest.fixture
def third_player(make_player):
    return make_player("Charlie")


async def connect(client, user) -> WebsocketCommunicator:
    headers = await sync_to_async(session_headers)(client, user)
    communicator = WebsocketCommunicator(application, "/ws/rps/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    hello = await communicator.receive_json_from()
    assert hello["type"] == "hello"
    return communicator


async def receive_until(communicator, message_type: str, timeout: float = 3) -> dict:
    """The next message of ``message_type``, skipping the others on the way."""
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if message["type"] == message_type:
            return message
        assert message["type"] != "error", message


async def start_match(client, alice, bob, stake: int = STAKE):
    alice_socket = await connect(client, alice)
    bob_socket = await connect(client, bob)
    await alice_socket.send_json_to({"type": "find", "stake": stake})
    queued = await alice_socket.receive_json_from()
    assert queued["type"] == "queued"
    await bob_socket.send_json_to({"type": "find", "stake": stake})
    bob_matched = await bob_socket.receive_json_from()
    alice_matched = await receive_until(alice_socket, "matched")
    assert bob_matched["match"] == alice_matched["match"] == queued["match"]
    return alice_socket, bob_socket, bob_matched["match"]


async def commit_both(alice_socket, bob_socket, match_id, alice_move, bob_move):
    await alice_socket.send_json_to(
        {"type": "commit", "match": match_id, "commitment": commitment(alice_move, "salt-a")}
    )
    assert (await alice_socket.receive_json_from())["type"] == "committed"
    assert (await bob_socket.receive_json_from())["type"] == "opponent_committed"
    await bob_socket.send_json_to(
        {"type": "commit", "match": match_id, "commitment": commitment(bob_move, "salt-b")}
    )
    await receive_until(alice_socket, "reveal_phase")
    await receive_until(bob_socket, "reveal_phase")


async def reveal_both(alice_socket, bob_socket, match_id, alice_move, bob_move):
    await alice_socket.send_json_to(
        {"type": "reveal", "match": match_id, "move": alice_move, "salt": "salt-a"}
    )
    assert (await alice_socket.receive_json_from())["type"] == "revealed"
    assert (await bob_socket.receive_json_from())["type"] == "opponent_revealed"
    await bob_socket.send_json_to(
        {"type": "reveal", "match": match_id, "move": bob_move, "salt": "salt-b"}
    )
    return await receive_until(alice_socket, "result"), await receive_until(bob_socket, "result")


def balances(*players) -> list[int]:
    return [player_balance(player=p) for p in players]


def escrow() -> int:
    return system_balance(code=economy.ESCROW)


def drain(player, *, leave: int) -> None:
    """Spend coins in the shop (through the ledger) until ``leave`` remain."""
    economy.ledger_transfer(
        source=economy.player_account(player=player),
        destination=economy.system_account(code=economy.SHOP_SINK),
        amount=player_balance(player=player) - leave,
        kind=LedgerKind.SHOP_PURCHASE,
    )


def form_match(alice, bob, stake: int = STAKE, now=None) -> LiveMatch:
    services.match_find(player=alice, stake=stake, now=now)
    result = services.match_find(player=bob, stake=stake, now=now)
    assert result.formed
    return result.match


def to_reveal_phase(match, alice, bob, alice_move="rock", bob_move="scissors", now=None):
    services.match_commit(
        player=alice, match_id=match.pk, commitment=commitment(alice_move, "a"), now=now
    )
    services.match_commit(
        player=bob, match_id=match.pk, commitment=commitment(bob_move, "b"), now=now
    )


# --- full matches over the socket --------------------------------------------------


async def test_a_full_match_pays_the_winner_both_stakes(client, player, other_player):
    alice_socket, bob_socket, match_id = await start_match(client, player, other_player)
    assert await sync_to_async(balances)(player, other_player) == [GRANT - STAKE, GRANT - STAKE]
    assert await sync_to_async(escrow)() == 2 * STAKE

    await commit_both(alice_socket, bob_socket, match_id, "rock", "scissors")
    alice_result, bob_result = await reveal_both(
        alice_socket, bob_socket, match_id, "rock", "scissors"
    )

    assert alice_result == {
        "type": "result",
        "match": match_id,
        "stake": STAKE,
        "your_move": "rock",
        "their_move": "scissors",
        "outcome": "win",
        "payout": 2 * STAKE,
        "balance": GRANT + STAKE,
        "rating": 1216,
    }
    assert bob_result["outcome"] == "loss"
    assert bob_result["payout"] == 0
    assert bob_result["balance"] == GRANT - STAKE
    assert bob_result["rating"] == 1184
    assert await sync_to_async(balances)(player, other_player) == [GRANT + STAKE, GRANT - STAKE]
    assert await sync_to_async(escrow)() == 0

    def stored():
        match = LiveMatch.objects.get(pk=match_id)
        alice_rating = LiveRating.objects.get(player=player)
        return (
            match.status,
            match.outcome,
            (alice_rating.rating, alice_rating.wins, alice_rating.games),
            LiveRating.objects.get(player=other_player).losses,
            sorted(
                Action.objects.filter(type__startswith="LIVE_MATCH").values_list("type", "player")
            ),
            LiveSeat.objects.count(),
        )

    assert await sync_to_async(stored)() == (
        MatchStatus.SETTLED,
        MatchOutcome.ONE_WON,
        (1216, 1, 1),
        1,
        sorted(
            [
                ("LIVE_MATCH_PLAYED", player.pk),
                ("LIVE_MATCH_PLAYED", other_player.pk),
                ("LIVE_MATCH_WON", player.pk),
            ]
        ),
        0,
    )
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_a_tie_refunds_both(client, player, other_player):
    alice_socket, bob_socket, match_id = await start_match(client, player, other_player)
    await commit_both(alice_socket, bob_socket, match_id, "paper", "paper")
    alice_result, bob_result = await reveal_both(
        alice_socket, bob_socket, match_id, "paper", "paper"
    )

    assert (alice_result["outcome"], alice_result["payout"], alice_result["rating"]) == (
        "tie",
        STAKE,
        1200,
    )
    assert bob_result["outcome"] == "tie"
    assert await sync_to_async(balances)(player, other_player) == [GRANT, GRANT]
    assert await sync_to_async(escrow)() == 0
    draws = await sync_to_async(
        lambda: list(LiveRating.objects.order_by("player").values_list("draws", flat=True))
    )()
    assert draws == [1, 1]
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_both_ask_for_a_rematch_and_a_new_match_forms(client, player, other_player):
    alice_socket, bob_socket, match_id = await start_match(client, player, other_player)
    await commit_both(alice_socket, bob_socket, match_id, "rock", "paper")
    await reveal_both(alice_socket, bob_socket, match_id, "rock", "paper")

    await alice_socket.send_json_to({"type": "rematch", "match": match_id})
    assert await alice_socket.receive_json_from() == {
        "type": "rematch_requested",
        "match": match_id,
        "by": "you",
    }
    assert (await bob_socket.receive_json_from())["by"] == "opponent"
    await bob_socket.send_json_to({"type": "rematch", "match": match_id})
    bob_matched = await receive_until(bob_socket, "matched")
    alice_matched = await receive_until(alice_socket, "matched")

    assert bob_matched["match"] == alice_matched["match"] != match_id
    assert alice_matched["rematch_of"] == match_id
    assert alice_matched["opponent"] == "Bob"
    assert bob_matched["opponent_rating"] == 1184  # Alice lost the first match
    assert await sync_to_async(escrow)() == 2 * STAKE
    assert await sync_to_async(balances)(player, other_player) == [
        GRANT - 2 * STAKE,
        GRANT,
    ]
    await alice_socket.disconnect()
    await bob_socket.disconnect()


# --- deadlines, leaving, refunds -------------------------------------------------------


async def test_the_player_who_did_not_reveal_forfeits_at_the_deadline(client, player, other_player):
    alice_socket, bob_socket, match_id = await start_match(client, player, other_player)
    await commit_both(alice_socket, bob_socket, match_id, "rock", "paper")
    await alice_socket.send_json_to(
        {"type": "reveal", "match": match_id, "move": "rock", "salt": "salt-a"}
    )
    await receive_until(alice_socket, "revealed")

    # Bob would have won with paper, but never reveals it.
    later = timezone.now() + timedelta(seconds=31)
    ended = await sync_to_async(services.live_matches_expire_overdue)(now=later)

    assert ended == 1
    alice_result = await receive_until(alice_socket, "result")
    bob_result = await receive_until(bob_socket, "result")
    assert (alice_result["outcome"], alice_result["payout"]) == ("forfeit_win", 2 * STAKE)
    assert (bob_result["outcome"], bob_result["their_move"]) == ("forfeit_loss", "rock")
    assert await sync_to_async(balances)(player, other_player) == [GRANT + STAKE, GRANT - STAKE]
    assert await sync_to_async(escrow)() == 0
    match = await sync_to_async(LiveMatch.objects.get)(pk=match_id)
    assert (match.status, match.outcome) == (MatchStatus.FORFEITED, MatchOutcome.ONE_FORFEIT_WIN)
    # A second sweep (or the deadline task arriving late) changes nothing.
    assert await sync_to_async(services.live_matches_expire_overdue)(now=later) == 0
    assert await sync_to_async(services.match_expire)(match_id=match_id, now=later) is False
    assert await sync_to_async(balances)(player, other_player) == [GRANT + STAKE, GRANT - STAKE]
    await alice_socket.disconnect()
    await bob_socket.disconnect()


def test_nobody_revealing_refunds_both(player, other_player):
    match = form_match(player, other_player)
    to_reveal_phase(match, player, other_player)
    match.refresh_from_db()

    assert services.match_expire(match_id=match.pk, now=match.reveal_deadline) is True

    match.refresh_from_db()
    assert (match.status, match.outcome) == (MatchStatus.ABANDONED, MatchOutcome.REFUNDED)
    assert balances(player, other_player) == [GRANT, GRANT]
    assert escrow() == 0
    assert not LiveRating.objects.exists()  # refunds are not games for the rating


def test_deadlines_do_nothing_before_they_pass(player, other_player):
    match = form_match(player, other_player)

    assert (
        services.live_matches_expire_overdue(now=match.commit_deadline - timedelta(seconds=1)) == 0
    )
    assert services.match_expire(match_id=match.pk) is False

    match.refresh_from_db()
    assert match.status == MatchStatus.COMMITTING
    assert escrow() == 2 * STAKE


def test_the_commit_deadline_refunds_both(player, other_player):
    match = form_match(player, other_player)
    services.match_commit(player=player, match_id=match.pk, commitment=commitment("rock", "a"))

    assert services.live_matches_expire_overdue(now=match.commit_deadline) == 1

    match.refresh_from_db()
    assert (match.status, match.outcome) == (MatchStatus.ABANDONED, MatchOutcome.REFUNDED)
    assert balances(player, other_player) == [GRANT, GRANT]
    assert escrow() == 0
    assert not LiveSeat.objects.exists()


def test_forming_a_match_schedules_its_deadline_task_by_name(player, other_player, settings):
    # Given a commit window of zero, the deadline task (run at once: eager)
    # finds the match overdue as soon as the forming transaction commits.
    settings.LIVE_RPS_COMMIT_SECONDS = 0
    assert services.EXPIRE_TASK in celery_app.tasks

    match = form_match(player, other_player)

    match.refresh_from_db()
    assert (match.status, match.outcome) == (MatchStatus.ABANDONED, MatchOutcome.REFUNDED)
    assert balances(player, other_player) == [GRANT, GRANT]
    assert escrow() == 0


def test_a_late_commit_is_refused_and_settles_the_overdue_match(player, other_player):
    match = form_match(player, other_player)

    from games.live_rps.errors import WrongPhase

    with pytest.raises(WrongPhase):
        services.match_commit(
            player=player,
            match_id=match.pk,
            commitment=commitment("rock", "a"),
            now=match.commit_deadline + timedelta(seconds=1),
        )

    match.refresh_from_db()
    assert match.status == MatchStatus.ABANDONED
    assert match.one_commitment == ""
    assert balances(player, other_player) == [GRANT, GRANT]
    assert escrow() == 0


async def test_leaving_before_both_committed_refunds_both(client, player, other_player):
    alice_socket, bob_socket, match_id = await start_match(client, player, other_player)
    await alice_socket.send_json_to(
        {"type": "commit", "match": match_id, "commitment": commitment("rock", "a")}
    )
    await receive_until(alice_socket, "committed")

    await bob_socket.disconnect()

    result = await receive_until(alice_socket, "result")
    assert (result["outcome"], result["payout"], result["balance"]) == ("refunded", STAKE, GRANT)
    assert await sync_to_async(balances)(player, other_player) == [GRANT, GRANT]
    assert await sync_to_async(escrow)() == 0
    await alice_socket.disconnect()


async def test_cancel_leaves_the_queue(client, player):
    alice_socket = await connect(client, player)
    await alice_socket.send_json_to({"type": "find", "stake": STAKE})
    queued = await alice_socket.receive_json_from()

    await alice_socket.send_json_to({"type": "cancel"})

    assert await alice_socket.receive_json_from() == {
        "type": "cancelled",
        "match": queued["match"],
        "reason": "cancelled",
    }
    assert await alice_socket.receive_nothing(timeout=0.2)
    assert await sync_to_async(LiveSeat.objects.exists)() is False
    await alice_socket.send_json_to({"type": "cancel"})
    assert (await alice_socket.receive_json_from())["code"] == "no_open_match"
    await alice_socket.disconnect()


async def test_a_reloaded_page_resumes_its_match(client, player, other_player):
    alice_socket, bob_socket, match_id = await start_match(client, player, other_player)
    await alice_socket.send_json_to(
        {"type": "commit", "match": match_id, "commitment": commitment("rock", "a")}
    )
    await receive_until(alice_socket, "committed")
    # A second tab of Alice's (the first stays open, so nothing is abandoned).
    second_tab = await connect(client, player)

    assert (await second_tab.receive_json_from())["match"] == match_id  # matched
    assert await second_tab.receive_json_from() == {"type": "committed", "match": match_id}
    for socket in (second_tab, alice_socket, bob_socket):
        await socket.disconnect()


# --- what a player cannot do ---------------------------------------------------------


async def test_a_replayed_commit_is_rejected(client, player, other_player):
    alice_socket, bob_socket, match_id = await start_match(client, player, other_player)
    await alice_socket.send_json_to({"type": "commit", "match": match_id, "commitment": "AB"})
    assert (await alice_socket.receive_json_from())["code"] == "invalid_commitment"
    first = commitment("rock", "a")
    await alice_socket.send_json_to({"type": "commit", "match": match_id, "commitment": first})
    await receive_until(alice_socket, "committed")

    await alice_socket.send_json_to(
        {"type": "commit", "match": match_id, "commitment": commitment("paper", "b")}
    )

    error = await alice_socket.receive_json_from()
    assert (error["type"], error["code"]) == ("error", "already_committed")
    match = await sync_to_async(LiveMatch.objects.get)(pk=match_id)
    assert (match.status, match.one_commitment, match.two_commitment) == (
        MatchStatus.COMMITTING,
        first,
        "",
    )
    await bob_socket.receive_json_from()  # opponent_committed, once
    assert await bob_socket.receive_nothing(timeout=0.2)
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_a_reveal_that_does_not_match_is_rejected_and_may_be_retried(
    client, player, other_player
):
    alice_socket, bob_socket, match_id = await start_match(client, player, other_player)
    await commit_both(alice_socket, bob_socket, match_id, "rock", "scissors")

    # Claiming paper (which would beat Bob's hidden scissors? no: it loses) or
    # a wrong salt: either way the commitment does not match.
    for move, salt in (("paper", "salt-a"), ("rock", "other-salt")):
        await alice_socket.send_json_to(
            {"type": "reveal", "match": match_id, "move": move, "salt": salt}
        )
        error = await alice_socket.receive_json_from()
        assert error["code"] == "bad_reveal"
    match = await sync_to_async(LiveMatch.objects.get)(pk=match_id)
    assert (match.status, match.one_move) == (MatchStatus.REVEALING, "")
    assert await bob_socket.receive_nothing(timeout=0.2)

    alice_result, _ = await reveal_both(alice_socket, bob_socket, match_id, "rock", "scissors")
    assert alice_result["outcome"] == "win"
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_messages_about_someone_elses_match_are_rejected(
    client, player, other_player, third_player
):
    alice_socket, bob_socket, match_id = await start_match(client, player, other_player)
    await commit_both(alice_socket, bob_socket, match_id, "rock", "scissors")
    await alice_socket.send_json_to(
        {"type": "reveal", "match": match_id, "move": "rock", "salt": "salt-a"}
    )
    await receive_until(alice_socket, "revealed")
    await receive_until(bob_socket, "opponent_revealed")
    charlie_socket = await connect(client, third_player)

    for message in (
        {"type": "commit", "match": match_id, "commitment": commitment("rock", "c")},
        {"type": "reveal", "match": match_id, "move": "rock", "salt": "salt-a"},
        {"type": "rematch", "match": match_id},
    ):
        await charlie_socket.send_json_to(message)
        error = await charlie_socket.receive_json_from()
        assert (error["type"], error["code"]) == ("error", "not_your_match")

    # Even after the reveal deadline, Charlie's message does not end the match.
    def charlie_after_deadline():
        match = LiveMatch.objects.get(pk=match_id)
        with pytest.raises(NotYourMatch):
            services.match_reveal(
                player=third_player,
                match_id=match_id,
                move="rock",
                salt="salt-a",
                now=match.reveal_deadline + timedelta(seconds=1),
            )
        return LiveMatch.objects.get(pk=match_id).status

    assert await sync_to_async(charlie_after_deadline)() == MatchStatus.REVEALING
    assert await sync_to_async(balances)(player, other_player, third_player) == [
        GRANT - STAKE,
        GRANT - STAKE,
        GRANT,
    ]
    assert await sync_to_async(escrow)() == 2 * STAKE
    assert await alice_socket.receive_nothing(timeout=0.2)
    for socket in (charlie_socket, alice_socket, bob_socket):
        await socket.disconnect()


async def test_a_player_too_poor_for_the_stake_is_not_matched(client, player, other_player):
    await sync_to_async(drain)(other_player, leave=STAKE - 1)
    alice_socket = await connect(client, player)
    bob_socket = await connect(client, other_player)
    await alice_socket.send_json_to({"type": "find", "stake": STAKE})
    queued = await alice_socket.receive_json_from()

    await bob_socket.send_json_to({"type": "find", "stake": STAKE})

    error = await bob_socket.receive_json_from()
    assert (error["type"], error["code"]) == ("error", "insufficient_coins")
    assert await sync_to_async(balances)(player, other_player) == [GRANT, STAKE - 1]
    assert await sync_to_async(escrow)() == 0
    match = await sync_to_async(LiveMatch.objects.get)(pk=queued["match"])
    assert (match.status, match.player_two_id) == (MatchStatus.WAITING, None)
    assert await sync_to_async(LiveSeat.objects.filter(player=other_player).exists)() is False
    assert await alice_socket.receive_nothing(timeout=0.2)
    await alice_socket.disconnect()
    await bob_socket.disconnect()


def test_a_waiting_player_who_spent_their_coins_loses_their_place(
    player, other_player, third_player
):
    services.match_find(player=player, stake=STAKE)
    drain(player, leave=0)

    result = services.match_find(player=other_player, stake=STAKE)

    assert result.formed is False  # Bob now waits in Alice's place
    assert list(LiveMatch.objects.order_by("pk").values_list("status", "outcome")) == [
        (MatchStatus.ABANDONED, MatchOutcome.CANCELLED),
        (MatchStatus.WAITING, ""),
    ]
    assert balances(player, other_player) == [0, GRANT]
    assert escrow() == 0
    assert services.match_find(player=third_player, stake=STAKE).formed is True


def test_a_player_is_in_at_most_one_open_match(player, other_player):
    services.match_find(player=player, stake=STAKE)

    with pytest.raises(AlreadyInMatch):
        services.match_find(player=player, stake=50)
    form_match_with = services.match_find(player=other_player, stake=STAKE)
    with pytest.raises(AlreadyInMatch):
        services.match_find(player=other_player, stake=STAKE)

    assert form_match_with.formed is True
    assert LiveMatch.objects.count() == 1
    assert escrow() == 2 * STAKE


def test_a_rematch_needs_both_players_to_have_the_stake(player, other_player):
    match = form_match(player, other_player)
    to_reveal_phase(match, player, other_player, "rock", "scissors")
    services.match_reveal(player=player, match_id=match.pk, move="rock", salt="a")
    services.match_reveal(player=other_player, match_id=match.pk, move="scissors", salt="b")
    drain(other_player, leave=0)

    from economy.errors import InsufficientCoins

    assert services.match_rematch(player=other_player, match_id=match.pk) is None
    with pytest.raises(InsufficientCoins, match="opponent"):
        services.match_rematch(player=player, match_id=match.pk)

    assert LiveMatch.objects.count() == 1
    assert balances(player, other_player) == [GRANT + STAKE, 0]
    assert escrow() == 0


async def test_malformed_messages_get_an_error_and_the_socket_stays_open(client, player):
    alice_socket = await connect(client, player)
    cases = [
        ("{nope", "bad_json"),
        ("[1, 2]", "bad_message"),
        ('{"stake": 10}', "bad_message"),
        ('{"type": 7}', "bad_message"),
        ('{"type": "dance"}', "unknown_type"),
        ('{"type": "find", "padding": "' + "x" * 5000 + '"}', "bad_message"),
        ('{"type": "find", "stake": 7}', "invalid_stake"),
        ('{"type": "find", "stake": "100"}', "invalid_stake"),
        ('{"type": "find", "stake": true}', "invalid_stake"),
        ('{"type": "commit", "commitment": "ab"}', "not_found"),
        ('{"type": "commit", "match": "1", "commitment": "x"}', "not_found"),
        ('{"type": "commit", "match": 999999, "commitment": "x"}', "not_found"),
        ('{"type": "reveal", "match": null}', "not_found"),
        ('{"type": "rematch", "match": 999999}', "not_found"),
    ]
    for text, code in cases:
        await alice_socket.send_to(text_data=text)
        error = await alice_socket.receive_json_from()
        assert (error["type"], error["code"]) == ("error", code), text
    await alice_socket.send_to(bytes_data=b"{}")
    assert (await alice_socket.receive_json_from())["code"] == "bad_message"

    await alice_socket.send_json_to({"type": "find", "stake": STAKE})
    assert (await alice_socket.receive_json_from())["type"] == "queued"
    assert await sync_to_async(LiveMatch.objects.count)() == 1
    await alice_socket.disconnect()


async def test_anonymous_socket_is_closed():
    communicator = WebsocketCommunicator(
        application, "/ws/rps/", headers=[(b"origin", b"http://localhost")]
    )
    connected, code = await communicator.connect()

    assert connected is False
    assert code == 4401


# --- concurrency (PostgreSQL) ---------------------------------------------------------


@pytest.mark.postgres
def test_concurrent_deadline_runs_settle_a_match_exactly_once(player, other_player):
    match = form_match(player, other_player)
    to_reveal_phase(match, player, other_player, "rock", "paper")
    services.match_reveal(player=player, match_id=match.pk, move="rock", salt="a")
    match.refresh_from_db()
    later = match.reveal_deadline + timedelta(seconds=1)

    results = run_threads(
        12,
        lambda i: (
            services.match_expire(match_id=match.pk, now=later)
            if i % 2
            else services.live_matches_expire_overdue(now=later)
        ),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(int(r) for r in results) == 1
    assert balances(player, other_player) == [GRANT + STAKE, GRANT - STAKE]
    assert escrow() == 0
    payouts = LedgerKind.PAYOUT
    from economy.models import LedgerTransaction

    assert LedgerTransaction.objects.filter(reference=match.reference, kind=payouts).count() == 1
    assert Action.objects.filter(type="LIVE_MATCH_WON").count() == 1
    assert LiveRating.objects.get(player=player).games == 1


@pytest.mark.postgres
def test_concurrent_reveal_and_deadline_move_the_escrow_once(player, other_player):
    match = form_match(player, other_player)
    to_reveal_phase(match, player, other_player, "rock", "paper")
    services.match_reveal(player=player, match_id=match.pk, move="rock", salt="a")
    match.refresh_from_db()
    at_deadline = match.reveal_deadline

    def work(i: int):
        if i == 0:
            return services.match_reveal(
                player=other_player,
                match_id=match.pk,
                move="paper",
                salt="b",
                now=at_deadline - timedelta(milliseconds=1),
            )
        return services.match_expire(match_id=match.pk, now=at_deadline)

    results = run_threads(6, work)

    match.refresh_from_db()
    assert match.status in (MatchStatus.SETTLED, MatchStatus.FORFEITED)
    winner_gain = STAKE if match.status == MatchStatus.FORFEITED else -STAKE
    assert balances(player, other_player) == [GRANT + winner_gain, GRANT - winner_gain]
    assert escrow() == 0
    assert all(not isinstance(r, Exception) or r.code == "wrong_phase" for r in results), results


@pytest.mark.postgres
def test_concurrent_finds_never_seat_a_player_twice(make_player):
    players = [make_player(f"racer{i}") for i in range(10)]
    # Each player fires twice at once (two tabs).
    results = run_threads(20, lambda i: services.match_find(player=players[i % 10], stake=STAKE))

    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, AlreadyInMatch) for e in errors), errors
    formed = LiveMatch.objects.filter(status=MatchStatus.COMMITTING).count()
    waiting = LiveMatch.objects.filter(status=MatchStatus.WAITING).count()
    assert 2 * formed + waiting == 10
    assert LiveSeat.objects.count() == 10
    assert escrow() == 2 * STAKE * formed
    assert sum(balances(*players)) == 10 * GRANT - 2 * STAKE * formed


# --- the page -------------------------------------------------------------------------


def test_the_page_offers_the_stakes_to_a_signed_in_player(client, player):
    client.force_login(player)

    response = client.get("/games/live-rps/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-socket-path="/ws/rps/"' in page
    assert all(f'value="{stake}"' in page for stake in services.live_stakes())
    assert "games/live_rps.js" in page


def test_the_page_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/games/live-rps/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_sweep_is_scheduled_every_30_seconds():
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    # Transactional tests flush the migration's rows, so run its function
    # again (twice: get_or_create leaves an existing schedule alone).
    migration = importlib.import_module("games.migrations.0002_live_rps")
    migration.create_sweep_schedule(apps, None)
    migration.create_sweep_schedule(apps, None)

    task = PeriodicTask.objects.get(task="games.live_rps_sweep")
    assert (task.interval.every, task.interval.period) == (30, "seconds")
    assert "games.live_rps_sweep" in celery_app.tasks
