"""Query expressions Django lacks on both our databases (SQLite and PostgreSQL)."""

from __future__ import annotations

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
