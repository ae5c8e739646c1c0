"""The headers a production start actually sends.

The settings are loaded in a fresh interpreter with ``PRODUCTION=true`` (as a
production process loads them, not the test settings), and Django's test
client asks over HTTPS, as nginx forwards it (``X-Forwarded-Proto``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from casino_club.config import generate_rsa_key
from tests.support.servers import ROOT, database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.slow]

PROBE = """
import json, sys
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="casino.example")
answers = {}
for path in sys.argv[1:]:
    secure = client.get(path, secure=True)
    plain = client.get(path)
    answers[path] = {
        "status": secure.status_code,
        "headers": dict(secure.headers),
        "cookies": {name: bool(morsel["secure"]) for name, morsel in secure.cookies.items()},
        "plain_status": plain.status_code,
        "plain_location": plain.headers.get("Location"),
    }
print(json.dumps(answers))
"""


def production_answers(tmp_path, *paths: str, **environment: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "casino_club.settings",
        "PRODUCTION": "true",
        "SECRET_KEY": "p" * 50,
        "JWT_PRIVATE_KEY": generate_rsa_key(),
        "ALLOWED_HOSTS": "casino.example",
        "DATABASE_URL": database_url(),
        "CASINO_VAR_DIR": str(tmp_path),
        # Only for the static files: served from the source folders, so pages
        # render without a collectstatic (settings.py, STORAGES); nothing of
        # the security settings reads it.
        "CASINO_TESTING": "1",
        **environment,
    }
    for inherited in ("DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "PERMISSIONS_POLICY"):
        if inherited not in environment:
            env.pop(inherited, None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *paths],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_pages_send_the_security_headers(tmp_path):
    answers = production_answers(tmp_path, "/accounts/login/", "/healthz")

    for path, answer in answers.items():
        headers = answer["headers"]
        assert answer["status"] == 200, path
        assert headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        ), path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", path
        assert headers["X-Frame-Options"] == "DENY", path
        policy = dict(
            item.strip().split("=", 1) for item in headers["Permissions-Policy"].split(",")
        )
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert policy[feature] == "()", (path, feature)
        csp = {
            directive.split()[0]: directive.split()[1:]
            for directive in headers["Content-Security-Policy"].split(";")
            if directive.strip()
        }
        assert csp["default-src"] == ["'self'"], path
        assert csp["frame-ancestors"] == ["'none'"], path
        assert csp["object-src"] == ["'none'"], path
        assert "'unsafe-inline'" not in csp["script-src"], path


def test_production_sends_plain_http_to_https(tmp_path):
    answer = production_answers(tmp_path, "/accounts/login/")["/accounts/login/"]

    assert answer["plain_status"] == 301
    assert answer["plain_location"] == "https://casino.example/accounts/login/"


def test_the_login_page_sets_its_cookies_secure(tmp_path):
    answer = production_answers(tmp_path, "/accounts/login/")["/accounts/login/"]

    assert answer["cookies"]["csrftoken"] is True


def test_permissions_policy_is_the_operators_to_change(tmp_path):
    answers = production_answers(
        tmp_path, "/healthz", PERMISSIONS_POLICY="camera=(), geolocation=(self)"
    )

    assert answers["/healthz"]["headers"]["Permissions-Policy"] == "camera=(), geolocation=(self)"


def test_an_empty_permissions_policy_sends_none(tmp_path):
    answers = production_answers(tmp_path, "/healthz", PERMISSIONS_POLICY="")

    assert "Permissions-Policy" not in answers["/healthz"]["headers"]
