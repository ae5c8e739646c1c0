from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import notifications, profile
from accounts.forms import NotificationPreferencesForm, PreferencesForm
from casino_club.errors import DomainError


def home(request):
    return render(request, "home.html")


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
    context = {"form": form, "profile": profile.profile_data(player=request.user)}
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
            }
        )
    items = list(notifications.notifications_for(player=player)[:50])
    return render(request, "accounts/notifications.html", {"items": items, "form": form})
