"""Invites: codes, redeeming as a new player, anti-abuse rules, the reward once at level 3."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.actions import actions_process
from accounts.models import Notification, NotificationKind
from economy.invites.services import (
    DAILY_CAP,
    INVITEE_REWARD,
    INVITER_REWARD,
    AlreadyInvited,
    InvalidInviteCode,
    InviteCircular,
    InviteLimitReached,
    InviteNotFound,
    InviteTooLate,
    OwnInviteCode,
    invite_code_get,
    invite_redeem,
    referral_reward,
)
from economy.models import LedgerKind, LedgerTransaction, Referral
from economy.progression.services.xp import xp_grant
from economy.selectors import player_balance
from tests.support.ledger import ledger_snapshot

pytestmark = pytest.mark.django_db


def reach_level_3(player) -> None:
    xp_grant(player=player, amount=300, source="ADJUSTMENT", reference="to level 3")


def test_every_player_gets_one_stable_code(player):
    code = invite_code_get(player=player).code

    assert len(code) == 8 and code == invite_code_get(player=player).code


def test_redeem_links_invitee_to_inviter(player, other_player):
    code = invite_code_get(player=player).code

    referral = invite_redeem(player=other_player, code=code.lower())

    assert (referral.inviter, referral.invitee, referral.rewarded_at) == (
        player,
        other_player,
        None,
    )


@pytest.mark.parametrize("code", ["", "short", "ABCDEFG0", 12345678, None, "ÄÖÜABCDE"])
def test_malformed_codes_are_refused(other_player, code):
    with pytest.raises(InvalidInviteCode):
        invite_redeem(player=other_player, code=code)
    assert not Referral.objects.exists()


def test_anti_abuse_rules(player, other_player, make_player):
    code = invite_code_get(player=player).code

    with pytest.raises(InviteNotFound):
        invite_redeem(player=other_player, code="ZZZZZZZZ")
    with pytest.raises(OwnInviteCode):
        invite_redeem(player=player, code=code)

    old = make_player("Oldtimer")
    old.created_at = timezone.now() - timedelta(days=8)
    old.save(update_fields=["created_at"])
    with pytest.raises(InviteTooLate):
        invite_redeem(player=old, code=code)

    invite_redeem(player=other_player, code=code)
    with pytest.raises(AlreadyInvited):
        invite_redeem(player=other_player, code=code)
    with pytest.raises(InviteCircular):
        invite_redeem(player=player, code=invite_code_get(player=other_player).code)

    assert list(Referral.objects.values_list("invitee__nickname", flat=True)) == ["Bob"]


def test_daily_cap_per_inviter(player, make_player):
    code = invite_code_get(player=player).code
    for number in range(DAILY_CAP):
        invite_redeem(player=make_player(f"friend{number}"), code=code)

    with pytest.raises(InviteLimitReached):
        invite_redeem(player=make_player("OneTooMany"), code=code)

    assert Referral.objects.filter(inviter=player).count() == DAILY_CAP
    tomorrow = timezone.now() + timedelta(days=1, minutes=1)
    invite_redeem(player=make_player("Tomorrow"), code=code, now=tomorrow)


def test_reward_is_paid_once_when_the_invitee_reaches_level_3(
    player, other_player, django_capture_on_commit_callbacks
):
    invite_redeem(player=other_player, code=invite_code_get(player=player).code)
    xp_grant(player=other_player, amount=150, source="ADJUSTMENT", reference="level 2")
    assert referral_reward(invitee=player) is None  # the inviter was never invited
    actions_process()  # both players' signup grants, pending since the fixtures
    before = {p: player_balance(player=p) for p in (player, other_player)}

    with django_capture_on_commit_callbacks(execute=True):
        xp_grant(player=other_player, amount=150, source="ADJUSTMENT", reference="level 3")

    referral = Referral.objects.get()
    assert referral.rewarded_at is not None
    assert player_balance(player=player) == before[player] + INVITER_REWARD
    assert player_balance(player=other_player) == before[other_player] + INVITEE_REWARD
    rewards = LedgerTransaction.objects.filter(kind=LedgerKind.REFERRAL_REWARD)
    assert rewards.count() == 2
    assert Notification.objects.filter(kind=NotificationKind.INVITE_REWARD).count() == 2

    before = ledger_snapshot()
    assert referral_reward(invitee=other_player) is None
    with django_capture_on_commit_callbacks(execute=True):
        xp_grant(player=other_player, amount=400, source="ADJUSTMENT", reference="level 4")
    assert LedgerTransaction.objects.filter(kind=LedgerKind.REFERRAL_REWARD).count() == 2
    assert player_balance(player=player) == before["balances"][referral.inviter.coin_account.pk]


def test_an_invitee_already_at_level_3_is_rewarded_on_redeem(player, other_player):
    reach_level_3(other_player)

    referral = invite_redeem(player=other_player, code=invite_code_get(player=player).code)

    assert referral.rewarded_at is not None
    assert player_balance(player=other_player) == INVITEE_REWARD
