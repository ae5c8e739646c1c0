"""What a request answers while the database is unreachable: 503, not 500.

Django hands any uncaught exception (from a view or a middleware) to the
``handler500`` view while the exception is still being handled, so this view
can tell a lost database (``django.db`` ``OperationalError`` or
``InterfaceError``: the server stopped, restarted or refused the connection)
from a bug. A lost database answers 503 with ``Retry-After``: the API's error
JSON under /api/, a small page that needs no database elsewhere. Everything
else is Django's own 500. ``CONN_HEALTH_CHECKS`` (casino_club.config) drops a
dead persistent connection on the next request, so service resumes by itself
once PostgreSQL is back.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error

from casino_club.api import error_body

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request) -> HttpResponse:
    message = _("The service is briefly unavailable. Please try again in a few seconds.")
    if request.path.startswith("/api/") or request.path.startswith("/_allauth/"):
        response = JsonResponse(error_body("unavailable", message), status=503)
    else:
        # No context processors, no request: they would query the database.
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, *args, **kwargs):
    """``handler500``: 503 when the database is unreachable, else Django's 500."""
    error = sys.exc_info()[1]
    while error is not None and not isinstance(error, DATABASE_ERRORS):
        error = error.__cause__ or error.__context__
    if error is not None:
        log.warning("database unavailable: %s %s: %s", request.method, request.path, error)
        return database_unavailable(request)
    return django_server_error(request, *args, **kwargs)
