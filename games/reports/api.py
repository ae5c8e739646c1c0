"""GET /api/analytics/{retention,economy,spend}: the moderators' reports, as JSON or CSV.

Query: ``period`` (``day`` or ``week``, default ``day``) and ``days`` (how
many days back from today, 1 to 366, default 30). Anything else in the query
is a 400 with the error JSON, as is a bad value. ``?format=csv`` answers the
report's table as CSV (one row per figure). Moderators only (403 otherwise).
"""

from __future__ import annotations

import csv
import io

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import IsModerator
from games.reports import selectors


class CSVRenderer(BaseRenderer):
    """A table (a list of flat dicts) as CSV; an error body as ``field,value`` rows."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        out = io.StringIO()
        view = (renderer_context or {}).get("view")
        if isinstance(data, list):
            # The header even for an empty table (an empty body would lose its type).
            writer = csv.DictWriter(out, fieldnames=view.columns)
            writer.writeheader()
            writer.writerows(data)
        elif isinstance(data, dict):
            writer = csv.writer(out)
            for key, value in data.items():
                writer.writerow([key, value])
        return out.getvalue().encode(self.charset)


class ReportQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=["day", "week"], required=False, default="day")
    days = serializers.IntegerField(min_value=1, max_value=366, required=False, default=30)
    format = serializers.ChoiceField(choices=["json", "csv"], required=False)

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(dict.fromkeys(unknown, "unknown query parameter"))
        # DRF reads an empty query value of an optional field as absent;
        # ``?period=`` is a mistake, not a request for the default.
        blank = sorted(key for key in self.fields if self.initial_data.get(key) == "")
        if blank:
            raise serializers.ValidationError(dict.fromkeys(blank, "may not be blank"))
        return attrs


QUERY = [
    OpenApiParameter("period", str, enum=["day", "week"], description="Bucket size (default day)."),
    OpenApiParameter(
        "days",
        {"type": "integer", "minimum": 1, "maximum": 366},
        description="Days back from today, 1 to 366 (default 30).",
    ),
    OpenApiParameter("format", str, enum=["json", "csv"], description="csv: the table as CSV."),
]


def _report_schema(operation_id: str, summary: str):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        parameters=QUERY,
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="The report (docs/insight.md)."),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="A bad query: the error JSON."),
            403: OpenApiResponse(OpenApiTypes.OBJECT, description="Not a moderator."),
        },
    )


class ReportView(APIView):
    name = ""
    columns: tuple[str, ...] = ()
    permission_classes = [IsModerator]
    renderer_classes = [JSONRenderer, CSVRenderer]

    def handle_exception(self, exc):
        # Errors are the error JSON whatever format was asked for.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def report(self, window: selectors.Window) -> dict:
        raise NotImplementedError

    def table(self, report: dict) -> list[dict]:
        raise NotImplementedError

    def get(self, request):
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        window = selectors.window_for(
            period=query.validated_data["period"], days=query.validated_data["days"]
        )
        report = self.report(window)
        if request.accepted_renderer.format == "csv":
            filename = f"{type(self).name}-{window.period}-{window.since}-{window.until}.csv"
            return Response(
                self.table(report),
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        return Response(report)


class RetentionView(ReportView):
    name = "retention"
    columns = (
        "signup_week",
        "signups",
        *(
            f"d{n}_{figure}"
            for n in selectors.RETENTION_DAYS
            for figure in ("retained", "eligible", "rate")
        ),
    )

    def report(self, window):
        return selectors.retention(window=window)

    def table(self, report):
        return selectors.retention_table(report)

    @_report_schema("analytics_retention", "D1/D7/D30 retention by signup week; DAU/WAU/MAU")
    def get(self, request):
        return super().get(request)


class EconomyView(ReportView):
    name = "economy"
    columns = ("start", "direction", "source", "coins")

    def report(self, window):
        return selectors.economy(window=window)

    def table(self, report):
        return selectors.economy_table(report)

    @_report_schema("analytics_economy", "Coins issued and removed; supply; realised RTP")
    def get(self, request):
        return super().get(request)


class SpendView(ReportView):
    name = "spend"
    columns = ("start", "breakdown", "key", "coins", "count")

    def report(self, window):
        return selectors.spend(window=window)

    def table(self, report):
        return selectors.spend_table(report)

    @_report_schema("analytics_spend", "Coins wagered by game and segment; shop spend")
    def get(self, request):
        return super().get(request)
