"""The responsible-play pages: settings (limits, reality checks, breaks) and activity.

Forms post plain fields; the same services as the API check and save them,
so a bad value is refused here as it is there (an error message, nothing saved).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import responsible, responsible_settings
from casino_club.kit.errors import DomainError

NO_LIMIT = ""


def _limit_value(raw: str | None):
    """A form field: blank is no limit; digits are a number; anything else stays invalid."""
    raw = (raw or "").strip()
    if raw == NO_LIMIT:
        return None
    return int(raw) if raw.isdigit() else raw


@login_required
def responsible_play_page(request):
    player = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "limits":
                minutes = request.POST.get("reality_check_minutes", "")
                reality = int(minutes) if minutes.isdigit() else minutes
                responsible_settings.reality_check_valid(reality)
                responsible_settings.limits_update(
                    player=player,
                    wager_limit=_limit_value(request.POST.get("daily_wager_limit")),
                    minutes_limit=_limit_value(request.POST.get("daily_minutes_limit")),
                )
                responsible_settings.reality_check_set(player=player, minutes=reality)
                messages.success(request, _("Your limits are saved."))
            elif action == "exclusion":
                responsible_settings.exclusion_start(
                    player=player,
                    kind=request.POST.get("kind", ""),
                    duration=request.POST.get("duration", ""),
                    confirm=request.POST.get("confirm") == "yes",
                )
                messages.success(request, _("Your break has started."))
            else:
                messages.error(request, _("Unknown request."))
        except DomainError as error:
            if error.code == "exclusion_active":
                messages.error(
                    request, _("A break is running: it can be made longer, not shorter.")
                )
            else:
                messages.error(request, _("Nothing was saved: please check the values."))
        return redirect("responsible-play")
    status = responsible.play_status(player=player)
    context = {
        "status": status,
        "row": status.settings,
        "reality_choices": responsible.REALITY_CHECK_CHOICES,
        "cool_off_choices": [
            ("24h", _("24 hours")),
            ("7d", _("7 days")),
            ("30d", _("30 days")),
            ("6w", _("6 weeks")),
        ],
        "self_exclusion_choices": [
            ("6m", _("6 months")),
            ("1y", _("1 year")),
            ("5y", _("5 years")),
            ("permanent", _("Permanently")),
        ],
        "excluded": status.settings.excluded(status.at),
        "wager_max": responsible.WAGER_LIMIT_MAX,
        "minutes_max": responsible.MINUTES_LIMIT_MAX,
    }
    return render(request, "accounts/responsible_play.html", context)


@login_required
def activity_page(request):
    player = request.user
    days = responsible.play_days(player=player)
    context = {"days": days, "weeks": responsible.play_weeks(player=player)}
    return render(request, "accounts/activity.html", context)
