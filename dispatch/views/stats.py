"""Unit statistics pages: a month's table and its CSV."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dispatch.forms.stats import MonthForm
from dispatch.selectors.stats import UnitMonthStats
from dispatch.services.stats import unit_month_stats, unit_stats_csv, unit_stats_export_audit
from portal.access import permission_required
from portal.api.helpers import request_user
from portal.lib.timefmt import duration_text


@dataclass(frozen=True)
class StatsRow:
    figures: UnitMonthStats
    acknowledge_median: str
    acknowledge_p90: str
    arrive_median: str
    arrive_p90: str
    distance_km: float


def _shift_month(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_chosen(request: HttpRequest) -> tuple[MonthForm, date | None]:
    """The month asked for (this month when none is), or None with the form's error."""
    this_month = timezone.localdate().replace(day=1)
    if "month" not in request.GET:
        return MonthForm(initial={"month": this_month.strftime("%Y-%m")}), this_month
    form = MonthForm(request.GET)
    if form.is_valid():
        return form, form.cleaned_data["month"]
    return form, None


@permission_required("dispatch.view_all_tasks")
@require_GET
def unit_stats(request: HttpRequest) -> HttpResponse:
    form, month = _month_chosen(request)
    context: dict[str, Any] = {"form": form, "month": month, "rows": None}
    if month is not None:
        figures = unit_month_stats(month=month)
        this_month = timezone.localdate().replace(day=1)
        following = _shift_month(month, 1)
        context.update(
            rows=[
                StatsRow(
                    figures=row,
                    acknowledge_median=duration_text(row.acknowledge_median_s),
                    acknowledge_p90=duration_text(row.acknowledge_p90_s),
                    arrive_median=duration_text(row.arrive_median_s),
                    arrive_p90=duration_text(row.arrive_p90_s),
                    distance_km=row.distance_m / 1000,
                )
                for row in figures
            ],
            month_value=month.strftime("%Y-%m"),
            previous_month=_shift_month(month, -1).strftime("%Y-%m"),
            next_month=following.strftime("%Y-%m") if following <= this_month else None,
            totals={
                "assigned": sum(row.tasks_assigned for row in figures),
                "completed": sum(row.tasks_completed for row in figures),
                "cancelled": sum(row.tasks_cancelled for row in figures),
                "distance_km": sum(row.distance_m for row in figures) / 1000,
            },
        )
    return render(request, "dispatch/unit_stats.html", context)


@permission_required("dispatch.view_all_tasks")
@require_GET
def unit_stats_export(request: HttpRequest) -> HttpResponseBase:
    """The month's table as CSV; audited."""
    _form, month = _month_chosen(request)
    if month is None:
        messages.error(request, _("Nothing was exported: give the month as YYYY-MM."))
        return redirect(reverse("dispatch:unit-stats"))
    figures = unit_month_stats(month=month)
    label = month.strftime("%Y-%m")
    unit_stats_export_audit(actor=request_user(request), month=label, rows=len(figures))
    response = HttpResponse(
        unit_stats_csv(rows=figures, month=label), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="unit-statistics_{label}.csv"'
    return response
