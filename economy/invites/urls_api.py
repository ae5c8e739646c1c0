from django.urls import path

from economy.invites import api

urlpatterns = [
    path("invites/me", api.InviteView.as_view(), name="api-invites-me"),
    path("invites/redeem", api.InviteRedeemView.as_view(), name="api-invites-redeem"),
]
