"""Second factors for staff accounts in tests."""

from __future__ import annotations


def with_totp(user) -> str:
    """Give a staff account an active TOTP authenticator (the admin requires
    one) through allauth's own API; returns the secret for tests that log in."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret
