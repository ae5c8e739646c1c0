"""Template tags for pages that show progression without a view of their own (home)."""

from __future__ import annotations

from django import template

from economy.faucets import wallet_state
from economy.progression.views import progression_context

register = template.Library()


@register.simple_tag(takes_context=True)
def progression_dashboard(context) -> dict:
    """Today's missions, streak, level and the daily bonus, for the signed-in player."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {**progression_context(user), "wallet": wallet_state(player=user)}
