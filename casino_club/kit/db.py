"""Database expressions the apps share."""

from __future__ import annotations

from django.db import models


class CurrentTransactionId(models.Func):
    """The id of the transaction writing the row: PostgreSQL's 64-bit
    ``pg_current_xact_id()``; 0 on SQLite, whose writers run one at a time.

    Used as a ``db_default``, so the database fills it in at insert time.
    Rows ordered by (transaction id, id) and read only below the oldest
    running transaction (``pg_snapshot_xmin``) can be consumed with a
    high-water mark that never skips a row committed late.
    """

    output_field = models.BigIntegerField()
    allowed_default = True

    def as_sql(self, compiler, connection, **extra_context):
        return "0", []

    def as_postgresql(self, compiler, connection, **extra_context):
        return "(pg_current_xact_id()::text::bigint)", []
