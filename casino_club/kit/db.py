"""Query expressions Django lacks on both our databases (SQLite and PostgreSQL)."""

from __future__ import annotations

from django.db import models
from django.db.models import Aggregate, JSONField


class JSONArrayAgg(Aggregate):
    """The grouped values as one JSON array; over no rows it is NULL, not ``[]``.

    ``JSONB_AGG`` on PostgreSQL, ``JSON_GROUP_ARRAY`` on SQLite; both keep a
    ``JSONArray``/``JSONObject`` value as nested JSON, not as a string. The
    order of the elements is unspecified: sort them in Python.
    """

    function = "JSONB_AGG"
    name = "JSONArrayAgg"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


class CurrentTransactionId(models.Func):
    """The id of the transaction writing the row: PostgreSQL's 64-bit
    ``pg_current_xact_id()``; 0 on SQLite, whose writers run one at a time.

    Used as a ``db_default``, so the database fills it in at insert time.
    Rows ordered by (transaction id, id) and read only below the oldest
    running transaction can be consumed with a high-water mark that never
    skips a row committed late (``accounts.actions``).
    """

    output_field = models.BigIntegerField()
    allowed_default = True

    def as_sql(self, compiler, connection, **extra_context):
        return "0", []

    def as_postgresql(self, compiler, connection, **extra_context):
        return "(pg_current_xact_id()::text::bigint)", []
