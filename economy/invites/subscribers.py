"""Invites react to level-ups and add the code and counts to the profile."""

from __future__ import annotations

from accounts.action_types import ActionType
from accounts.actions import subscribe
from accounts.profile import register_profile_contributor
from economy.invites.selectors import invite_counts_for
from economy.invites.services import REWARD_LEVEL, invite_code_get, referral_reward


@subscribe(ActionType.LEVEL_REACHED, "economy.invites.reward")
def reward_at_level(action) -> None:
    if action.value >= REWARD_LEVEL:
        referral_reward(invitee=action.player)


@register_profile_contributor
def invite_facts(player) -> dict:
    code = invite_code_get(player=player).code
    return {"invite_code": code, "invite_url": f"/join/{code}/", **invite_counts_for(player=player)}
