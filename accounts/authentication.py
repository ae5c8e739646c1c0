"""API authentication: allauth's JWT, refusing accounts that are switched off.

allauth validates an access token without state by default (no session
lookup): the token's user is loaded lazily by id, active or not, so a
suspended or deleted player's token would keep working until it expires (15
minutes). Loading the row here costs no extra query (every view reads
``request.user``), and the socket middleware checks the same
(casino_club/ws_auth.py).
"""

from __future__ import annotations

from allauth.headless.contrib.rest_framework.authentication import JWTTokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accounts.models import User


class ActiveJWTTokenAuthentication(JWTTokenAuthentication):
    def authenticate_credentials(self, key: str):
        user, payload = super().authenticate_credentials(key)
        try:
            is_active = user.is_active  # loads the lazy row
        except User.DoesNotExist:
            is_active = False
        if not is_active:
            raise AuthenticationFailed("Invalid token.")
        return user, payload
