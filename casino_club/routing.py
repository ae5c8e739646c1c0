"""WebSocket routes of every app, gathered in one list for asgi.py."""

from accounts.routing import websocket_urlpatterns as accounts_routes

websocket_urlpatterns = [*accounts_routes]
