from django.urls import path

from games.segments import api

urlpatterns = [
    path("user-segments/me", api.UserSegmentMeView.as_view(), name="api-user-segments-me"),
    path("profile-quiz", api.ProfileQuizView.as_view(), name="api-profile-quiz"),
]
