from django.urls import path

from games import views

app_name = "games"

urlpatterns = [
    path("", views.lobby, name="lobby"),
    path("fairness/", views.fairness_page, name="fairness"),
    path("<slug:slug>/", views.game_page, name="play"),
]
