"""``{% load translated %}`` then ``{{ item|localized:"name" }}``: the Korean
twin of a database field when the page is Korean and it is filled, else English
(see ``casino_club.kit.translated``)."""

from __future__ import annotations

from django import template

from casino_club.kit.translated import localized as localized_text

register = template.Library()


@register.filter
def localized(obj, field: str) -> str:
    if obj is None or obj == "":
        return ""
    return localized_text(obj, field)
