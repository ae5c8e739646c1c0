from django.urls import path

from accounts import api, responsible_api

urlpatterns = [
    path("users/me", api.MeView.as_view(), name="api-me"),
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
    path("actions", api.ActionReportView.as_view(), name="api-actions"),
    path("notification", api.NotificationScheduleView.as_view(), name="api-notification-schedule"),
]
