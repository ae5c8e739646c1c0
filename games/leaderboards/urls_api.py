from django.urls import path

from games.leaderboards import api

urlpatterns = [
    path("leaderboards/<str:board>", api.LeaderboardView.as_view(), name="api-leaderboard"),
]
