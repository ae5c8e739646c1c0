"""The season pass page: the tier track with a preview of every reward, and claim buttons."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casino_club.kit.errors import DomainError
from casino_club.kit.throttles import throttled_page
from economy.season_pass import selectors, services


@login_required
def pass_page(request):
    return render(
        request, "economy/pass.html", {"status": selectors.pass_status(player=request.user)}
    )


@login_required
@require_POST
@throttled_page("claim")
def claim(request):
    try:
        tier = int(request.POST.get("tier", ""))
    except ValueError:
        tier = 0
    try:
        result = services.pass_tier_claim(player=request.user, tier_number=tier)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Tier %(number)s claimed: %(reward)s.")
            % {"number": result.tier.number, "reward": selectors.reward_label(result.tier)},
        )
    return redirect("season-pass")
