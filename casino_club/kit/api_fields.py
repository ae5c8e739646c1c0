"""Strict serializer fields: JSON types are taken as they are, never coerced.

DRF's own fields are lenient (``CharField`` turns the number 42 into "42",
``BooleanField`` takes "yes", 1 and "on"); an API that must refuse what the
schema does not allow uses these instead.
"""

from __future__ import annotations

from rest_framework import serializers


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
