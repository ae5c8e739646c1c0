"""Database text in two languages: the English field plus a ``<field>_ko`` twin.

Moderators write the English text (required) and, when they can, the Korean
one beside it in admin; an empty Korean field falls back to English, so a
new shop item or event never shows up blank for Korean players. The active
language decides (``translation.override(player.language)`` in workers,
the request's language in views and the API).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import translation
from django.utils.translation import gettext_lazy as _

KOREAN_HELP = _("Shown to Korean-speaking players; leave empty to show the English text.")

# Languages that have their own column; English is the base field itself.
TRANSLATED_LANGUAGES = ("ko",)


def language_base(language: str | None) -> str:
    """``"ko-kr"`` -> ``"ko"``; anything without a column -> ``"en"``."""
    base = (language or "").split("-")[0].lower()
    return base if base in TRANSLATED_LANGUAGES else "en"


def localized(obj: object, field: str, language: str | None = None) -> str:
    """``obj.<field>`` in ``language`` (default: the active one), English when missing.

    ``obj`` is a model instance or a mapping (rows read with ``values()``).
    """

    def read(name: str) -> str:
        return obj.get(name, "") if isinstance(obj, Mapping) else getattr(obj, name, "")

    base = language_base(language or translation.get_language())
    if base != "en":
        value = read(f"{field}_{base}")
        if value:
            return value
    return read(field)


class TranslatedText:
    """Mixin for models with ``<field>_ko`` twins: ``item.localized("name")``."""

    def localized(self, field: str, language: str | None = None) -> str:
        return localized(self, field, language)
