from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import profile
from accounts.forms import PreferencesForm


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
