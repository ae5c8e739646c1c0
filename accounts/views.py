from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts import notifications, profile
from accounts.forms import NotificationPreferencesForm, PreferencesForm
from accounts.models import PLAYER_LANGUAGES
from accounts.mood_views import home_mood_context, profile_mood_context
from accounts.services import player_language_set
from casino_club.kit.errors import DomainError


@require_POST
def language_choose(request):
    """Django's ``set_language`` (the cookie), and the player's stored language too.

    Signed-in players' pages follow the stored language (``PlayerLanguageMiddleware``),
    so the header switcher must change it, or the choice would not stick.
    """
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(PLAYER_LANGUAGES):
        player_language_set(player=request.user, language=language)
    return response


def home(request):
    context = home_mood_context(request)
    # "Welcome back" only for a player who joined before today (their own
    # time zone): one who signed up a second ago is simply welcomed.
    user = request.user
    if user.is_authenticated:
        zone = ZoneInfo(user.time_zone)
        context["returning_player"] = timezone.localdate(
            user.created_at, zone
        ) < timezone.localdate(timezone=zone)
    return render(request, "home.html", context)


@login_required
def profile_page(request):
    if request.method == "POST":
        form = PreferencesForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Your profile is saved."))
            return redirect("profile")
        messages.error(request, _("Please correct the errors below."))
    else:
        form = PreferencesForm(instance=request.user)
    context = {
        "form": form,
        "profile": profile.profile_data(player=request.user),
        **profile_mood_context(request.user),
    }
    return render(request, "accounts/profile.html", context)


@login_required
def notifications_page(request):
    player = request.user
    if request.method == "POST" and request.POST.get("action") == "read_all":
        notifications.notifications_mark_all_read(player=player)
        messages.success(request, _("All notifications are marked read."))
        return redirect("notifications")
    if request.method == "POST" and request.POST.get("action") == "read":
        try:
            notifications.notification_mark_read(
                player=player, notification_id=int(request.POST.get("id", "0"))
            )
        except (ValueError, DomainError):
            messages.error(request, _("That notification does not exist."))
        return redirect("notifications")

    preference = notifications.preference_get(player=player)
    if request.method == "POST" and request.POST.get("action") == "preferences":
        form = NotificationPreferencesForm(request.POST)
        if form.is_valid():
            notifications.preferences_update(player=player, **form.cleaned_data)
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications")
        messages.error(request, _("Please correct the errors below."))
    else:
        form = NotificationPreferencesForm(
            initial={
                "muted_kinds": preference.muted_kinds,
                "email_enabled": preference.email_enabled,
                "quiet_start": preference.quiet_start,
                "quiet_end": preference.quiet_end,
                "marketing_opt_in": preference.marketing_opt_in,
            }
        )
    items = list(notifications.notifications_for(player=player)[:50])
    return render(request, "accounts/notifications.html", {"items": items, "form": form})


@login_required
def reminders_question(request):
    """Asked once, after signup: may we send reminders and news? (Off unless yes.)"""
    player = request.user
    after = request.GET.get("next") or request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(after, allowed_hosts={request.get_host()}):
        after = reverse("home")
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer not in {"yes", "no"}:
            messages.error(request, _("Choose yes or no."))
            return render(request, "accounts/reminders_question.html", {"next": after})
        notifications.marketing_answer(player=player, opt_in=answer == "yes")
        if answer == "yes":
            messages.success(request, _("We will send you reminders and news."))
        else:
            messages.success(request, _("No reminders or news. You can change this any time."))
        return redirect(after)
    if not notifications.marketing_question_ask(player=player):
        return redirect(after)
    return render(request, "accounts/reminders_question.html", {"next": after})
