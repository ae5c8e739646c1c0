"""Helpers for the progression tests: deliver an action the way the pipeline does."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from accounts.actions import actions_process
from accounts.models import Action


def deliver(
    capture,
    player,
    type: str,
    *,
    value: int = 0,
    metadata: dict | None = None,
    at: datetime | None = None,
) -> Action:
    """Write an action as another app would and run its subscribers (and theirs)."""
    action = Action.objects.create(
        player=player,
        type=type,
        value=value,
        metadata=metadata or {},
        created_at=at or timezone.now(),
    )
    with capture(execute=True):
        actions_process()
    return action


def round_action(
    capture, player, *, wager: int = 10, payout: int = 0, game: str = "slots", at=None
) -> Action:
    return deliver(
        capture,
        player,
        "ROUND_PLAYED",
        value=wager,
        metadata={
            "round": 1,
            "game": game,
            "wager": wager,
            "payout": payout,
            "net": payout - wager,
        },
        at=at,
    )
