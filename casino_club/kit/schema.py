"""OpenAPI additions: the shared error body on every operation and the JWT
security scheme for allauth's token authentication."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": True},
            },
        }
    },
}

ERROR_STATUSES = {
    "400": "The input is invalid; nothing changed.",
    "401": "Not signed in, or the token is invalid.",
    "403": "Signed in, but not allowed.",
    "404": "Not found.",
    "405": "Method not allowed.",
    "409": "Conflicts with the current state; nothing changed.",
    "415": "Unsupported media type.",
    "422": "Understood but refused by a rule; nothing changed.",
    "429": "Too many requests.",
}


class JWTTokenScheme(OpenApiAuthenticationExtension):
    target_class = "allauth.headless.contrib.rest_framework.authentication.JWTTokenAuthentication"
    match_subclasses = True  # accounts.authentication.ActiveJWTTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


def add_error_responses(result, generator, request, public):
    """Document the error body for every status the API may answer with."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {"description": description, "content": reference})
    return result
