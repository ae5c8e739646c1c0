"""Pruning the action log: only what every subscriber handled, a whole day at a time,
its totals kept in ActionDaily (runs on SQLite and on PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts import action_types, actions, retention
from accounts.models import Action, ActionDaily, SubscriberMark
from accounts.tasks import prune_actions

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture(autouse=True)
def _only_test_subscribers(monkeypatch):
    """Two test subscribers instead of the apps' own, so the test owns every mark."""
    for name in ("TEST_EVENT", "TEST_OTHER"):
        spec = action_types.ActionSpec(name, recorded_by="tests", value="any")
        monkeypatch.setitem(action_types.CATALOGUE, name, spec)
    monkeypatch.setattr(actions, "_subscribers", {})
    actions.subscribe_batch("tests.first", types=["TEST_EVENT", "TEST_OTHER"])(lambda batch: None)
    actions.subscribe_batch("tests.second", types=["TEST_EVENT"])(lambda batch: None)


def logged(player, *, days_ago: float, type: str = "TEST_EVENT", value: int = 1) -> Action:
    return Action.objects.create(
        player=player, type=type, value=value, created_at=NOW - timedelta(days=days_ago)
    )


def mark_at(name: str, action: Action) -> None:
    action.refresh_from_db()
    SubscriberMark.objects.update_or_create(
        name=name, defaults={"txid": action.txid, "action_id": action.pk}
    )


def kept() -> set[int]:
    """Ids of the test's own actions still in the log (signups log actions too)."""
    return set(Action.objects.filter(type__startswith="TEST_").values_list("pk", flat=True))


def totals() -> dict:
    return {
        (row.day, row.type): (row.count, row.players, row.value_sum)
        for row in ActionDaily.objects.all()
    }


def local_day(action: Action):
    return timezone.localdate(action.created_at)


def test_processed_old_actions_go_and_their_day_totals_stay(player, other_player):
    old = [
        logged(player, days_ago=100, value=5),
        logged(player, days_ago=100, value=7),
        logged(other_player, days_ago=100, value=1),
        logged(other_player, days_ago=100, type="TEST_OTHER", value=-3),
        logged(player, days_ago=95, value=2),
    ]
    recent = [logged(player, days_ago=10), logged(other_player, days_ago=0)]
    actions.actions_process()

    deleted = retention.actions_prune(older_than_days=90)

    assert deleted == len(old)
    assert kept() == {a.pk for a in recent}
    first, fifth = local_day(old[0]), local_day(old[4])
    assert totals() == {
        (first, "TEST_EVENT"): (3, 2, 13),
        (first, "TEST_OTHER"): (1, 1, -3),
        (fifth, "TEST_EVENT"): (1, 1, 2),
    }
    assert sum(count for count, _, _ in totals().values()) == deleted


def test_a_subscriber_behind_keeps_what_it_has_not_handled(player):
    handled_by_all = logged(player, days_ago=120)
    behind_at = logged(player, days_ago=110)
    same_day_unhandled = logged(player, days_ago=110)
    later = [logged(player, days_ago=100), logged(player, days_ago=99)]
    actions.actions_process()
    mark_at("tests.second", behind_at)

    deleted = retention.actions_prune(older_than_days=90)

    # The day of the first unhandled action is kept whole, and every day after it.
    assert deleted == 1
    assert kept() == {behind_at.pk, same_day_unhandled.pk, *(a.pk for a in later)}
    assert totals() == {(local_day(handled_by_all), "TEST_EVENT"): (1, 1, 1)}

    # Once it catches up, the rest goes.
    actions.actions_process()
    assert retention.actions_prune(older_than_days=90) == 4
    assert kept() == set()
    assert sum(count for count, _, _ in totals().values()) == 5


def test_a_subscriber_without_a_mark_keeps_everything(player):
    logged(player, days_ago=200)
    actions.actions_process()
    actions.subscribe_batch("tests.new", types=["TEST_OTHER"])(lambda batch: None)

    assert retention.actions_prune(older_than_days=90) == 0
    assert len(kept()) == 1


def test_unprocessed_actions_are_never_pruned(player):
    logged(player, days_ago=200)
    logged(player, days_ago=150)

    assert retention.actions_prune(older_than_days=90) == 0
    assert len(kept()) == 2
    assert not ActionDaily.objects.exists()


