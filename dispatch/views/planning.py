"""Planning pages: patrol zones (drawn on the map), the shift board (day and week),
geofence alerts. Thin: an accessor or selector, a form, one service, a render."""

from datetime import datetime, time
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dispatch.forms.common import add_service_errors
from dispatch.forms.planning import AlertFilterForm, BoardForm, ShiftForm, ZoneForm
from dispatch.models import Shift
from dispatch.selectors.planning import (
    alert_get_for_user,
    alert_list_for_user,
    planning_units,
    shift_board,
    shift_get_for_user,
    zone_get_for_user,
    zone_list_for_user,
)
from dispatch.selectors.tasks import alert_tasks_for_user
from dispatch.services.planning import (
    alert_acknowledge,
    alert_list_view_audit,
    shift_create,
    shift_delete,
    shift_update,
    zone_create,
    zone_update,
)
from portal.access import permission_required
from portal.api.helpers import request_user
from portal.lib.timefmt import EARLIEST_YEAR, LATEST_YEAR

BOARD_UNITS_PER_PAGE = 40
ALERTS_PER_PAGE = 50


# ---------------------------------------------------------------------------------------
# Patrol zones


@permission_required("dispatch.view_patrolzone")
@require_GET
def zone_list(request: HttpRequest) -> HttpResponse:
    zones = zone_list_for_user(user=request_user(request))
    return render(request, "dispatch/zone_list.html", {"zones": zones})


def _draw_texts() -> dict[str, str]:
    """The drawing toolbar's words (leaflet.draw), translated, for static/dispatch/zones.js."""
    return {
        "polygon": _("Draw the zone's outline"),
        "start": _("Click where the outline begins."),
        "cont": _("Click the next corner."),
        "end": _("Click the first corner, or Finish, to close the outline."),
        "finish": _("Finish"),
        "finish_title": _("Close the outline"),
        "undo": _("Delete last point"),
        "undo_title": _("Delete the last corner drawn"),
        "cancel": _("Cancel"),
        "cancel_title": _("Stop without changes"),
        "crossing": _("The edges of a zone cannot cross."),
        "edit": _("Move corners"),
        "edit_tip": _("Drag the corners, then click Done."),
        "remove": _("Delete the outline"),
        "remove_tip": _("Click the outline to delete it."),
        "nothing": _("No outline yet"),
        "save": _("Done"),
        "save_title": _("Keep the changes"),
        "empty": _("No outline yet: draw one on the map."),
        "drawn": _("Outline drawn (corners: {count}). Save the zone to keep it."),
        "current": _("The zone's outline (corners: {count}). Edit it to change it."),
        "unreadable": _("The outline below is not readable GeoJSON."),
    }


def _zone_form_page(request: HttpRequest, form: ZoneForm, zone: Any) -> HttpResponse:
    return render(
        request,
        "dispatch/zone_form.html",
        {"form": form, "zone": zone, "draw_texts": _draw_texts()},
    )


