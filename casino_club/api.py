"""One exception handler for the whole API.

Every error leaves as ``{"error": {"code", "message", "fields"}}`` so clients
handle one shape, whatever raised it (DRF, Django or a domain service).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from casino_club.kit.errors import DomainError

CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def flatten(detail) -> object:
    """Turn DRF's nested ErrorDetail structures into plain strings and lists."""
    if isinstance(detail, dict):
        return {str(key): flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [flatten(item) for item in detail]
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        # Messages are lazy translations: rendered here, in the request's language.
        return Response(
            error_body(exc.code, str(exc.message), flatten(exc.fields)), status=exc.status
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: let Django log it and answer 500

    status_code = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        detail = flatten(exc.detail)
        if isinstance(detail, dict):
            fields = {k: v for k, v in detail.items() if k != "non_field_errors"}
            non_field = detail.get("non_field_errors")
            message = non_field[0] if non_field else _("Some fields are invalid.")
        else:
            fields = {}
            message = detail[0] if isinstance(detail, list) and detail else str(detail)
        body = error_body("invalid", message, fields)
    else:
        detail = getattr(exc, "detail", None)
        message = str(detail) if detail is not None else "Error."
        code = getattr(detail, "code", None) or CODES.get(status_code, "error")
        body = error_body(str(code), message)
    response.data = body
    if status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = "Bearer"
    return response


@csrf_exempt
def api_not_found(request, path: str = ""):
    """Unknown paths under /api/ answer in the API's error shape, not HTML."""
    return JsonResponse(error_body("not_found", f"No API endpoint at /api/{path}."), status=404)
