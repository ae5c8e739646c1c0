"""Admin building blocks shared by the apps."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from casino_club.kit.translated import KOREAN_HELP


class ReadOnlyAdminMixin:
    """A record nobody edits by hand (ledger entries, logs, receipts): it can be
    listed and viewed, never added, changed or deleted from the admin, by
    anyone, superusers included. Put it before ``admin.ModelAdmin``."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TranslatedAdminMixin:
    """Put the ``*_ko`` twins of a model's texts in their own "Korean" section.

    Moderators see the English fields where they always were, and the Korean
    ones together below (empty ones fall back to English on the site; see
    ``casino_club.kit.translated``). Put it before ``admin.ModelAdmin``.
    """

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if len(fieldsets) != 1:
            return fieldsets  # the admin declared its own sections
        name, options = fieldsets[0]
        fields = list(options["fields"])
        korean = [field for field in fields if field.endswith("_ko")]
        if not korean:
            return fieldsets
        rest = [field for field in fields if field not in korean]
        return [
            (name, {**options, "fields": rest}),
            (
                _("Korean (한국어)"),
                {"fields": korean, "description": KOREAN_HELP},
            ),
        ]
