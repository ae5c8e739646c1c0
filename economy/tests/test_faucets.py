"""Faucets: signup grant, daily bonus with its streak ladder, refill; moderator adjustments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accounts.action_types import ActionType
from accounts.actions import actions_process
from accounts.models import Action
from economy.errors import (
    BonusAlreadyClaimed,
    InsufficientCoins,
    InvalidAmount,
    InvalidIdempotencyKey,
    NotAModerator,
    ReasonRequired,
    RefillNotAvailable,
)
from economy.faucets import daily_bonus_claim, refill_claim, signup_grant, wallet_state
from economy.models import Adjustment, BonusClaim, EconomySettings, LedgerKind
from economy.selectors import economy_settings_forget, player_balance
from economy.services import (
    adjustment_make,
)
from tests.support.ledger import ledger_snapshot

pytestmark = pytest.mark.django_db

LADDER = [100, 150, 200, 250, 300, 400, 500]


def at(text: str) -> datetime:
    """An instant written in UTC, e.g. at("2030-03-01 14:59")."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def in_zone(player, zone: str):
    player.time_zone = zone
    player.save(update_fields=["time_zone"])
    return player


# --- signup grant ------------------------------------------------------------------


def test_a_new_player_gets_the_signup_grant_once_their_join_is_dispatched(
    make_player, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = make_player("Carol")

    assert player_balance(player=newcomer) == 1000
    assert newcomer.coin_account.entries.get().transaction.kind == LedgerKind.SIGNUP_GRANT


def test_the_signup_grant_is_paid_once_even_if_the_join_is_delivered_again(player):
    signup_grant(player=player)
    assert Action.objects.filter(player=player, type="PLAYER_JOINED").exists()

    actions_process()
    actions_process()
    signup_grant(player=player)

    assert player_balance(player=player) == 1000
    assert player.coin_account.entries.count() == 1


def test_the_signup_grant_follows_the_moderators_setting(player):
    EconomySettings.objects.update_or_create(pk=1, defaults={"signup_grant": 250})
    economy_settings_forget()

    signup_grant(player=player)

    assert player_balance(player=player) == 250


# --- daily bonus -----------------------------------------------------------------------


def test_the_first_daily_claim_pays_day_one_and_records_an_action(player):
    result = daily_bonus_claim(player=player, now=at("2030-03-01 12:00"))

    assert (result.amount, result.streak, result.ladder_day) == (100, 1, 1)
    assert result.balance == 100 == player_balance(player=player)
    action = Action.objects.get(player=player, type=ActionType.DAILY_BONUS_CLAIMED)
    assert action.value == 100
    assert action.metadata["streak"] == 1


def test_claiming_twice_on_one_day_is_refused_and_changes_nothing(player):
    daily_bonus_claim(player=player, now=at("2030-03-01 01:00"))
    before = ledger_snapshot()
    actions = Action.objects.count()

    with pytest.raises(BonusAlreadyClaimed) as error:
        daily_bonus_claim(player=player, now=at("2030-03-01 23:59"))

    assert error.value.status == 409
    assert ledger_snapshot() == before
    assert Action.objects.count() == actions


def test_consecutive_days_climb_the_ladder_and_day_eight_starts_it_again(player):
    start = at("2030-03-01 12:00")
    paid = [daily_bonus_claim(player=player, now=start + timedelta(days=n)) for n in range(9)]

    assert [r.amount for r in paid] == [*LADDER, 100, 150]
    assert [r.streak for r in paid] == list(range(1, 10))
    assert [r.ladder_day for r in paid] == [1, 2, 3, 4, 5, 6, 7, 1, 2]
    assert player_balance(player=player) == sum(LADDER) + 250


def test_a_missed_day_resets_the_streak(player):
    daily_bonus_claim(player=player, now=at("2030-03-01 12:00"))
    daily_bonus_claim(player=player, now=at("2030-03-02 12:00"))

    result = daily_bonus_claim(player=player, now=at("2030-03-04 12:00"))

    assert (result.streak, result.ladder_day, result.amount) == (1, 1, 100)


def test_seoul_midnight_is_the_boundary_for_a_player_in_utc_plus_9(player):
    in_zone(player, "Asia/Seoul")
    # 14:59 UTC is 23:59 on March 1st in Seoul; 15:01 UTC is already March 2nd.
    first = daily_bonus_claim(player=player, now=at("2030-03-01 14:59"))
    second = daily_bonus_claim(player=player, now=at("2030-03-01 15:01"))

    assert (str(first.local_date), str(second.local_date)) == ("2030-03-01", "2030-03-02")
    assert second.streak == 2
    before = ledger_snapshot()
    with pytest.raises(BonusAlreadyClaimed):
        # Still March 2nd in Seoul although it is March 2nd 14:00 UTC.
        daily_bonus_claim(player=player, now=at("2030-03-02 14:00"))
    assert ledger_snapshot() == before


def test_los_angeles_midnight_is_the_boundary_for_a_player_in_utc_minus_8(player):
    in_zone(player, "America/Los_Angeles")
    # 07:59 UTC on March 2nd is 23:59 on March 1st in Los Angeles (PST, UTC-8).
    first = daily_bonus_claim(player=player, now=at("2030-03-02 07:59"))
    before = ledger_snapshot()
    with pytest.raises(BonusAlreadyClaimed):
        # Already March 2nd in UTC, still March 1st in Los Angeles.
        daily_bonus_claim(player=player, now=at("2030-03-02 07:30"))
    assert ledger_snapshot() == before

    second = daily_bonus_claim(player=player, now=at("2030-03-02 08:01"))

    assert (str(first.local_date), str(second.local_date)) == ("2030-03-01", "2030-03-02")
    assert second.streak == 2


def test_a_missed_local_day_resets_the_streak_even_when_utc_days_are_consecutive(player):
    in_zone(player, "Asia/Seoul")
    daily_bonus_claim(player=player, now=at("2030-03-01 00:30"))  # Seoul: March 1st

    # 2030-03-02 15:30 UTC is March 3rd in Seoul: March 2nd was missed there.
    result = daily_bonus_claim(player=player, now=at("2030-03-02 15:30"))

    assert (str(result.local_date), result.streak) == ("2030-03-03", 1)


def test_moving_the_time_zone_west_does_not_give_a_second_bonus_that_day(player):
    in_zone(player, "Asia/Seoul")
    daily_bonus_claim(player=player, now=at("2030-03-01 16:00"))  # Seoul: March 2nd
    in_zone(player, "America/Los_Angeles")  # there it is still March 1st
    before = ledger_snapshot()

    with pytest.raises(BonusAlreadyClaimed):
        daily_bonus_claim(player=player, now=at("2030-03-01 17:00"))

    assert ledger_snapshot() == before


def test_a_repeated_idempotency_key_returns_the_first_claim(player):
    first = daily_bonus_claim(player=player, idempotency_key="abc", now=at("2030-03-01 12:00"))
    before = ledger_snapshot()

    again = daily_bonus_claim(player=player, idempotency_key="abc", now=at("2030-03-01 13:00"))

    assert again.replayed
    assert (again.transaction_id, again.amount, again.balance) == (
        first.transaction_id,
        first.amount,
        first.balance,
    )
    assert ledger_snapshot() == before


@pytest.mark.parametrize("key", ["", "x" * 65, "tab\there", "two words", "é"])
def test_a_malformed_idempotency_key_is_refused(player, key):
    before = ledger_snapshot()

    with pytest.raises(InvalidIdempotencyKey):
        daily_bonus_claim(player=player, idempotency_key=key)

    assert ledger_snapshot() == before
    assert not BonusClaim.objects.exists()


def test_wallet_state_shows_the_ladder_and_todays_state(player):
    in_zone(player, "Asia/Seoul")
    daily_bonus_claim(player=player, now=at("2030-03-01 03:00"))

    state = wallet_state(player=player, now=at("2030-03-01 04:00"))

    daily = state["daily_bonus"]
    assert state["balance"] == 100
    assert (daily["claimed_today"], daily["streak"], daily["next_amount"]) == (True, 1, 150)
    assert [step["state"] for step in daily["ladder"]][:3] == ["claimed", "upcoming", "upcoming"]
    assert [step["current"] for step in daily["ladder"]].index(True) == 0
    assert daily["next_reset"] == at("2030-03-01 15:00")  # Seoul midnight

    tomorrow = wallet_state(player=player, now=at("2030-03-01 16:00"))["daily_bonus"]
    assert (tomorrow["claimed_today"], tomorrow["current_day"]) == (False, 2)
    assert [step["state"] for step in tomorrow["ladder"]][:3] == [
        "claimed",
        "available",
        "upcoming",
    ]


# --- refill ----------------------------------------------------------------------------


def test_a_broke_player_can_refill(player):
    result = refill_claim(player=player, now=at("2030-03-01 12:00"))

    assert result.amount == 500
    assert player_balance(player=player) == 500
    assert Action.objects.filter(player=player, type=ActionType.REFILL_CLAIMED).exists()


def test_the_refill_is_refused_at_or_above_the_threshold(player, fund):
    fund(player, 100)
    before = ledger_snapshot()

    with pytest.raises(RefillNotAvailable) as error:
        refill_claim(player=player)

    assert error.value.status == 409
    assert ledger_snapshot() == before


def test_the_refill_waits_for_its_cooldown(player, fund):
    refill_claim(player=player, now=at("2030-03-01 12:00"))
    spend_all(player)
    before = ledger_snapshot()

    with pytest.raises(RefillNotAvailable):
        refill_claim(player=player, now=at("2030-03-01 15:59"))
    assert ledger_snapshot() == before

    refill_claim(player=player, now=at("2030-03-01 16:00"))
    assert player_balance(player=player) == 500


def test_wallet_state_tells_when_the_refill_opens(player):
    refill_claim(player=player, now=at("2030-03-01 12:00"))
    spend_all(player)

    refill = wallet_state(player=player, now=at("2030-03-01 13:00"))["refill"]

    assert refill["available"] is False
    assert refill["next_available_at"] == at("2030-03-01 16:00")


def spend_all(player):
    from economy.services import SHOP_SINK, ledger_transfer, player_account, system_account

    account = player_account(player=player)
    ledger_transfer(
        source=account,
        destination=system_account(code=SHOP_SINK),
        amount=account.balance,
        kind=LedgerKind.SHOP_PURCHASE,
    )


# --- settings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ladder", [[1, 2, 3], [1, 2, 3, 4, 5, 6, 0], [1, 2, 3, 4, 5, 6, 7.5], "100", [True] * 7]
)
def test_the_daily_ladder_must_be_seven_positive_whole_numbers(ladder):
    from django.core.exceptions import ValidationError

    rules = EconomySettings(pk=1, daily_ladder=ladder)

    with pytest.raises(ValidationError) as error:
        rules.full_clean()

    assert "daily_ladder" in error.value.message_dict


