"""Invites react to signups (a code ready for the profile) and level-ups (the reward)."""

from __future__ import annotations

from accounts.action_types import ActionType
from accounts.actions import subscribe
from economy.invites.services import REWARD_LEVEL, invite_code_get, referral_reward


@subscribe(ActionType.PLAYER_JOINED, "economy.invites.code")
def code_for_newcomer(action) -> None:
    """Create the invite code up front, so reading the profile never has to."""
    invite_code_get(player=action.player)


@subscribe(ActionType.LEVEL_REACHED, "economy.invites.reward")
def reward_at_level(action) -> None:
    if action.value >= REWARD_LEVEL:
        referral_reward(invitee=action.player)
