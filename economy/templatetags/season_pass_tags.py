from __future__ import annotations

from django import template

from economy.season_pass.selectors import pass_status

register = template.Library()


@register.inclusion_tag("economy/partials/pass_progress_card.html", takes_context=True)
def pass_progress(context) -> dict:
    """The season pass card on the home dashboard (signed-in players only)."""
    user = context["request"].user
    return {"status": pass_status(player=user) if user.is_authenticated else None}
