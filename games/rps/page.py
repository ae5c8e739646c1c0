"""The rock-paper-scissors page: the pay table's multiplier."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from games.pages import GamePage


def rps_context(config: dict[str, Any], math: dict[str, Any]) -> dict[str, Any]:
    return {
        "win_pays": config["win_pays"],
        "configuration_tables": "games/_rps_configuration.html",
    }


PAGE = GamePage(
    template="games/rps.html",
    name=_("Rock Paper Scissors"),
    blurb=_("Rock, paper, scissors against the house."),
    context=rps_context,
)
