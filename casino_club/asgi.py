"""ASGI entry point: HTTP and WebSockets on one port (embedded default), or
only ``/ws/`` behind a proxy in production (HTTP then goes to gunicorn)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casino_club.settings")

# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from accounts.live import relay_drain_start  # noqa: E402
from casino_club.routing import websocket_urlpatterns  # noqa: E402
from casino_club.ws_auth import SocketAuthStack, SubprotocolJWTAuthMiddleware  # noqa: E402

# Outermost, the Origin check: it refuses a handshake whose Origin is not one
# of ALLOWED_HOSTS, and one without an Origin header at all (app clients send
# the site's origin). Then the browser's session (read in the authentication
# threads, not the shared database thread), then an app client's JWT
# from the Sec-WebSocket-Protocol header, which wins when offered
# (casino_club/ws_auth.py, docs/live.md).
router = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            SocketAuthStack(SubprotocolJWTAuthMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)


async def application(scope, receive, send):
    # The process serving this application holds the sockets. With the
    # in-process channel layer it drains pushes the Celery worker relayed
    # through the database (accounts/live.py); daphne sends no lifespan
    # event, so the drain starts on the first connection (the page's own
    # /ws/live/ socket at the latest). A no-op with Redis.
    relay_drain_start()
    return await router(scope, receive, send)
