from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator
from django.db import transaction

from accounts.live import push_to_player
from casino_club.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def session_headers(client, user) -> list[tuple[bytes, bytes]]:
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    return [(b"origin", b"http://localhost"), (b"cookie", f"sessionid={cookie}".encode())]


async def test_anonymous_socket_is_closed():
    communicator = WebsocketCommunicator(
        application, "/ws/live/", headers=[(b"origin", b"http://localhost")]
    )
    connected, code = await communicator.connect()

    assert connected is False
    assert code == 4401


async def test_foreign_origin_is_rejected(client, player):
    from asgiref.sync import sync_to_async

    headers = await sync_to_async(session_headers)(client, player)
    headers[0] = (b"origin", b"http://evil.example")
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, _ = await communicator.connect()

    assert connected is False


async def test_player_receives_a_push_sent_to_their_group(client, player, other_player):
    from asgiref.sync import sync_to_async

    alice = WebsocketCommunicator(
        application, "/ws/live/", headers=await sync_to_async(session_headers)(client, player)
    )
    connected, _ = await alice.connect()
    assert connected
    assert (await alice.receive_json_from())["type"] == "hello"

    def push_after_commit():
        with transaction.atomic():
            push_to_player(player.pk, {"type": "test.push", "text": "hi Alice"})
            push_to_player(other_player.pk, {"type": "test.push", "text": "not for Alice"})

    await sync_to_async(push_after_commit)()

    assert await alice.receive_json_from(timeout=3) == {"type": "test.push", "text": "hi Alice"}
    assert await alice.receive_nothing(timeout=0.3)
    await alice.disconnect()


async def test_push_is_dropped_when_the_transaction_rolls_back(client, player):
    from asgiref.sync import sync_to_async

    alice = WebsocketCommunicator(
        application, "/ws/live/", headers=await sync_to_async(session_headers)(client, player)
    )
    await alice.connect()
    await alice.receive_json_from()

    def push_then_fail():
        try:
            with transaction.atomic():
                push_to_player(player.pk, {"type": "test.push"})
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass

    await sync_to_async(push_then_fail)()

    assert await alice.receive_nothing(timeout=0.5)
    await alice.disconnect()


async def test_malformed_messages_get_an_error_and_the_socket_stays_open(client, player):
    from asgiref.sync import sync_to_async

    alice = WebsocketCommunicator(
        application, "/ws/live/", headers=await sync_to_async(session_headers)(client, player)
    )
    await alice.connect()
    await alice.receive_json_from()

    await alice.send_to(text_data="{nope")
    assert (await alice.receive_json_from())["code"] == "bad_json"
    await alice.send_to(text_data="x" * 5000)
    assert (await alice.receive_json_from())["code"] == "bad_message"
    await alice.send_json_to({"type": "ping"})
    assert await alice.receive_json_from() == {"type": "pong"}
    await alice.disconnect()


async def test_notification_is_pushed_live_with_the_unread_count(client, player):
    from asgiref.sync import sync_to_async

    from accounts.models import NotificationKind
    from accounts.notifications import notification_send

    alice = WebsocketCommunicator(
        application, "/ws/live/", headers=await sync_to_async(session_headers)(client, player)
    )
    await alice.connect()
    await alice.receive_json_from()

    await sync_to_async(notification_send)(
        player=player, kind=NotificationKind.LEVEL_UP, title="Level 2!"
    )

    event = await alice.receive_json_from(timeout=3)
    assert event["type"] == "notification"
    assert event["title"] == "Level 2!"
    assert event["unread"] == 1
    await alice.disconnect()


async def test_a_live_socket_never_queues_behind_the_shared_thread(client, player, monkeypatch):
    """Connect, a subscription and a delivered push: no per-message hop (kit ``dispatch``)."""
    from asgiref.sync import sync_to_async
    from channels import consumer

    hops = []
    real = consumer.aclose_old_connections

    async def recording():
        hops.append(1)
        await real()

    monkeypatch.setattr(consumer, "aclose_old_connections", recording)
    socket = WebsocketCommunicator(
        application, "/ws/live/", headers=await sync_to_async(session_headers)(client, player)
    )
    assert (await socket.connect())[0]
    assert (await socket.receive_json_from())["type"] == "hello"
    await socket.send_json_to({"type": "subscribe", "topic": "leaderboard.biggest_win.daily"})
    assert (await socket.receive_json_from())["type"] == "subscribed"

    def push_after_commit():
        with transaction.atomic():
            push_to_player(player.pk, {"type": "test.event", "n": 1})

    await sync_to_async(push_after_commit)()
    assert (await socket.receive_json_from(timeout=5))["n"] == 1
    await socket.disconnect()

    assert hops == []
