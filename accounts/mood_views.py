"""The mood pages: the home prompt's form target (works without JS) and the profile setting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import mood
from accounts.mood_models import Mood


def _after(request, default: str) -> str:
    after = request.POST.get("next") or default
    if not url_has_allowed_host_and_scheme(after, allowed_hosts={request.get_host()}):
        return default
    return after


@login_required
@require_POST
def mood_submit(request):
    """The "How do you feel today?" form: a mood, "skipped", or the prompt setting."""
    if request.POST.get("action") == "prompt":
        enabled = request.POST.get("prompt_enabled") == "on"
        mood.mood_prompt_set(player=request.user, enabled=enabled)
        messages.success(request, _("Your mood settings are saved."))
        return redirect(_after(request, "/profile/"))
    value = request.POST.get("mood", "")
    try:
        mood.mood_check_in(player=request.user, mood=value)
    except mood.MoodInvalid:
        messages.error(request, _("Choose one of the listed moods."))
        return redirect(_after(request, "/"))
    if value != Mood.SKIPPED:
        messages.success(request, _("Thanks. This only changes tone and suggestions, never odds."))
    return redirect(_after(request, "/"))


def home_mood_context(request) -> dict:
    """What the home page needs to ask, from the first visit of a day until answered."""
    if not request.user.is_authenticated:
        return {}
    today = mood.mood_today(player=request.user)
    if not today.prompt_due:
        return {}
    return {"mood_prompt": [choice for choice in Mood.choices if choice[0] != Mood.SKIPPED]}


def profile_mood_context(player) -> dict:
    return {
        # Both cached (the history until the next check-in, the setting with
        # today's mood), so the profile page keeps its query count.
        "mood_history": mood.mood_history_cached(player=player),
        "mood_prompt_enabled": mood.mood_today(player=player).prompt_enabled,
    }
