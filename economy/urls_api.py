from django.urls import path

from economy import api

urlpatterns = [
    path("wallet", api.WalletView.as_view(), name="api-wallet"),
    path("wallet/ledger", api.LedgerView.as_view(), name="api-wallet-ledger"),
    path("rewards", api.RewardsView.as_view(), name="api-rewards"),
    path("bonus/daily/claim", api.DailyBonusClaimView.as_view(), name="api-bonus-daily-claim"),
    path("bonus/refill/claim", api.RefillClaimView.as_view(), name="api-bonus-refill-claim"),
]
