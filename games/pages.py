"""What a game's page is: each game folder's ``page.py`` defines ``PAGE``.

``games/views.py`` renders every game the same way: the active
configuration, its published math and the shared figures, plus whatever the
game's ``PAGE.context(config, math)`` adds, into the template ``PAGE`` names.
Templates and scripts live in the game folder's ``templates/`` and
``static/`` (found by ``games/assets.py``), so a new game needs no edit here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from games import registry, services

PageContext = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


def no_extra_context(config: dict[str, Any], math: dict[str, Any]) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class GamePage:
    """A game's page: its template, its translated name and blurb, its extra context."""

    template: str
    name: str | Promise
    blurb: str | Promise = ""
    context: PageContext = no_extra_context


def page_of(spec: registry.GameSpec) -> GamePage:
    """The ``PAGE`` of the game's folder (``<folder>/page.py``)."""
    module = importlib.import_module(f"{registry.package_of(spec)}.page")
    page = getattr(module, "PAGE", None)
    if not isinstance(page, GamePage):
        raise TypeError(f"{module.__name__} must define PAGE = GamePage(...)")
    return page


def active_config(spec: registry.GameSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(config data, published math)`` of the version rounds are played with now.

    The math is ``spec.math(data)`` as computed exactly when the version was
    published (the slot math takes seconds, so it is stored, not recomputed).
    """
    config = services.game_config_active(slug=spec.slug)
    return config.data, config.math


def percent(value: float | None, places: int = 2) -> str:
    return "" if value is None else f"{value * 100:.{places}f}%"


def figures(math: dict[str, Any]) -> dict[str, str]:
    """The headline figures every page shows, as percentages."""
    keys = ("rtp", "house_edge", "hit_frequency", "win_over_stake_probability", "min_rtp")
    return {key: percent(math.get(key)) for key in keys if key in math}
