from django.urls import path

from accounts import api, mood_api, privacy_views, responsible_api
from accounts.age import api as age_api

urlpatterns = [
    path("users/me", api.MeView.as_view(), name="api-me"),
    path("users/me/verify-age", age_api.VerifyAgeView.as_view(), name="api-verify-age"),
    path("users/me/export", privacy_views.ExportView.as_view(), name="api-me-export"),
    path("users/me/delete", privacy_views.DeleteView.as_view(), name="api-me-delete"),
    path("users/me/session", responsible_api.SessionView.as_view(), name="api-me-session"),
    path(
        "users/me/session/reality-check",
        responsible_api.RealityCheckView.as_view(),
        name="api-me-reality-check",
    ),
    path("users/me/limits", responsible_api.LimitsView.as_view(), name="api-me-limits"),
    path("users/me/cool-off", responsible_api.CoolOffView.as_view(), name="api-me-cool-off"),
    path("notifications/", api.NotificationListView.as_view(), name="api-notifications"),
    path(
        "notifications/<int:notification_id>/read",
        api.NotificationReadView.as_view(),
        name="api-notification-read",
    ),
    path(
        "notifications/read-all",
        api.NotificationReadAllView.as_view(),
        name="api-notifications-read-all",
    ),
    path(
        "notifications/preferences",
        api.NotificationPreferencesView.as_view(),
        name="api-notification-preferences",
    ),
    path("mood", mood_api.MoodView.as_view(), name="api-mood"),
    path("mood/settings", mood_api.MoodSettingsView.as_view(), name="api-mood-settings"),
    path("actions", api.ActionReportView.as_view(), name="api-actions"),
    path("notification", api.NotificationScheduleView.as_view(), name="api-notification-schedule"),
]
