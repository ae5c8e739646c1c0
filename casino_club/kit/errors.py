"""The base of every domain error.

Services raise subclasses; the API's exception handler turns them into the
error JSON and views turn them into form or page messages. The domain never
imports the API layer, so the HTTP status lives here as a plain number.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy


class DomainError(Exception):
    code = "invalid"
    status = 400
    default_message = gettext_lazy("The request could not be completed.")

    def __init__(self, message: str | None = None, *, fields: dict | None = None) -> None:
        self.message = message or self.default_message
        self.fields = fields or {}
        super().__init__(self.message)


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = gettext_lazy("Not found.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = gettext_lazy("The request conflicts with the current state.")
