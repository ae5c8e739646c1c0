"""The games' HTML pages: lobby, one page per game, the fairness page and help.

Pages are thin: they render the published math of the active configuration
and the controls; playing goes through the JSON API (``games/api.py``) from
the page's ES module, so the browser and API clients share one code path.
Each game's page (template, name, extra context) comes from its folder's
``page.py`` (``games/pages.py``), so this module knows no game by name.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from games import registry, services
from games.pages import active_config, figures, page_of
from games.social_proof import social_proof


def _spec_or_404(slug: str) -> registry.GameSpec:
    try:
        return registry.get(slug)
    except registry.UnknownGame:
        raise Http404(slug) from None


@login_required
def lobby(request):
    games = []
    for spec in registry.all_games():
        page = page_of(spec)
        _config, math = active_config(spec)
        games.append(
            {"slug": spec.slug, "name": page.name, "blurb": page.blurb, "figures": figures(math)}
        )
    return render(request, "games/lobby.html", {"games": games, "social_proof": social_proof()})


@login_required
def game_page(request, slug: str):
    spec = _spec_or_404(slug)
    page = page_of(spec)
    active = services.game_config_active(slug=spec.slug)
    config, math = active.data, active.math
    context: dict[str, Any] = {
        "game": {"slug": spec.slug, "name": page.name},
        "config": config,
        # Published in full, so anyone can recompute the math (docs/fairness.md).
        "config_json": json.dumps(config, indent=2, sort_keys=True),
        "config_version": active.version,
        "math": math,
        "figures": figures(math),
        "social_proof": social_proof(),
    }
    context.update(page.context(config, math))
    return render(request, page.template, context)


@login_required
def fairness_page(request):
    slots = registry.get("slots")
    slots_config, _math = active_config(slots)
    return render(
        request,
        "games/fairness.html",
        {"slots_board": {"reels": slots_config["reels"], "rows": slots_config["rows"]}},
    )


def help_page(request):
    """Help and FAQ, for everyone (signed in or not): how each game works, its
    published odds, and the site's promises (no cash value, fixed odds)."""
    games = []
    for spec in registry.all_games():
        page = page_of(spec)
        _config, math = active_config(spec)
        games.append(
            {"slug": spec.slug, "name": page.name, "blurb": page.blurb, "figures": figures(math)}
        )
    return render(request, "games/help.html", {"games": games})
