"""``{% game_tiles as tiles %}``: every game as a home-page tile with a "Play" link.

The home page belongs to ``accounts``, which may not import ``games``; the
template pulls the tiles through this tag instead.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from games import registry
from games.pages import page_of

register = template.Library()


@register.simple_tag
def game_tiles() -> list[dict[str, str]]:
    tiles = [
        {
            "slug": spec.slug,
            "name": str(page_of(spec).name),
            "blurb": str(page_of(spec).blurb),
            "url": reverse("games:play", args=[spec.slug]),
        }
        for spec in registry.all_games()
    ]
    tiles.append(
        {
            "slug": "live-rps",
            "name": _("Rock Paper Scissors live"),
            "blurb": _("Play another player in real time, same stake each."),
            "url": reverse("live_rps:page"),
        }
    )
    return tiles
