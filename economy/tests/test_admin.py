"""Moderators correct balances only through audited adjustments; the ledger is read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ModeratorAction
from economy.models import Account, Adjustment, EconomySettings, Entry, LedgerTransaction
from economy.selectors import economy_settings_get, player_balance
from tests.support.ledger import ledger_snapshot

pytestmark = pytest.mark.django_db


def test_a_moderator_credits_a_player_with_a_reason(moderator_client, moderator, player):
    response = moderator_client.post(
        reverse("admin:economy_adjustment_add"),
        {"player": player.pk, "amount": 250, "reason": "Refund for a stuck round"},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    adjustment = Adjustment.objects.get()
    assert (adjustment.moderator, adjustment.amount) == (moderator, 250)
    assert adjustment.transaction.actor == moderator
    assert player_balance(player=player) == 250
    listing = moderator_client.get(reverse("admin:economy_adjustment_changelist")).content.decode()
    assert "Refund for a stuck round" in listing


def test_an_adjustment_without_a_reason_is_a_form_error(moderator_client, player):
    before = ledger_snapshot()

    response = moderator_client.post(
        reverse("admin:economy_adjustment_add"), {"player": player.pk, "amount": 5, "reason": ""}
    )

    assert response.status_code == 200
    assert "reason" in response.context["adminform"].form.errors
    assert ledger_snapshot() == before
    assert not Adjustment.objects.exists()


def test_a_debit_above_the_balance_is_a_form_error_and_changes_nothing(
    moderator_client, player, fund
):
    fund(player, 10)
    before = ledger_snapshot()

    response = moderator_client.post(
        reverse("admin:economy_adjustment_add"),
        {"player": player.pk, "amount": -11, "reason": "Clawback"},
    )

    assert response.status_code == 200
    assert "Not enough coins" in str(response.context["adminform"].form.errors)
    assert ledger_snapshot() == before
    assert not Adjustment.objects.exists()


def test_balances_transactions_and_entries_are_read_only(moderator_client, player, fund):
    fund(player, 10)
    account = Account.objects.get(player=player)
    txn = LedgerTransaction.objects.get()
    entry = Entry.objects.filter(account=account).get()

    for name, obj in (("account", account), ("ledgertransaction", txn), ("entry", entry)):
        url = reverse(f"admin:economy_{name}_change", args=[obj.pk])
        assert moderator_client.get(url).status_code == 200
        assert moderator_client.post(url, {"balance": 10**6, "amount": 10**6}).status_code == 403
        assert moderator_client.get(reverse(f"admin:economy_{name}_add")).status_code == 403
        assert moderator_client.get(reverse(f"admin:economy_{name}_changelist")).status_code == 200

    assert player_balance(player=player) == 10


def test_the_accounts_list_shows_derived_system_balances(moderator_client, player, fund):
    fund(player, 42)

    listing = moderator_client.get(reverse("admin:economy_account_changelist")).content.decode()

    assert "-42" in listing


def test_moderators_edit_the_faucet_rules_with_validation(moderator_client):
    rules = economy_settings_get()
    url = reverse("admin:economy_economysettings_change", args=[rules.pk])
    form = {
        "signup_grant": 500,
        "daily_ladder": "[10, 20, 30, 40, 50, 60, 70]",
        "refill_threshold": 50,
        "refill_amount": 200,
        "refill_cooldown_hours": 6,
    }

    refused = moderator_client.post(url, {**form, "daily_ladder": "[10, 20, -30]"})
    assert refused.status_code == 200
    assert "daily_ladder" in refused.context["adminform"].form.errors
    assert economy_settings_get().daily_ladder[0] == 100

    assert moderator_client.post(url, form).status_code == 302
    assert economy_settings_get().daily_ladder == [10, 20, 30, 40, 50, 60, 70]
    assert EconomySettings.objects.get().refill_cooldown_hours == 6


def test_a_player_cannot_open_the_ledger_admin(client, player):
    client.force_login(player)

    response = client.get(reverse("admin:economy_account_changelist"))

    assert response.status_code == 302


def test_an_adjustment_is_in_the_moderation_log(moderator_client, moderator, player):
    moderator_client.post(
        reverse("admin:economy_adjustment_add"),
        {"player": player.pk, "amount": 40, "reason": "Goodwill"},
    )

    adjustment = Adjustment.objects.get()
    entry = ModeratorAction.objects.get()
    assert (entry.actor, entry.target, entry.action, entry.reason) == (
        moderator,
        player,
        "coins.adjust",
        "Goodwill",
    )
    assert entry.details == {
        "amount": 40,
        "adjustment_id": adjustment.pk,
        "transaction_id": adjustment.transaction_id,
    }


def test_a_refused_adjustment_leaves_no_log_entry(moderator_client, player):
    moderator_client.post(
        reverse("admin:economy_adjustment_add"),
        {"player": player.pk, "amount": -5, "reason": "Clawback"},
    )

    assert not Adjustment.objects.exists()
    assert not ModeratorAction.objects.exists()


def test_a_moderator_cannot_adjust_a_staff_account(moderator_client, moderator):
    before = ledger_snapshot()

    response = moderator_client.post(
        reverse("admin:economy_adjustment_add"),
        {"player": moderator.pk, "amount": 1000, "reason": "Bonus for me"},
    )

    assert response.status_code == 200
    assert "superusers" in str(response.context["adminform"].form.errors)
    assert ledger_snapshot() == before
    assert not Adjustment.objects.exists()


def test_the_user_admin_links_to_the_adjustment_form(moderator_client, player, other_player):
    changelist = reverse("admin:accounts_user_changelist")

    one = moderator_client.post(
        changelist, {"action": "adjust_coins", "_selected_action": [player.pk]}
    )
    two = moderator_client.post(
        changelist,
        {"action": "adjust_coins", "_selected_action": [player.pk, other_player.pk]},
    )

    assert one.status_code == 302
    assert one["Location"] == f"{reverse('admin:economy_adjustment_add')}?player={player.pk}"
    form = moderator_client.get(one["Location"])
    assert form.context["adminform"].form.initial["player"] == str(player.pk)
    assert two.status_code == 302
    assert two["Location"] == changelist
    assert not Adjustment.objects.exists()
