from django.urls import path

from economy import views

urlpatterns = [
    path("", views.wallet_page, name="wallet"),
    path("claim/daily/", views.daily_claim, name="wallet-daily-claim"),
    path("claim/refill/", views.refill_claim, name="wallet-refill-claim"),
]
