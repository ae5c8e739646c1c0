from django.urls import path

from games.live_rps.views import live_rps_page

app_name = "live_rps"

urlpatterns = [path("", live_rps_page, name="page")]
