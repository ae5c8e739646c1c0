"""The invite link: /join/<code>/.

How a real invitee gets attached: the link's page asks an anonymous visitor
to sign up with ``?next=`` pointing back at the same page, which allauth
honours after signup; signed in, the page shows an "Accept invite" button
(a POST, so a link alone can never attach anyone) that calls the same
service as ``POST /api/invites/redeem``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casino_club.kit.errors import DomainError
from casino_club.kit.throttles import throttled_page
from economy.invites import selectors, services
from economy.models import InviteCode


# The "Accept invite" POST is the page twin of POST /api/invites/redeem and
# shares its limit; reading the page is not counted.
@throttled_page("claim")
@require_http_methods(["GET", "POST"])
def join_page(request, code: str):
    invite = InviteCode.objects.select_related("player").filter(code=code.upper()).first()
    if request.method == "POST" and request.user.is_authenticated:
        try:
            referral = services.invite_redeem(player=request.user, code=code)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            # A withheld reward (shared device or network) promises no coins.
            text = (
                _("You joined with %(nickname)s's invite.")
                if referral.reward_withheld
                else _(
                    "You joined with %(nickname)s's invite. Reach level 3 and you both get coins."
                )
            )
            messages.success(request, text % {"nickname": referral.inviter.nickname})
            return redirect("home")
    here = reverse("invite-join", args=[code])
    context = {
        "invite": invite,
        "code": code.upper(),
        "signup_url": f"{reverse('account_signup')}?{urlencode({'next': here})}",
        "login_url": f"{reverse('account_login')}?{urlencode({'next': here})}",
        "referral": selectors.invited_by(player=request.user)
        if request.user.is_authenticated
        else None,
    }
    return render(request, "economy/join.html", context, status=200 if invite else 404)
