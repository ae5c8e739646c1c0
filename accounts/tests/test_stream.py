"""The user_actions stream: the relay publishes the log, in order, at least once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts import actions, stream
from accounts.action_types import CATALOGUE, ActionType
from accounts.models import Action, SubscriberMark, User
from tests.support.servers import ROOT, database_url

VIEWS = [ActionType.PAGE_VIEW_SHOP, ActionType.SHARE_CLICK, ActionType.PAGE_VIEW_PASS]


def redis_client():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)


@pytest.fixture
def stream_key(settings):
    """A stream of this test's own, deleted after it."""
    key = f"test:user_actions:{uuid.uuid4().hex}"
    settings.USER_ACTIONS_STREAM = key
    yield key
    if settings.REDIS_URL:
        redis_client().delete(key)


@pytest.fixture
def relay(settings, stream_key, monkeypatch):
    """The relay registered with the Redis sink, as app start does with Redis."""
    settings.USER_ACTIONS_SINK = "accounts.stream.RedisStreamSink"
    monkeypatch.setattr(stream, "_sinks", {})
    monkeypatch.setitem(
        actions._subscribers, stream.RELAY_NAME, actions.Subscriber(stream.RELAY_NAME)
    )
    assert stream.user_actions_relay_register()
    return stream_key


DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens: refused at once


@pytest.fixture
def player_action():
    """An unsaved action, enough for a sink's fields."""
    return Action(pk=1, player_id=1, type=ActionType.PAGE_VIEW_SHOP, metadata={})


def published(key: str) -> list[dict]:
    return [stream.action_from_fields(fields) for _, fields in redis_client().xrange(key)]


@pytest.mark.redis
@pytest.mark.django_db
def test_recorded_actions_reach_the_stream_in_order_with_their_fields(
    player, relay, django_capture_on_commit_callbacks, settings
):
    settings.ACTIONS_DISPATCH = "inline"
    with django_capture_on_commit_callbacks(execute=True):
        first = actions.action_record(player=player, type=ActionType.PAGE_VIEW_SHOP)
        second = actions.action_record(
            player=player, type=ActionType.SHARE_CLICK, metadata={"target": "kakao"}
        )
    actions.actions_process()  # nothing new: nothing published twice

    entries = [e for e in published(relay) if e["id"] in {first.pk, second.pk}]
    assert entries == [
        {
            "id": action.pk,
            "player": player.pk,
            "type": str(action.type),
            "value": action.value,
            "metadata": action.metadata,
            "created_at": action.created_at.isoformat(),
        }
        for action in (first, second)
    ]
    # Every action of the log, once each, in the pipeline's order.
    assert [e["id"] for e in published(relay)] == list(
        Action.objects.order_by("txid", "pk").values_list("pk", flat=True)
    )
    assert SubscriberMark.objects.get(name=stream.RELAY_NAME).handled == Action.objects.count()


@pytest.mark.redis
@pytest.mark.django_db
def test_a_batch_is_published_as_one_run_and_the_stream_is_trimmed(player, relay, settings):
    settings.USER_ACTIONS_STREAM_MAXLEN = 1_000
    Action.objects.bulk_create(
        Action(player=player, type=VIEWS[i % 3], value=i) for i in range(2_500)
    )

    actions.actions_process(batch_size=500, max_batches=10)

    ids = [e["id"] for e in published(relay)]
    # MAXLEN ~ trims whole nodes: about the last 1,000 stay, the newest ones.
    assert 1_000 <= len(ids) < 2_000
    assert ids == sorted(ids)
    assert ids[-1] == Action.objects.latest("pk").pk


@pytest.mark.django_db
def test_without_a_sink_there_is_no_relay_and_no_mark(player, settings):
    settings.REDIS_URL = None
    settings.USER_ACTIONS_SINK = None

    assert not stream.user_actions_relay_register()
    actions.action_record(player=player, type=ActionType.PAGE_VIEW_SHOP)
    actions.actions_process()

    assert stream.RELAY_NAME not in actions._subscribers
    assert not SubscriberMark.objects.filter(name=stream.RELAY_NAME).exists()


@pytest.mark.redis
@pytest.mark.django_db
def test_a_relay_whose_sink_was_turned_off_keeps_its_mark(player, relay, settings):
    Action.objects.create(player=player, type=ActionType.PAGE_VIEW_SHOP)
    settings.USER_ACTIONS_SINK = None

    actions.actions_process()

    assert not SubscriberMark.objects.filter(name=stream.RELAY_NAME, handled__gt=0).exists()
    assert published(relay) == []


@pytest.mark.redis
@pytest.mark.django_db
def test_a_broker_outage_holds_the_relay_back_until_it_answers(player, relay, settings):
    live = settings.REDIS_URL
    Action.objects.bulk_create(Action(player=player, type=VIEWS[i % 3]) for i in range(3))
    settings.REDIS_URL = DEAD_REDIS

    actions.actions_process()  # the relay's batch fails and rolls back

    assert not SubscriberMark.objects.filter(name=stream.RELAY_NAME, handled__gt=0).exists()
    settings.REDIS_URL = live
    actions.actions_process()
    assert [e["id"] for e in published(relay)] == list(
        Action.objects.order_by("txid", "pk").values_list("pk", flat=True)
    )


def test_a_sink_that_lost_redis_fails_fast_for_a_while(settings, player_action):
    import redis

    settings.REDIS_URL = DEAD_REDIS
    sink = stream.RedisStreamSink()
    with pytest.raises(redis.ConnectionError):
        sink.publish([player_action])
    with pytest.raises(stream.SinkUnavailable):
        sink.publish([player_action])
    sink.down_until = 0.0
    with pytest.raises(redis.ConnectionError):
        sink.publish([player_action])


