from __future__ import annotations

import pytest
from django.db import transaction

from accounts import action_types, actions
from accounts.models import Action, ActionReceipt

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _test_types(monkeypatch):
    """Two test-only action types, in the catalogue for the length of a test."""
    for name in ("TEST_EVENT", "TEST_FLAKY"):
        spec = action_types.ActionSpec(name, recorded_by="tests", value="any")
        monkeypatch.setitem(action_types.CATALOGUE, name, spec)


@pytest.fixture
def counting_subscriber():
    """A real subscriber that counts what it handled (registered for a test-only type)."""
    handled: list[int] = []
    name = "tests.counter"
    actions.subscribe("TEST_EVENT", name)(lambda action: handled.append(action.pk))
    yield handled
    actions._subscribers["TEST_EVENT"].pop(name, None)


def test_subscriber_gets_an_action_after_commit(
    player, counting_subscriber, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        action = actions.action_record(player=player, type="TEST_EVENT", value=5)
        assert counting_subscriber == []

    assert counting_subscriber == [action.pk]
    assert ActionReceipt.objects.filter(action=action, subscriber="tests.counter").count() == 1


def test_redelivered_action_changes_nothing(
    player, counting_subscriber, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        action = actions.action_record(player=player, type="TEST_EVENT")

    actions.action_dispatch(action_id=action.pk)
    actions.action_dispatch(action_id=action.pk)

    assert counting_subscriber == [action.pk]
    assert ActionReceipt.objects.filter(action=action).count() == 1


def test_rolled_back_action_is_never_delivered(
    player, counting_subscriber, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                actions.action_record(player=player, type="TEST_EVENT")
                raise RuntimeError("roll back")
        except RuntimeError:
            pass

    assert counting_subscriber == []
    assert not Action.objects.filter(type="TEST_EVENT").exists()


def test_a_failing_subscriber_is_retried_by_the_sweep(player, django_capture_on_commit_callbacks):
    from datetime import timedelta

    calls: list[int] = []

    def flaky(action):
        calls.append(action.pk)
        if len(calls) == 1:
            raise RuntimeError("temporary failure")

    actions.subscribe("TEST_FLAKY", "tests.flaky")(flaky)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            action = actions.action_record(player=player, type="TEST_FLAKY")
        assert not ActionReceipt.objects.filter(action=action).exists()

        # The sweep also hands the player's own PLAYER_JOINED to the economy,
        # since test transactions never commit.
        delivered = actions.actions_redeliver(older_than=timedelta(seconds=-1))

        assert delivered >= 1
        assert calls == [action.pk, action.pk]
        assert ActionReceipt.objects.filter(action=action, subscriber="tests.flaky").exists()
        assert actions.actions_redeliver(older_than=timedelta(seconds=-1)) == 0
    finally:
        actions._subscribers["TEST_FLAKY"].pop("tests.flaky", None)


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


def test_worker_dispatch_hands_the_action_to_celery(
    player, settings, counting_subscriber, django_capture_on_commit_callbacks
):
    # With ACTIONS_DISPATCH=worker the subscriber runs in the Celery task
    # accounts.dispatch_action (executed in-process here: Celery is eager in tests).
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

    assert tasks_run == ["accounts.dispatch_action"]
    assert counting_subscriber == [action.pk]
    assert ActionReceipt.objects.filter(action=action, subscriber="tests.counter").exists()


@pytest.mark.parametrize("unhandled_is", ["older", "newer"])
def test_redelivery_finds_an_unhandled_action_behind_many_handled_ones(
    player, counting_subscriber, unhandled_is
):
    # Given 600 handled actions in the window (more than one sweep's limit of
    # 500) and one that no subscriber has handled yet, older or newer than them.
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now() - timedelta(hours=2)
    unhandled_at = start - timedelta(minutes=1) if unhandled_is == "older" else timezone.now()
    handled = Action.objects.bulk_create(
        Action(player=player, type="TEST_EVENT", created_at=start + timedelta(seconds=i))
        for i in range(600)
    )
    ActionReceipt.objects.bulk_create(
        ActionReceipt(action=action, subscriber="tests.counter") for action in handled
    )
    unhandled = Action.objects.create(player=player, type="TEST_EVENT", created_at=unhandled_at)
    # The player's own PLAYER_JOINED (its commit never ran in a test
    # transaction) is handled too, so only the unhandled one is left.
    for action in Action.objects.exclude(type="TEST_EVENT"):
        for name in actions.subscribers_for(action.type):
            ActionReceipt.objects.get_or_create(action=action, subscriber=name)
    receipts_before = ActionReceipt.objects.count()

    # When the sweep runs with its usual limit
    delivered = actions.actions_redeliver(older_than=timedelta(seconds=-1), limit=500)

    # Then the unhandled action is delivered, and only it.
    assert delivered == 1
    assert counting_subscriber == [unhandled.pk]
    assert ActionReceipt.objects.count() == receipts_before + 1
    assert ActionReceipt.objects.filter(action=unhandled, subscriber="tests.counter").exists()


def test_redelivery_hands_each_action_only_to_subscribers_that_missed_it(
    player, counting_subscriber
):
    # An action of a type with two subscribers, one of which has handled it.
    from datetime import timedelta

    other: list[int] = []
    actions.subscribe("TEST_EVENT", "tests.other")(lambda action: other.append(action.pk))
    try:
        for action in Action.objects.all():
            for name in actions.subscribers_for(action.type):
                ActionReceipt.objects.get_or_create(action=action, subscriber=name)
        action = Action.objects.create(player=player, type="TEST_EVENT")
        ActionReceipt.objects.create(action=action, subscriber="tests.counter")

        assert actions.actions_redeliver(older_than=timedelta(seconds=-1)) == 1

        assert counting_subscriber == []
        assert other == [action.pk]
        assert actions.actions_redeliver(older_than=timedelta(seconds=-1)) == 0
    finally:
        actions._subscribers["TEST_EVENT"].pop("tests.other", None)


def test_redelivery_ignores_actions_nobody_subscribes_to(player):
    from datetime import timedelta

    for action in Action.objects.all():
        for name in actions.subscribers_for(action.type):
            ActionReceipt.objects.get_or_create(action=action, subscriber=name)
    Action.objects.create(player=player, type="TEST_NOBODY_LISTENS")
    before = ActionReceipt.objects.count()

    assert actions.actions_redeliver(older_than=timedelta(seconds=-1)) == 0
    assert ActionReceipt.objects.count() == before
