"""A tiny OpenID Connect provider on 127.0.0.1 for social sign-up tests.

The external provider is not our code and the network is closed, so tests
run allauth's real login and callback views against this server: discovery,
the token exchange and userinfo are real HTTP calls. ``users`` maps the
authorisation code a test hands to the callback to the claims the provider
returns for it. ``id_token`` signs claims with the server's own RSA key
(published at ``/jwks``), for app clients that hand allauth an ID token.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "casino-club"


class FakeOIDCProvider:
    def __init__(self) -> None:
        self.users: dict[str, dict] = {}
        self._tokens: dict[str, dict] = {}
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        self._jwks = {"keys": [{**jwk, "kid": "fake-1", "use": "sig", "alg": "RS256"}]}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    base = provider.url
                    self.reply(
                        200,
                        {
                            "issuer": base,
                            "authorization_endpoint": f"{base}/authorize",
                            "token_endpoint": f"{base}/token",
                            "userinfo_endpoint": f"{base}/userinfo",
                            "jwks_uri": f"{base}/jwks",
                            "token_endpoint_auth_methods_supported": ["client_secret_post"],
                        },
                    )
                elif self.path == "/jwks":
                    self.reply(200, provider._jwks)
                elif self.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    claims = provider._tokens.get(token)
                    self.reply(200, claims) if claims else self.reply(401, {"error": "invalid"})
                else:
                    self.reply(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(length).decode())
                code = form.get("code", [""])[0]
                if self.path != "/token" or code not in provider.users:
                    self.reply(400, {"error": "invalid_grant"})
                    return
                token = secrets.token_urlsafe(16)
                provider._tokens[token] = provider.users[code]
                self.reply(200, {"access_token": token, "token_type": "Bearer"})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> FakeOIDCProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def id_token(self, claims: dict) -> str:
        now = int(time.time())
        payload = {"iss": self.url, "aud": CLIENT_ID, "iat": now, "exp": now + 300, **claims}
        return jwt.encode(payload, self._key, algorithm="RS256", headers={"kid": "fake-1"})

    def settings(self) -> dict:
        """``SOCIALACCOUNT_PROVIDERS`` for this server (an app in settings, no database row)."""
        return {
            "openid_connect": {
                "APPS": [
                    {
                        "provider_id": "fakeid",
                        "name": "Fake ID",
                        "client_id": CLIENT_ID,
                        "secret": "not-a-real-secret",
                        "settings": {"server_url": self.url, "fetch_userinfo": True},
                    }
                ]
            }
        }


# --- in tests: a player arriving from the fake provider ------------------------------

SOCIAL_SIGNUP = "/accounts/3rdparty/signup/"


def arrive_from_provider(client, provider, *, code: str, claims: dict):
    """The player clicks "Fake ID", signs in there and comes back with ``code``."""
    provider.users[code] = claims
    start = client.post("/accounts/oidc/fakeid/login/")
    assert start.status_code == 302, start.content
    assert start["Location"].startswith(f"{provider.url}/authorize")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    return client.get("/accounts/oidc/fakeid/login/callback/", {"code": code, "state": state})


def claims(sub: str, email: str, name: str = "Sam Social") -> dict:
    return {"sub": sub, "email": email, "email_verified": True, "name": name}
