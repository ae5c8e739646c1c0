from django.urls import path

from economy.invites import views

urlpatterns = [
    path("<str:code>/", views.join_page, name="invite-join"),
]
