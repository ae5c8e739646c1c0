from django.urls import include, path

from games import api, feedback_api

urlpatterns = [
    path("games/", api.GameListView.as_view(), name="api-games"),
    path("games/rounds/", api.RoundListView.as_view(), name="api-rounds"),
    path("games/rounds/<int:round_id>", api.RoundDetailView.as_view(), name="api-round"),
    path("games/<slug:slug>", api.GameDetailView.as_view(), name="api-game"),
    path("games/<str:slug>/play", api.RoundPlayView.as_view(), name="api-play"),
    path("feedback", feedback_api.FeedbackView.as_view(), name="api-feedback"),
    path("fairness/seeds", api.SeedsView.as_view(), name="api-seeds"),
    path("fairness/rotate", api.SeedRotateView.as_view(), name="api-seeds-rotate"),
    path("fairness/seed-pairs/", api.SeedPairListView.as_view(), name="api-seed-pairs"),
    path("", include("games.leaderboards.urls_api")),
    path("", include("games.segments.urls_api")),
    path("", include("games.reports.urls_api")),
]
