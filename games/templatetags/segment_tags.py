"""``{% today_for_you as items %}``: the home page's "Today for you" suggestions."""

from __future__ import annotations

from django import template
from django.urls import reverse

from games.segments.selectors import recommendations_for

register = template.Library()


@register.simple_tag(takes_context=True)
def today_for_you(context) -> list[dict]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_staff:
        return []
    return [{**item, "url": reverse(item["url_name"])} for item in recommendations_for(user)]
