from django.urls import path

from games.leaderboards import views

urlpatterns = [
    path("", views.leaderboard_page, name="leaderboards"),
]
