from django.urls import path

from economy.season_pass import views

urlpatterns = [
    path("", views.pass_page, name="season-pass"),
    path("claim/", views.claim, name="season-pass-claim"),
]
