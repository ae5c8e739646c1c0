"""Strict serializer fields: JSON types are taken as they are, never coerced.

DRF's own fields are lenient (``CharField`` turns the number 42 into "42",
``BooleanField`` takes "yes", 1 and "on"); an API that must refuse what the
schema does not allow uses these instead.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casino_club.kit.translated import localized


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false only."""

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid", input=data)


class TextOnlyMixin:
    """Text only: a number, a list or an object is invalid, not stringified."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(TextOnlyMixin, serializers.CharField):
    pass


class StrictRegexField(TextOnlyMixin, serializers.RegexField):
    pass


@extend_schema_field(OpenApiTypes.STR)
class LocalizedTextField(serializers.Field):
    """A database text in the request's language: ``field`` or its ``<field>_ko`` twin.

    ``LocalizedTextField("title", source="template")`` reads
    ``mission.template.title`` (or ``title_ko``); without ``source`` the
    serialized object itself carries the fields. English when the twin is empty.
    """

    def __init__(self, field: str, **kwargs) -> None:
        self.text_field = field
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return localized(value, self.text_field)
