"""``manage.py reconcile_ledger`` finds tampering and reports it on /readyz."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from accounts.selectors import job_status_get
from economy.faucets import daily_bonus_claim
from economy.models import Account, Entry
from economy.services import ledger_reconcile, round_settle
from economy.tasks import reconcile_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(player, other_player, fund):
    fund(player, 500)
    fund(other_player, 300)
    daily_bonus_claim(player=player)
    round_settle(player=player, game_slug="slots", wager=50, payout=120, reference="r1")
    round_settle(player=other_player, game_slug="slots", wager=30, payout=0, reference="r2")


def test_a_clean_ledger_reconciles_and_prints_a_summary(activity, capsys):
    call_command("reconcile_ledger")

    out = capsys.readouterr().out
    assert "ledger OK" in out
    assert "coins held by players: 940" in out
    assert '"game_bank:slots": -40' in out
    assert '"mint": -900' in out
    status = job_status_get(name="reconcile_ledger")
    assert status.ok is True
    assert status.detail["summary"]["problems"] == 0


def test_a_tampered_balance_is_caught(activity, player, capsys):
    Account.objects.filter(player=player).update(balance=999_999)

    with pytest.raises(CommandError, match="problem"):
        call_command("reconcile_ledger")

    err = capsys.readouterr().err
    assert "stored balance 999999" in err
    assert job_status_get(name="reconcile_ledger").ok is False


def test_a_tampered_entry_is_caught(activity, other_player, capsys):
    entry = Entry.objects.filter(account__player=other_player).order_by("id").first()
    Entry.objects.filter(pk=entry.pk).update(amount=entry.amount + 1)

    with pytest.raises(CommandError):
        call_command("reconcile_ledger")

    err = capsys.readouterr().err
    assert f"transaction {entry.transaction_id}" in err
    assert "entries sum to 1" in err
    assert "balance_after" in err


def test_a_tampered_balance_after_is_caught(activity, player):
    entry = Entry.objects.filter(account__player=player).order_by("id").first()
    Entry.objects.filter(pk=entry.pk).update(balance_after=entry.balance_after + 5)

    report = ledger_reconcile()

    assert not report.ok
    assert any(f"entry {entry.pk}" in problem for problem in report.problems)


def test_a_transaction_with_a_single_entry_is_caught(activity, player):
    entry = Entry.objects.filter(account__player=player).order_by("-id").first()
    sibling = Entry.objects.filter(transaction=entry.transaction).exclude(pk=entry.pk)
    sibling.delete()

    assert not ledger_reconcile().ok


def test_the_nightly_task_records_its_result_for_readyz(activity, client):
    assert reconcile_ledger() is True

    ready = client.get("/readyz").json()

    assert ready["checks"]["ledger"]["ok"] is True
    assert ready["checks"]["ledger"]["last_run"]


def test_readyz_fails_after_a_failed_reconciliation(activity, player, client):
    Account.objects.filter(player=player).update(balance=1)
    reconcile_ledger()

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["ledger"]["ok"] is False


def test_readyz_is_ready_before_the_first_reconciliation(client):
    ledger = client.get("/readyz").json()["checks"]["ledger"]

    assert ledger == {"ok": True, "last_run": None}


def test_the_reconciliation_is_scheduled_nightly(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="economy.reconcile_ledger")

    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == (
        "3",
        "30",
        "UTC",
    )
