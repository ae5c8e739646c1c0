"""ASGI entry point: HTTP and WebSockets on one port (embedded default), or
only ``/ws/`` behind a proxy in production (HTTP then goes to gunicorn)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casino_club.settings")

# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from casino_club.routing import websocket_urlpatterns  # noqa: E402
from casino_club.ws_auth import SubprotocolJWTAuthMiddleware  # noqa: E402

# Outermost, the Origin check: it refuses a handshake whose Origin is not one
# of ALLOWED_HOSTS, and one without an Origin header at all (app clients send
# the site's origin). Then the browser's session, then an app client's JWT
# from the Sec-WebSocket-Protocol header, which wins when offered
# (casino_club/ws_auth.py, docs/live.md).
application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(SubprotocolJWTAuthMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)
