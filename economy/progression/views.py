"""The mission hub: the same services as the API, answered with HTML and messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casino_club.kit.errors import DomainError, NotFound
from casino_club.kit.throttles import throttled_page
from economy.progression import selectors
from economy.progression.services import missions as mission_services


def progression_context(player) -> dict:
    """What the hub and the home dashboard show about the player's progress."""
    progress = selectors.progress_get(player=player)
    missions = mission_services.missions_current(player=player)
    return {
        "progress": progress,
        "level_bar": selectors.level_bar(progress=progress),
        "streak": selectors.streak_for(player=player),
        "daily_missions": [m for m in missions if m.period == "DAILY"],
        "weekly_missions": [m for m in missions if m.period == "WEEKLY"],
        "boosts": selectors.boosts_at(),
    }


@login_required
def missions_page(request):
    return render(request, "economy/missions.html", progression_context(request.user))


def error_text(error: DomainError) -> str:
    texts = {
        "mission_not_completed": _("That mission is not completed yet."),
        "mission_already_claimed": _("You already claimed that reward."),
        "not_found": _("That mission does not exist."),
    }
    return texts.get(error.code, error.message)


@login_required
@require_POST
@throttled_page("claim")
def mission_claim(request, mission_id: int):
    try:
        if mission_id > 2**31 - 1:
            raise NotFound()
        result = mission_services.mission_claim(player=request.user, mission_id=mission_id)
    except DomainError as error:
        messages.error(request, error_text(error))
    else:
        parts = []
        if result.coins:
            parts.append(_("%(coins)s coins") % {"coins": result.coins})
        if result.xp:
            parts.append(_("%(xp)s XP") % {"xp": result.xp})
        messages.success(
            request,
            _("Mission reward claimed: %(reward)s.") % {"reward": _(" and ").join(parts)},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "missions:hub"
    return redirect(target)
