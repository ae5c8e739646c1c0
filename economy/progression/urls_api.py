from django.urls import path

from economy.progression import api

urlpatterns = [
    path("missions/", api.MissionListView.as_view(), name="api-missions"),
    path(
        "missions/<int:mission_id>/claim",
        api.MissionClaimView.as_view(),
        name="api-missions-claim",
    ),
    path("events/", api.EventListView.as_view(), name="api-events"),
    path("progression", api.ProgressionRulesView.as_view(), name="api-progression"),
]
