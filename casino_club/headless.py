"""Two fixes at our side for allauth's headless API (found by test_schema.py).

The OpenAPI document, served with its text made plain:

allauth copies the custom sign-up form's help texts into the document
(``specify_custom_signup_form``); ours are translated, so lazy strings that
its own views hand to ``json.dumps``/``yaml.dump``, which answered 500. These
views serve the same document at the same paths (listed before allauth's in
casino_club/urls.py), with every lazy string rendered in the request's
language first.

Bad bodies answered in JSON: allauth answers a body that is not a JSON object
(``[]``, ``"x"``, broken JSON) with an empty ``text/html`` 400;
``HeadlessBadBodyMiddleware`` gives app clients allauth's own error shape.
"""

from __future__ import annotations

import json

from allauth.headless.spec.internal.schema import get_schema
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _


def plain(value: object) -> object:
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def openapi_json(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        json.dumps(plain(get_schema())),
        content_type="application/vnd.oai.openapi+json",
        headers={"Content-Disposition": "inline; filename=allauth-openapi.json"},
    )


def openapi_yaml(request: HttpRequest) -> HttpResponse:
    import yaml

    return HttpResponse(
        yaml.safe_dump(plain(get_schema())),
        content_type="application/vnd.oai.openapi",
        headers={"Content-Disposition": "inline; filename=allauth-openapi.yaml"},
    )


class HeadlessBadBodyMiddleware:
    PREFIX = "/_allauth/"

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(self.PREFIX)
            and response.status_code == 400
            and not response.content
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            message = _("The request body must be a JSON object.")
            return JsonResponse(
                {"status": 400, "errors": [{"message": message, "code": "invalid"}]},
                status=400,
            )
        return response
