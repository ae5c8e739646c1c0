"""Template tags for pages that show progression without a view of their own (home)."""

from __future__ import annotations

from django import template

from accounts.middleware import has_second_factor
from economy.faucets import wallet_state
from economy.progression import rules
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


@register.simple_tag(takes_context=True)
def two_factor_suggested(context, vip_tier: str) -> bool:
    """Suggest two-factor authentication: the signed-in player is at least
    ``TWO_FACTOR_SUGGESTED_FROM`` and has no second factor. The profile page
    is pinned to four queries: the factor is read only for those tiers."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or vip_tier not in rules.TIER_ORDER:
        return False
    threshold = rules.tier_rank(rules.TWO_FACTOR_SUGGESTED_FROM)
    return rules.tier_rank(vip_tier) >= threshold and not has_second_factor(user)
