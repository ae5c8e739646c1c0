"""``{% play_banner %}``: the notice on game pages when play is stopped (limit or break)."""

from __future__ import annotations

from django import template

from accounts.responsible import play_blocked_message

register = template.Library()


@register.inclusion_tag("accounts/partials/play_banner.html", takes_context=True)
def play_banner(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    message = None
    if user is not None and user.is_authenticated:
        message = play_blocked_message(player=user)
    return {"message": message}
