"""Two request middlewares of the accounts app.

``PlayerLanguageMiddleware``: a signed-in player's stored language wins over
the cookie and ``Accept-Language`` that ``LocaleMiddleware`` read.

``StaffTwoFactorMiddleware``: staff accounts need an active second factor before
any admin page opens.

The admin's own login form is replaced by allauth's (``casino_club/urls.py``
wraps it with ``secure_admin_login``), so its MFA stage and rate limits apply
to staff like to everyone. This middleware closes the other half: a staff
account that has no TOTP or security key is sent to set one up instead of
reaching the admin, whatever way its session was opened.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

# Recovery codes alone are a way back in, not a second factor.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def has_second_factor(user) -> bool:
    return is_mfa_enabled(user, types=SECOND_FACTORS)


class PlayerLanguageMiddleware:
    """Pages in the language the player chose, whichever browser they use.

    Runs after ``AuthenticationMiddleware``, so it sees session sign-ins only:
    app clients authenticate with a bearer token inside the API view and are
    answered in their ``Accept-Language`` (``LocaleMiddleware``). A player who
    never chose (``language`` empty) keeps what ``LocaleMiddleware`` picked.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # Only a request that carries a session loads the user for this.
        if user is not None and request.session.session_key and user.is_authenticated:
            language = getattr(user, "language", "")
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        # The path first: other requests (health probes, static files) must
        # not load the session's user just for this check.
        if not request.path.startswith(reverse("admin:index")) or request.path == reverse(
            "admin:logout"
        ):
            return self.get_response(request)
        user = request.user
        if user.is_authenticated and user.is_staff and not has_second_factor(user):
            messages.warning(
                request,
                _("Staff accounts need two-factor authentication. Set it up to open the admin."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
