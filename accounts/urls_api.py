from django.urls import path

from accounts.api import MeView

urlpatterns = [path("users/me", MeView.as_view(), name="api-me")]
