from django.urls import path

from economy.progression import views

app_name = "missions"

urlpatterns = [
    path("", views.missions_page, name="hub"),
    path("<int:mission_id>/claim/", views.mission_claim, name="claim"),
]