@permission_required("dispatch.view_patrolzone", "dispatch.add_patrolzone")
@require_http_methods(["GET", "POST"])
def zone_create_view(request: HttpRequest) -> HttpResponse:
    form = ZoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            zone = zone_create(actor=request_user(request), data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Patrol zone %(name)s saved.") % {"name": zone.name})
            return redirect("dispatch:zone-list")
    return _zone_form_page(request, form, None)


@permission_required("dispatch.view_patrolzone", "dispatch.change_patrolzone")
@require_http_methods(["GET", "POST"])
def zone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    zone = zone_get_for_user(user=request_user(request), pk=pk)
    form = ZoneForm(request.POST or None, zone=zone)
    if request.method == "POST" and form.is_valid():
        try:
            zone = zone_update(actor=request_user(request), zone=zone, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Patrol zone %(name)s saved.") % {"name": zone.name})
            return redirect("dispatch:zone-list")
    return _zone_form_page(request, form, zone)


# ---------------------------------------------------------------------------------------
# Shifts


def _board_url(view: str, day: Any, **extra: Any) -> str:
    query = {"view": view, "date": day.isoformat(), **{k: v for k, v in extra.items() if v}}
    return f"{reverse('dispatch:shift-list')}?{urlencode(query)}"


@permission_required("dispatch.view_shift")
@require_GET
def shift_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = BoardForm(request.GET or None, initial={"date": today})
    view, day = form.view_and_day() if form.is_bound else ("day", today)
    data = form.cleaned_data if form.is_bound else {}
    units = planning_units(
        user=request_user(request), text=data.get("unit") or "", zone=data.get("zone")
    )
    page = Paginator(units, BOARD_UNITS_PER_PAGE).get_page(request.GET.get("page"))
    board = shift_board(view=view, day=day, units=list(page.object_list))
    filters = {"unit": data.get("unit") or "", "zone": data["zone"].pk if data.get("zone") else ""}
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dispatch/shift_list.html",
        {
            "form": form,
            "board": board,
            "page": page,
            "query": query.urlencode(),
            "today": today,
            "urls": {
                "previous": _board_url(view, board.previous, **filters),
                "next": _board_url(view, board.next, **filters),
                "today": _board_url(view, today, **filters),
                "day": _board_url("day", day, **filters),
                "week": _board_url("week", day, **filters),
            },
            "back": request.get_full_path(),
        },
    )


def _safe_back(request: HttpRequest) -> str:
    back = request.POST.get("back") or request.GET.get("back") or ""
    return back if back.startswith(reverse("dispatch:shift-list")) else ""


def _shift_prefill(request: HttpRequest) -> dict[str, Any]:
    """?unit=<id>&date=YYYY-MM-DD from the board: that unit, a day shift 08:00-16:00."""
    initial: dict[str, Any] = {}
    if request.GET.get("unit", "").isdigit():
        initial["unit"] = int(request.GET["unit"])
    try:
        day = parse_date(request.GET.get("date", "")) if request.GET.get("date") else None
    except ValueError:  # well-formed but not a day, e.g. 2026-02-30
        day = None
    if day is not None and EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        initial["starts_at"] = timezone.make_aware(datetime.combine(day, time(8)))
        initial["ends_at"] = timezone.make_aware(datetime.combine(day, time(16)))
    return initial


def _after_shift_saved(request: HttpRequest, shift: Shift) -> HttpResponse:
    messages.success(request, _("Shift of %(unit)s saved.") % {"unit": shift.unit.call_sign})
    back = _safe_back(request)
    view = "week" if "view=week" in back else "day"
    return redirect(_board_url(view, timezone.localdate(shift.starts_at)))


def _shift_form_page(request: HttpRequest, form: ShiftForm, shift: Shift | None) -> HttpResponse:
    return render(
        request,
        "dispatch/shift_form.html",
        {"form": form, "shift": shift, "back": _safe_back(request)},
    )


@permission_required("dispatch.view_shift", "dispatch.add_shift")
@require_http_methods(["GET", "POST"])
def shift_create_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ShiftForm(request.POST)
    else:
        try:
            form = ShiftForm(initial=_shift_prefill(request))
        except ValueError:  # a date that does not exist in local time
            form = ShiftForm()
    if request.method == "POST" and form.is_valid():
        try:
            shift = shift_create(actor=request_user(request), data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _after_shift_saved(request, shift)
    return _shift_form_page(request, form, None)


@permission_required("dispatch.view_shift", "dispatch.change_shift")
@require_http_methods(["GET", "POST"])
def shift_edit(request: HttpRequest, pk: int) -> HttpResponse:
    shift = shift_get_for_user(user=request_user(request), pk=pk)
    form = ShiftForm(request.POST or None, shift=shift)
    if request.method == "POST" and form.is_valid():
        try:
            shift = shift_update(actor=request_user(request), shift=shift, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _after_shift_saved(request, shift)
    return _shift_form_page(request, form, shift)


@permission_required("dispatch.view_shift", "dispatch.delete_shift")
@require_POST
def shift_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    shift = shift_get_for_user(user=request_user(request), pk=pk)
    try:
        shift_delete(actor=request_user(request), shift=shift)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("dispatch:shift-edit", pk=shift.pk)
    messages.success(request, _("Shift of %(unit)s deleted.") % {"unit": shift.unit.call_sign})
    return redirect(_safe_back(request) or _board_url("day", timezone.localdate(shift.starts_at)))


# ---------------------------------------------------------------------------------------
# Geofence alerts


@permission_required("dispatch.view_geofencealert")
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    form = AlertFilterForm(request.GET or None)
    alerts = alert_list_for_user(user=request_user(request))
    data: dict[str, Any] = {}
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            alerts = alert_list_for_user(
                user=request_user(request),
                unit=data.get("unit"),
                date_from=data.get("date_from"),
                date_to=data.get("date_to"),
                open_only=data.get("state") == "open",
            )
        else:
            alerts = alerts.none()
    page = Paginator(alerts, ALERTS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # read once: for the audit and the page
    alert_list_view_audit(actor=request_user(request), alerts=page.object_list, filters=data)
    answering = alert_tasks_for_user(
        user=request_user(request), alert_ids=[alert.pk for alert in page.object_list]
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dispatch/alert_list.html",
        {
            "form": form,
            "page": page,
            # Each alert with the newest task answering it (or None).
            "rows": [(alert, answering.get(alert.pk)) for alert in page.object_list],
            # "Send a task" opens the form on the live map.
            "can_send_task": request_user(request).has_perms(
                ["dispatch.add_task", "dispatch.view_all_tasks"]
            ),
            "query": query.urlencode(),
            "open_count": alert_list_for_user(user=request_user(request), open_only=True).count(),
            "back": request.get_full_path(),
        },
    )


@permission_required("dispatch.view_geofencealert", "dispatch.change_geofencealert")
@require_POST
def alert_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    alert = alert_get_for_user(user=request_user(request), pk=pk)
    alert_acknowledge(actor=request_user(request), alert=alert)
    messages.success(request, _("Alert of %(unit)s acknowledged.") % {"unit": alert.unit.call_sign})
    back = request.POST.get("back", "")
    return redirect(
        back if back.startswith(reverse("dispatch:alert-list")) else "dispatch:alert-list"
    )
