"""Invites react to level-ups and add the code and counts to the profile."""

from __future__ import annotations

from accounts.action_types import ActionType
from accounts.actions import subscribe
from economy.invites.services import REWARD_LEVEL, referral_reward


@subscribe(ActionType.LEVEL_REACHED, "economy.invites.reward")
def reward_at_level(action) -> None:
    if action.value >= REWARD_LEVEL:
        referral_reward(invitee=action.player)
