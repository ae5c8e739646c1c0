"""Signing in from tests: a browser page through the login form, a socket through the session."""

from __future__ import annotations

# The password every test player gets (make_player, PlayerFactory).
PASSWORD = "correct horse battery staple"


def sign_in(page, base_url: str, email: str) -> None:
    """Log in through the real login page (Playwright)."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{base_url}/")


def session_headers(client, user) -> list[tuple[bytes, bytes]]:
    """Handshake headers of a socket opened by ``user``'s browser session."""
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    return [(b"origin", b"http://localhost"), (b"cookie", f"sessionid={cookie}".encode())]
