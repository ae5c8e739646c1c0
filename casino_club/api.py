"""One exception handler for the whole API.

Every error leaves as ``{"error": {"code", "message", "fields"}}`` so clients
handle one shape, whatever raised it (DRF, Django or a domain service).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve
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


# --- before any view: methods nobody serves, features the site does not offer ---

GUARDED_PREFIXES = ("/api/", "/_allauth/")
# Every method some endpoint of the site serves; a view without a class (so
# without a list of its own) is held to these.
SERVED_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# allauth headless routes of features the site does not offer: accounts sign
# up and log in by email only (ACCOUNT_LOGIN_METHODS), there are no phone
# numbers. Their views fail on requests they do not expect (TRACE or an
# anonymous PUT on account/phone raised AttributeError: a 500 page).
UNOFFERED_HEADLESS_ROUTES = frozenset(
    {"manage_phone", "verify_phone", "resend_phone_verification_code"}
)


def view_methods(view) -> frozenset[str]:
    """The methods a resolved view serves: its class's handlers, else SERVED_METHODS."""
    view_class = getattr(view, "view_class", None) or getattr(view, "cls", None)
    if view_class is None:
        return SERVED_METHODS
    served = {
        method.upper()
        for method in view_class.http_method_names
        if callable(getattr(view_class, method, None))
    }
    if "GET" in served:
        served.add("HEAD")  # Django's View.setup answers HEAD with get()
    return frozenset(served & SERVED_METHODS)


class ApiRouteGuardMiddleware:
    """Answers the API's error JSON for /api/ and /_allauth/ requests no view should see.

    A method the endpoint does not serve (TRACE, CONNECT, an invented one, or
    DELETE on a read-only endpoint) is a 405 with an ``Allow`` header, before
    authentication, CSRF or the view run. A route of a feature the site does
    not offer (allauth's phone endpoints) and an unknown /_allauth/ path are a
    404. Only these two prefixes: pages keep Django's own answers.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(GUARDED_PREFIXES):
            refused = self.refusal(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def refusal(self, request) -> JsonResponse | None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        # Under /api/ every path resolves (api_not_found is the catch-all).
        if match is None or (
            match.url_name in UNOFFERED_HEADLESS_ROUTES and "headless" in match.namespaces
        ):
            return JsonResponse(
                error_body("not_found", _("Not found.")), status=status.HTTP_404_NOT_FOUND
            )
        allowed = view_methods(match.func)
        if request.method in allowed:
            return None
        message = str(exceptions.MethodNotAllowed(request.method).detail)
        response = JsonResponse(
            error_body("method_not_allowed", message),
            status=status.HTTP_405_METHOD_NOT_ALLOWED,
        )
        response["Allow"] = ", ".join(sorted(allowed))
        return response
