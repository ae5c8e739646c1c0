from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.age.client_ip import client_ip
from accounts.age.forms import AgeAttestationForm
from accounts.age.selectors import age_verification_status
from accounts.services import age_verify
from casino_club.kit.errors import DomainError


@login_required
def verify_age_page(request):
    """The page of ``POST /api/users/me/verify-age``: the same service, errors as messages."""
    form = AgeAttestationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                age_verify(
                    player=request.user,
                    date_of_birth=form.cleaned_data["date_of_birth"],
                    ip_address=client_ip(request),
                )
            except DomainError as error:
                form.add_error("date_of_birth", error.message)
                messages.error(request, error.message)
            else:
                messages.success(request, _("Your age is verified."))
                return redirect("verify-age")
        else:
            messages.error(request, _("Please correct the errors below."))
    context = {
        "form": form,
        "state": age_verification_status(player=request.user),
        "site_min_age": settings.SITE_MIN_AGE,
    }
    return render(request, "accounts/verify_age.html", context)
