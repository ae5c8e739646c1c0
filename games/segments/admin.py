"""Moderators read segments (with segment sizes) and the forecast fits; nothing is editable."""

from __future__ import annotations

from django.contrib import admin

from casino_club.kit.admin import ReadOnlyAdminMixin
from games.segments.models import ForecastFit, PlayerSegment
from games.segments.selectors import segment_sizes


@admin.register(PlayerSegment)
class PlayerSegmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    change_list_template = "admin/games/playersegment/change_list.html"
    list_display = [
        "player",
        "segment",
        "r_score",
        "f_score",
        "m_score",
        "heavy_play",
        "forecast",
        "computed_at",
    ]
    list_filter = ["segment", "heavy_play"]
    search_fields = ["player__nickname"]
    list_select_related = ["player"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in PlayerSegment._meta.fields]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "segment_sizes": segment_sizes()}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(ForecastFit)
class ForecastFitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "fitted_at",
        "intercept",
        "b_frequency",
        "b_recency",
        "samples",
        "holdout_mae",
        "holdout_samples",
    ]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in ForecastFit._meta.fields]
