"""The embedded relay of live pushes (accounts.live): in a process that holds
no sockets, with the in-process channel layer, a push is written to the
LivePush table; the web process sends it on to its own layer and deletes it.

Real processes (daphne, the Celery worker) are in
casino_club/tests/test_push_relay_processes.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from accounts import live
from accounts.models import LivePush

pytestmark = pytest.mark.django_db(transaction=True)

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = IN_MEMORY
    return get_channel_layer()


@pytest.fixture
def worker_process():
    """This process plays the Celery worker: it holds no sockets."""
    live.relay_pushes_from_this_process()
    yield
    live._relay_pushes = False


def listening(layer, group: str) -> str:
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return channel


def test_a_worker_push_waits_in_the_table_until_the_web_process_drains_it(
    in_memory_layer, worker_process, player
):
    channel = listening(in_memory_layer, live.player_group(player.pk))
    with transaction.atomic():
        live.push_to_player(player.pk, {"type": "test.push", "n": 1})
        live.push_to_player(player.pk, {"type": "test.push", "n": 2})
        assert not LivePush.objects.exists()  # nothing before commit

    assert list(LivePush.objects.order_by("pk").values_list("group", "event")) == [
        (live.player_group(player.pk), {"type": "test.push", "n": 1}),
        (live.player_group(player.pk), {"type": "test.push", "n": 2}),
    ]

    assert async_to_sync(live.relay_drain_once)(in_memory_layer) == 2

    received = [async_to_sync(in_memory_layer.receive)(channel) for _ in range(2)]
    assert [message["event"]["n"] for message in received] == [1, 2]
    assert not LivePush.objects.exists()


def test_a_rolled_back_push_is_never_relayed(in_memory_layer, worker_process, player):
    with pytest.raises(RuntimeError), transaction.atomic():
        live.push_to_player(player.pk, {"type": "test.push"})
        raise RuntimeError("roll back")

    assert not LivePush.objects.exists()


def test_stale_relayed_pushes_are_dropped_not_sent(in_memory_layer, player):
    channel = listening(in_memory_layer, live.player_group(player.pk))
    LivePush.objects.create(
        group=live.player_group(player.pk),
        event={"type": "test.push", "n": "old"},
        created_at=timezone.now() - live.RELAY_MAX_AGE - timedelta(seconds=1),
    )
    LivePush.objects.create(group=live.player_group(player.pk), event={"type": "test.push"})

    assert async_to_sync(live.relay_drain_once)(in_memory_layer) == 2  # one sent, one dropped

    assert async_to_sync(in_memory_layer.receive)(channel)["event"] == {"type": "test.push"}
    assert not LivePush.objects.exists()
    assert async_to_sync(live.relay_drain_once)(in_memory_layer) == 0


def test_outside_the_worker_pushes_go_straight_to_the_layer(in_memory_layer, player):
    channel = listening(in_memory_layer, live.player_group(player.pk))
    with transaction.atomic():
        live.push_to_player(player.pk, {"type": "test.push"})

    assert async_to_sync(in_memory_layer.receive)(channel)["event"] == {"type": "test.push"}
    assert not LivePush.objects.exists()


@pytest.mark.redis
def test_with_redis_the_worker_sends_straight_to_the_shared_layer(worker_process, player):
    layer = get_channel_layer()
    channel = listening(layer, live.player_group(player.pk))
    try:
        with transaction.atomic():
            live.push_to_player(player.pk, {"type": "test.push"})

        assert async_to_sync(layer.receive)(channel)["event"] == {"type": "test.push"}
        assert not LivePush.objects.exists()
    finally:
        async_to_sync(layer.group_discard)(live.player_group(player.pk), channel)
