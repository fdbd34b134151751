"""Track replay, "who was near this place", GPX/KML export, figures per unit and month."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dispatch.exports_tracks import (
    CONTENT_TYPES,
    gpx_chunks,
    kml_chunks,
    track_file_name,
    unit_stats_csv,
)
from dispatch.forms_tracks import MonthForm, NearPlaceForm, TrackSelectionForm, local_input
from dispatch.selectors_tracks import (
    EXPORT_POINT_LIMIT,
    MAX_PERIOD,
    MAX_UNITS,
    UnitMonthStats,
    track_report_rows,
    track_reports_count,
    unit_month_stats,
    units_near,
)
from dispatch.services_tracks import (
    track_export_audit,
    track_search_audit,
    unit_stats_export_audit,
)
from portal.access import permission_required
from portal.api.helpers import request_user
from portal.timefmt import duration_text


def _replay_text() -> dict[str, str]:
    """The replay script's words, translated here (placeholders filled in by the script)."""
    return {
        "play": _("Play"),
        "pause": _("Pause"),
        "failed": _("The tracks could not be loaded; reload the page to try again."),
        "empty": _("No chosen unit reported a position in this period."),
        "ready": _("Units: %(units)s · points: %(points)s. Press Play, step or drag the time."),
        "reports": _("Reports: %(count)s"),
        "thinned": _("one in %(step)s shown"),
        "thinnedNote": _(
            "Long tracks are thinned on the map; the GPX and KML files hold every report."
        ),
        "noReport": _("no report yet"),
        "lastKnown": _("last known position"),
        "speed": _("%(speed)s km/h"),
        "place": _("Search place"),
    }


@permission_required("dispatch.view_positionreport")
@require_GET
def track_replay(request: HttpRequest) -> HttpResponse:
    """Choose units and a period (or find who was near a place) and replay the tracks."""
    chosen = any(key in request.GET for key in ("unit", "start", "end"))
    selection = (
        TrackSelectionForm(request.GET)
        if chosen
        else TrackSelectionForm(initial=TrackSelectionForm.initial_period())
    )
    searched = any(key in request.GET for key in NearPlaceForm.FIELDS)
    near_form = NearPlaceForm(request.GET if searched else None)
    context: dict[str, Any] = {
        "selection": selection,
        "near_form": near_form,
        "max_days": MAX_PERIOD.days,
        "max_units": MAX_UNITS,
        "replaying": False,
        "nearby": None,
        "replay_text": _replay_text(),
    }
    if chosen and selection.is_valid():
        context["replaying"] = True
        context["tracks_url"] = f"{reverse('api:track-list')}?{selection.api_query_string()}"
        context["export_query"] = selection.query_string()
    if searched and near_form.is_valid():
        moment, window = near_form.cleaned_data["at"], near_form.window
        nearby = units_near(
            place=near_form.place,
            radius_m=near_form.cleaned_data["radius"],
            moment=moment,
            window=window,
        )
        track_search_audit(
            actor=request_user(request),
            place=near_form.place,
            radius_m=near_form.cleaned_data["radius"],
            start=moment - window,
            end=moment + window,
            found=[item.unit for item in nearby],
        )
        context["nearby"] = nearby
        context["near_window"] = (moment - window, moment + window)
        context["near_start"] = local_input(moment - window)
        context["near_end"] = local_input(moment + window)
        context["near_replay_units"] = {item.unit.pk for item in nearby[:MAX_UNITS]}
    return render(request, "dispatch/track_replay.html", context)


@permission_required("dispatch.view_positionreport")
@require_GET
def track_export(request: HttpRequest, file_format: str) -> HttpResponseBase:
    """The selection's tracks as GPX or KML; audited. Refused, with the reason, when the
    selection is not one the replay accepts or holds too many reports for one file."""
    replay_url = reverse("dispatch:track-replay")
    if file_format not in CONTENT_TYPES:
        messages.error(request, _("Tracks are exported as GPX or KML."))
        return redirect(f"{replay_url}?{request.GET.urlencode()}")
    form = TrackSelectionForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Nothing was exported: correct the units and the period."))
        return redirect(f"{replay_url}?{request.GET.urlencode()}")
    units = list(form.cleaned_data["unit"])
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    total = track_reports_count(units=units, start=start, end=end)
    if total > EXPORT_POINT_LIMIT:
        messages.error(
            request,
            _(
                "%(count)d reports in this selection: export at most %(limit)d at once "
                "(fewer units or a shorter period)."
            )
            % {"count": total, "limit": EXPORT_POINT_LIMIT},
        )
        return redirect(f"{replay_url}?{form.query_string()}")
    track_export_audit(
        actor=request_user(request),
        units=units,
        start=start,
        end=end,
        file_format=file_format,
        points=total,
    )
    rows = track_report_rows(units=units, start=start, end=end)
    writer = gpx_chunks if file_format == "gpx" else kml_chunks
    response = StreamingHttpResponse(
        writer(units=units, start=start, end=end, rows=rows),
        content_type=CONTENT_TYPES[file_format],
    )
    filename = track_file_name(units=units, start=start, end=end, file_format=file_format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Figures per unit and month -----------------------------------------------------


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


routes: list[URLPattern] = [
    path("tracks/", track_replay, name="track-replay"),
    path("tracks/export.<str:file_format>", track_export, name="track-export"),
    path("units/stats/", unit_stats, name="unit-stats"),
    path("units/stats/export.csv", unit_stats_export, name="unit-stats-export"),
]
