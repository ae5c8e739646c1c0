"""The site's URLs plus ``/bench/bare``: the baseline for ``/api/users/me``.

A DRF view with the site's own authentication (JWT or session) and
permission classes that does no work of its own, so ``/me`` against it
measures what the profile adds to an authenticated API request. Served only
by the benchmarks (``DJANGO_SETTINGS_MODULE=benchmarks.bench_settings``).
"""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from casino_club.urls import urlpatterns as site


class BareView(APIView):
    def get(self, request):
        return Response({"id": request.user.pk})


urlpatterns = [path("bench/bare", BareView.as_view()), *site]