def test_a_mistyped_sink_fails_at_start(settings):
    settings.USER_ACTIONS_SINK = "accounts.stream.NoSuchSink"
    with pytest.raises(Exception, match="USER_ACTIONS_SINK"):
        stream.user_actions_relay_register()


def django_env(**extra: str | None) -> dict[str, str]:
    """A subprocess running this checkout's Django, on the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "casino_club.settings",
        "SECRET_KEY": settings.SECRET_KEY,
        "JWT_PRIVATE_KEY": settings.HEADLESS_JWT_PRIVATE_KEY,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("REDIS_URL", "USER_ACTIONS_SINK", "DATABASE_URL", "CASINO_TESTING"):
        env.pop(name, None)
    env.update({name: value for name, value in extra.items() if value is not None})
    return env


REGISTERED = (
    "import django; django.setup(); from django.conf import settings; "
    "from accounts.actions import _subscribers; "
    "print(settings.USER_ACTIONS_SINK, 'stream.user_actions' in _subscribers)"
)


@pytest.mark.parametrize(
    ("redis_url", "expected"),
    [("redis://127.0.0.1:6379/0", "accounts.stream.RedisStreamSink True"), (None, "None False")],
)
def test_the_relay_is_on_by_default_exactly_when_redis_is(tmp_path, redis_url, expected):
    env = django_env(REDIS_URL=redis_url, CASINO_VAR_DIR=str(tmp_path))
    run = subprocess.run(
        [sys.executable, "-c", REGISTERED], cwd=ROOT, env=env, capture_output=True, timeout=60
    )
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    assert run.stdout.decode().split() == expected.split()


def test_the_relay_listens_to_every_catalogue_type(relay):
    assert actions._subscribers[stream.RELAY_NAME].types == set(CATALOGUE)


RELAY_RUN = (
    "import django; django.setup(); from accounts.actions import actions_process; "
    "actions_process(batch_size=8)"
)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_relay_killed_mid_batch_republishes_only_that_batch(stream_key, tmp_path):
    player = User.objects.create_user(
        "killed@example.com", nickname="Killed", date_of_birth=date(1990, 1, 1)
    )
    for size in (10, 10, 5):  # three transactions, so three transaction ids
        Action.objects.bulk_create(Action(player=player, type=VIEWS[i % 3]) for i in range(size))
    ids = list(Action.objects.order_by("txid", "pk").values_list("pk", flat=True))
    env = django_env(
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        USER_ACTIONS_STREAM=stream_key,
        CASINO_VAR_DIR=str(tmp_path),
    )

    # Batch 1 (8 actions) is published and committed; batch 2 dies after 4 XADDs.
    killed = subprocess.run(
        [sys.executable, "-c", RELAY_RUN],
        cwd=ROOT,
        env={
            **env,
            "USER_ACTIONS_SINK": "accounts.tests.stream_sinks.KillMidBatch",
            "STREAM_TEST_KILL_BATCH": "2",
        },
        capture_output=True,
        timeout=60,
    )
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    assert [e["id"] for e in published(stream_key)] == ids[:12]
    assert SubscriberMark.objects.get(name=stream.RELAY_NAME).handled == 8

    rerun = subprocess.run(
        [sys.executable, "-c", RELAY_RUN],
        cwd=ROOT,
        env={**env, "USER_ACTIONS_SINK": "accounts.stream.RedisStreamSink"},
        capture_output=True,
        timeout=60,
    )
    assert rerun.returncode == 0, rerun.stderr.decode()[-2000:]

    seen = [e["id"] for e in published(stream_key)]
    assert set(seen) == set(ids)  # none missing
    # The killed batch's published half, and only it, comes twice, in order.
    assert seen == ids[:12] + ids[8:]
    assert SubscriberMark.objects.get(name=stream.RELAY_NAME).handled == len(ids)


def consume(**options) -> list[dict]:
    out = StringIO()
    call_command("consume_user_actions", stdout=out, exit_when_idle=True, block=100, **options)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.redis
@pytest.mark.django_db
def test_the_example_consumer_prints_each_action_once_and_acknowledges(player, relay):
    created = Action.objects.bulk_create(
        Action(player=player, type=VIEWS[i % 3], value=i) for i in range(5)
    )
    actions.actions_process()
    # A republished batch (the crash case): its actions come twice.
    stream.RedisStreamSink().publish(list(Action.objects.filter(pk__in=[a.pk for a in created])))

    lines = consume(group="tests")

    mine = [line for line in lines if line["id"] in {a.pk for a in created}]
    assert [line["id"] for line in mine] == [a.pk for a in created]
    assert [line["value"] for line in mine] == list(range(5))
    assert len({line["id"] for line in lines}) == len(lines)
    assert redis_client().xpending(relay, "tests")["pending"] == 0
    assert consume(group="tests") == []  # all acknowledged: nothing again
    # Another group reads the whole stream for itself; --count stops early.
    assert len(consume(group="others", count=2)) == 2


@pytest.mark.redis
def test_a_group_started_at_the_end_sees_only_later_actions(stream_key):
    client = redis_client()
    fields = {"player": "1", "type": "X", "value": "0", "metadata": "{}", "created_at": "t"}
    client.xadd(stream_key, {**fields, "id": "1"})

    assert consume(group="late", start="$") == []
    client.xadd(stream_key, {**fields, "id": "2"})
    assert [line["id"] for line in consume(group="late")] == [2]
