"""The action log's pipeline: batches, marks, commit order, failures, worker mode."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from accounts import action_types, actions
from accounts.models import Action, SubscriberMark

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _test_types(monkeypatch):
    """Test-only action types, in the catalogue for the length of a test."""
    for name in ("TEST_EVENT", "TEST_FLAKY", "TEST_NOBODY_LISTENS"):
        spec = action_types.ActionSpec(name, recorded_by="tests", value="any")
        monkeypatch.setitem(action_types.CATALOGUE, name, spec)


@pytest.fixture
def register(monkeypatch):
    """Register a test subscriber for the length of a test."""

    def add(name, types, handler, *, batch=True, after=()):
        monkeypatch.setitem(actions._subscribers, name, actions.Subscriber(name))
        if batch:
            actions.subscribe_batch(name, types=types, after=after)(handler)
        else:
            for action_type in types:
                actions.subscribe(action_type, name)(handler)

    return add


@pytest.fixture
def counting_subscriber(register):
    """A real batch subscriber that records each batch it was handed."""
    batches: list[list[int]] = []
    register("tests.counter", ["TEST_EVENT"], lambda batch: batches.append([a.pk for a in batch]))
    return batches


def handled(batches: list[list[int]]) -> list[int]:
    return [pk for batch in batches for pk in batch]


def test_subscriber_gets_an_action_after_commit(
    player, counting_subscriber, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        action = actions.action_record(player=player, type="TEST_EVENT", value=5)
        assert counting_subscriber == []

    assert counting_subscriber == [[action.pk]]
    mark = SubscriberMark.objects.get(name="tests.counter")
    assert mark.handled == 1


def test_running_again_hands_out_nothing_twice(
    player, counting_subscriber, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        action = actions.action_record(player=player, type="TEST_EVENT")

    actions.actions_process()
    actions.actions_process()

    assert handled(counting_subscriber) == [action.pk]


def test_a_rolled_back_action_is_never_delivered(
    player, counting_subscriber, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                actions.action_record(player=player, type="TEST_EVENT")
                raise RuntimeError("roll back")
        except RuntimeError:
            pass

    actions.actions_process()
    assert handled(counting_subscriber) == []
    assert not Action.objects.filter(type="TEST_EVENT").exists()


def test_many_actions_arrive_in_batches_oldest_first(player, counting_subscriber):
    created = Action.objects.bulk_create(
        Action(player=player, type="TEST_EVENT", value=i) for i in range(25)
    )

    assert actions.actions_process(batch_size=10) >= 25

    assert [len(batch) for batch in counting_subscriber] == [10, 10, 5]
    assert handled(counting_subscriber) == [a.pk for a in created]


def test_a_subscriber_sees_only_its_types(player, counting_subscriber):
    Action.objects.create(player=player, type="TEST_NOBODY_LISTENS")
    mine = Action.objects.create(player=player, type="TEST_EVENT")

    actions.actions_process()

    assert handled(counting_subscriber) == [mine.pk]


def test_a_failing_batch_is_rolled_back_whole_and_retried(player, register):
    calls: list[list[int]] = []
    written: list[int] = []

    def flaky(batch):
        calls.append([a.pk for a in batch])
        # An effect the batch writes, which must roll back with it.
        SubscriberMark.objects.create(name=f"tests.effect.{len(calls)}")
        written.append(len(calls))
        if len(calls) == 1:
            raise RuntimeError("temporary failure")

    register("tests.flaky", ["TEST_FLAKY"], flaky)
    first = Action.objects.create(player=player, type="TEST_FLAKY")
    second = Action.objects.create(player=player, type="TEST_FLAKY")

    actions.actions_process()
    assert not SubscriberMark.objects.filter(name="tests.effect.1").exists()
    assert not SubscriberMark.objects.filter(name="tests.flaky", handled__gt=0).exists()

    actions.actions_process()
    assert calls == [[first.pk, second.pk], [first.pk, second.pk]]
    assert SubscriberMark.objects.filter(name="tests.effect.2").exists()
    assert SubscriberMark.objects.get(name="tests.flaky").handled == 2


def test_one_failing_subscriber_holds_back_only_itself_and_its_readers(player, register):
    seen = {"good": [], "reader": []}

    def broken(batch):
        raise RuntimeError("always fails")

    register("tests.broken", ["TEST_EVENT"], broken)
    register("tests.good", ["TEST_EVENT"], lambda b: seen["good"].extend(a.pk for a in b))
    register(
        "tests.reader",
        ["TEST_EVENT"],
        lambda b: seen["reader"].extend(a.pk for a in b),
        after=("tests.broken",),
    )
    action = Action.objects.create(player=player, type="TEST_EVENT")

    actions.actions_process()

    assert seen == {"good": [action.pk], "reader": []}
    assert actions.subscriber_lag()["tests.reader"]["waiting"] == 1


def test_a_reader_runs_after_the_subscriber_it_reads(player, register):
    order: list[str] = []
    register("tests.b_reader", ["TEST_EVENT"], lambda b: order.append("reader"), after=("tests.z",))
    register("tests.z", ["TEST_EVENT"], lambda b: order.append("z"))
    Action.objects.create(player=player, type="TEST_EVENT")

    actions.actions_process()

    assert order == ["z", "reader"]


def test_per_action_subscribers_run_inside_the_batch(player, register):
    seen: list[int] = []
    register("tests.each", ["TEST_EVENT"], lambda action: seen.append(action.pk), batch=False)
    created = Action.objects.bulk_create(Action(player=player, type="TEST_EVENT") for _ in range(3))

    actions.actions_process()

    assert seen == [a.pk for a in created]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_action_committed_late_is_not_skipped(player, counting_subscriber):
    """The case a mark on ids alone gets wrong: id 1 commits after id 2 was read.

    A second connection records an action and holds its transaction open;
    meanwhile this connection records and commits a later one and runs the
    pipeline. The open transaction holds the horizon back, so the mark stays
    before its action, and once it commits both are handed out exactly once.
    """
    recorded, release, done = threading.Event(), threading.Event(), threading.Event()
    early: list[int] = []

    def slow_writer():
        try:
            with transaction.atomic():
                early.append(Action.objects.create(player=player, type="TEST_EVENT").pk)
                recorded.set()
                release.wait(10)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert recorded.wait(10)
    late = Action.objects.create(player=player, type="TEST_EVENT")
    assert late.pk > early[0]

    actions.actions_process()
    assert handled(counting_subscriber) == []

    release.set()
    assert done.wait(10)
    thread.join()
    actions.actions_process()
    assert sorted(handled(counting_subscriber)) == sorted([early[0], late.pk])
    actions.actions_process()
    assert len(handled(counting_subscriber)) == 2


def test_client_may_report_allow_listed_actions(player_client, player):
    response = player_client.post(
        "/api/actions", {"type": "PAGE_VIEW_SHOP", "metadata": {"from": "nav"}}, format="json"
    )

    assert response.status_code == 201
    assert Action.objects.filter(player=player, type="PAGE_VIEW_SHOP").count() == 1


@pytest.mark.parametrize(
    "action_type", ["ROUND_PLAYED", "DAILY_BONUS_CLAIMED", "PLAYER_JOINED", ""]
)
def test_client_cannot_report_server_actions(player_client, player, action_type):
    before = Action.objects.count()

    response = player_client.post("/api/actions", {"type": action_type}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] in {"action_not_allowed", "invalid"}
    assert Action.objects.count() == before


@pytest.mark.parametrize(
    "metadata",
    [
        {"nested": {"a": 1}},
        {"number": 42},
        {"k": "x" * 201},
        {f"k{i}": "v" for i in range(11)},
        {"nul": "a\x00b"},
    ],
)
def test_client_action_metadata_must_be_a_small_flat_text_map(player_client, player, metadata):
    before = Action.objects.count()

    response = player_client.post(
        "/api/actions", {"type": "SHARE_CLICK", "metadata": metadata}, format="json"
    )

    assert response.status_code == 400
    assert "metadata" in response.json()["error"]["fields"]
    assert Action.objects.count() == before


def test_lone_surrogates_in_metadata_are_stored_safely(player_client, player):
    response = player_client.post(
        "/api/actions",
        '{"type": "SHARE_CLICK", "metadata": {"where": "x\\ud800y"}}',
        content_type="application/json",
    )

    assert response.status_code == 201
    assert Action.objects.get(player=player, type="SHARE_CLICK").metadata == {"where": "x?y"}


def test_worker_mode_queues_one_pipeline_task(
    player, settings, counting_subscriber, django_capture_on_commit_callbacks
):
    # With ACTIONS_DISPATCH=worker the pipeline runs in the Celery task
    # accounts.process_actions (executed in-process here: Celery is eager in tests).
    from celery.signals import task_prerun

    settings.ACTIONS_DISPATCH = "worker"
    tasks_run: list[str] = []

    def seen(sender=None, **kwargs):
        tasks_run.append(sender.name)

    task_prerun.connect(seen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            action = actions.action_record(player=player, type="TEST_EVENT")
    finally:
        task_prerun.disconnect(seen)

    assert tasks_run == ["accounts.process_actions"]
    assert handled(counting_subscriber) == [action.pk]
