"""/admin/reports/: the three reports as tables with charts, for moderators."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.notifications import is_moderator
from games.reports import selectors

CHOICES = {"day": 30, "week": 91}


def reports_page(request):
    if not is_moderator(request.user):
        raise PermissionDenied
    period = request.GET.get("period", "day")
    if period not in CHOICES:
        period = "day"
    window = selectors.window_for(period=period, days=CHOICES[period])
    economy = selectors.economy(window=window)
    spend = selectors.spend(window=window)
    chart = {
        "labels": [p["start"].isoformat() for p in economy["periods"]],
        "issued": [p["issued_total"] for p in economy["periods"]],
        "removed": [p["removed_total"] for p in economy["periods"]],
        "series": [_("Coins issued"), _("Coins removed")],
    }
    context = {
        **admin.site.each_context(request),
        "title": _("Reports"),
        "period": period,
        "window": window,
        "retention": selectors.retention(window=selectors.window_for(days=91)),
        "economy": economy,
        "economy_rows": selectors.economy_table(economy),
        "spend_rows": selectors.spend_table(spend),
        "chart": chart,
    }
    return render(request, "admin/reports.html", context)


reports_admin_view = admin.site.admin_view(reports_page)
