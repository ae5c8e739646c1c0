"""``{% character_panel %}``: the active character's avatar and the place its lines appear."""

from __future__ import annotations

from django import template
from django.core.cache import cache

from games.dialogue import CHARACTER_KEY
from games.models import Character

register = template.Library()


@register.inclusion_tag("games/partials/character.html")
def character_panel() -> dict:
    character = cache.get(CHARACTER_KEY)
    if character is None:
        character = (
            Character.objects.filter(is_active=True).order_by("pk").values("name", "look").first()
            or {}
        )
        cache.set(CHARACTER_KEY, character, 600)
    return {"character": character}