def test_running_again_changes_nothing(player, other_player):
    for days in (100, 100, 101):
        logged(player, days_ago=days, value=days)
    logged(other_player, days_ago=100)
    actions.actions_process()
    assert retention.actions_prune(older_than_days=90) == 4
    before = totals()

    assert retention.actions_prune(older_than_days=90) == 0
    assert totals() == before


def test_a_day_in_several_batches_is_counted_once(player, other_player):
    for number in range(7):
        logged(player if number % 2 else other_player, days_ago=100, value=number)
    actions.actions_process()

    assert retention.actions_prune(older_than_days=90, batch=2) == 7
    (row,) = ActionDaily.objects.all()
    assert (row.count, row.players, row.value_sum) == (7, 2, 21)


def test_a_run_that_stops_half_way_is_finished_without_counting_twice(player, monkeypatch):
    for _ in range(5):
        logged(player, days_ago=100, value=10)
    actions.actions_process()
    real_delete = QuerySet.delete
    calls = []

    def failing_second_batch(queryset):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker lost")
        return real_delete(queryset)

    monkeypatch.setattr(QuerySet, "delete", failing_second_batch)
    with pytest.raises(RuntimeError):
        retention.actions_prune(older_than_days=90, batch=2)
    assert len(kept()) == 3
    monkeypatch.setattr(QuerySet, "delete", real_delete)

    assert retention.actions_prune(older_than_days=90, batch=2) == 3
    assert list(totals().values()) == [(5, 1, 50)]


def test_zero_days_keeps_the_log_forever(player, settings):
    logged(player, days_ago=3000)
    actions.actions_process()
    settings.ACTIONS_RETENTION_DAYS = 0

    assert prune_actions.delay().get() == 0
    assert len(kept()) == 1


def test_the_nightly_task_uses_the_setting(player, settings):
    logged(player, days_ago=40)
    logged(player, days_ago=20)
    actions.actions_process()
    settings.ACTIONS_RETENTION_DAYS = 30

    assert prune_actions.delay().get() == 1
    assert len(kept()) == 1


def test_the_schedule_and_the_moderators_permission_come_from_the_migration():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="accounts.prune_actions")
    assert task.crontab is not None
    assert task.enabled
    moderators = Group.objects.get(name="Moderators")
    codenames = set(moderators.permissions.values_list("codename", flat=True))
    assert "view_actiondaily" in codenames
    assert not {"add_actiondaily", "change_actiondaily", "delete_actiondaily"} & codenames


def test_moderators_read_the_totals_and_nobody_edits_them(client, moderator):
    row = ActionDaily.objects.create(
        day=NOW.date(), type="ROUND_PLAYED", count=3, players=2, value_sum=40
    )
    client.force_login(moderator)

    listing = client.get(reverse("admin:accounts_actiondaily_changelist"))
    detail = client.get(reverse("admin:accounts_actiondaily_change", args=[row.pk]))
    edit = client.post(reverse("admin:accounts_actiondaily_change", args=[row.pk]), {"count": 9})
    delete = client.post(
        reverse("admin:accounts_actiondaily_delete", args=[row.pk]), {"post": "yes"}
    )
    add = client.get(reverse("admin:accounts_actiondaily_add"))

    assert listing.status_code == 200
    assert "ROUND_PLAYED" in listing.content.decode()
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert (edit.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    row.refresh_from_db()
    assert row.count == 3


@pytest.mark.django_db(transaction=True)
def test_a_failing_subscriber_holds_back_its_day_with_committed_transactions(make_player):
    # Each action its own committed transaction (its own txid on PostgreSQL),
    # marks moved by the real pipeline one action at a time.
    player = make_player("Carol")

    def flaky(batch):
        if any(action.value == 99 for action in batch):
            raise RuntimeError("cannot handle this one yet")

    actions.subscribe_batch("tests.second", types=["TEST_EVENT"])(flaky)
    oldest = logged(player, days_ago=120)
    handled_day = [logged(player, days_ago=110), logged(player, days_ago=110, value=99)]
    newest = logged(player, days_ago=100)
    actions.actions_process(batch_size=1)
    mark = SubscriberMark.objects.get(name="tests.second")
    assert (mark.txid, mark.action_id) < (handled_day[1].txid, handled_day[1].pk)

    assert retention.actions_prune(older_than_days=90) == 1
    assert kept() == {handled_day[0].pk, handled_day[1].pk, newest.pk}
    assert totals() == {(local_day(oldest), "TEST_EVENT"): (1, 1, 1)}
