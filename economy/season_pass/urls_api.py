from django.urls import path

from economy.season_pass import api

urlpatterns = [
    path("battlepass/status", api.PassStatusView.as_view(), name="api-battlepass-status"),
    path("battlepass/claim", api.PassClaimView.as_view(), name="api-battlepass-claim"),
]