# --- adjustments -----------------------------------------------------------------------


def test_a_moderator_credits_a_player_through_the_ledger(moderator, player):
    adjustment = adjustment_make(
        moderator=moderator, player=player, amount=300, reason="Lost coins in outage"
    )

    assert player_balance(player=player) == 300
    txn = adjustment.transaction
    assert (txn.kind, txn.actor, txn.reason) == (
        LedgerKind.ADJUSTMENT,
        moderator,
        "Lost coins in outage",
    )


def test_a_moderator_debits_a_player(moderator, player, fund):
    fund(player, 100)

    adjustment_make(moderator=moderator, player=player, amount=-40, reason="Duplicate reward")

    assert player_balance(player=player) == 60


@pytest.mark.parametrize(
    ("amount", "reason", "error"),
    [
        (0, "why", InvalidAmount),
        (1.5, "why", InvalidAmount),
        (10, "", ReasonRequired),
        (10, "   ", ReasonRequired),
        (-101, "too much", InsufficientCoins),
    ],
)
def test_a_bad_adjustment_is_refused_and_changes_nothing(
    moderator, player, fund, amount, reason, error
):
    fund(player, 100)
    before = ledger_snapshot()

    with pytest.raises(error):
        adjustment_make(moderator=moderator, player=player, amount=amount, reason=reason)

    assert ledger_snapshot() == before
    assert not Adjustment.objects.exists()


def test_only_moderators_adjust(player, other_player):
    before = ledger_snapshot()

    with pytest.raises(NotAModerator):
        adjustment_make(moderator=other_player, player=player, amount=5, reason="friend")

    assert ledger_snapshot() == before
