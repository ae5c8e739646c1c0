from django.urls import path

from games.live_rps.consumers import RpsConsumer

websocket_urlpatterns = [path("ws/rps/", RpsConsumer.as_asgi())]
