"""WebSocket routes of every app, gathered in one list for asgi.py."""

from accounts.routing import websocket_urlpatterns as accounts_routes
from games.live_rps.routing import websocket_urlpatterns as live_rps_routes

websocket_urlpatterns = [*accounts_routes, *live_rps_routes]
