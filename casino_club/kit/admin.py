"""Admin building blocks shared by the apps."""

from __future__ import annotations


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
