from django.urls import path

from games.reports import api

urlpatterns = [
    path("analytics/retention", api.RetentionView.as_view(), name="api-analytics-retention"),
    path("analytics/economy", api.EconomyView.as_view(), name="api-analytics-economy"),
    path("analytics/spend", api.SpendView.as_view(), name="api-analytics-spend"),
]
