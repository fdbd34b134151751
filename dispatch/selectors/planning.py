"""Reads for planning: patrol zones, shifts (the day and week board), geofence alerts,
and whether units are on shift and inside their zone (for the recommendations)."""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from dispatch.models import GeofenceAlert, MobileUnit, PatrolZone, Shift
from portal.lib.timefmt import local_midnight
from portal.models import User
from portal.selectors.users import own_unit_filter

# A position this close to its zone still counts as inside (GPS error, boundary roads).
# The geofence service and the recommendation marks use the same figure.
GEOFENCE_TOLERANCE_M = 50.0


def zone_list_for_user(*, user: User, include_inactive: bool = True) -> QuerySet[PatrolZone]:
    zones = PatrolZone.objects.order_by("-active", "name")
    if not user.has_perm("dispatch.view_patrolzone"):
        return zones.none()
    return zones if include_inactive else zones.filter(active=True)


def zone_get_for_user(*, user: User, pk: int) -> PatrolZone:
    zone = zone_list_for_user(user=user).filter(pk=pk).first()
    if zone is None:
        raise Http404
    return zone


def zones_geojson(*, user: User, include_inactive: bool = False) -> dict[str, Any]:
    """The zones as a GeoJSON FeatureCollection (coordinates rounded to about 1 m),
    built in the database: one query, no geometry objects in Python."""
    rows = (
        zone_list_for_user(user=user, include_inactive=include_inactive)
        .annotate(geojson=AsGeoJSON("area", precision=6))
        .values("id", "name", "description", "colour", "active", "geojson")
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": row["id"],
                "geometry": json.loads(row["geojson"]),
                "properties": {k: v for k, v in row.items() if k != "geojson"},
            }
            for row in rows
        ],
    }


def sees_every_unit(user: User) -> bool:
    """Dispatchers and analysts plan or read every unit's shifts; an officer (no
    ``view_all_tasks``) sees only those of the unit they serve in (need to know)."""
    return user.has_perm("dispatch.view_all_tasks")


def shift_list_for_user(*, user: User) -> QuerySet[Shift]:
    shifts = Shift.objects.select_related("unit__org_unit", "zone")
    if not user.has_perm("dispatch.view_shift"):
        return shifts.none()
    if sees_every_unit(user):
        return shifts
    if user.org_unit_id is None:
        return shifts.none()
    return shifts.filter(own_unit_filter(user=user, field="unit__org_unit_id"))


def shift_get_for_user(*, user: User, pk: int) -> Shift:
    shift = shift_list_for_user(user=user).filter(pk=pk).first()
    if shift is None:
        raise Http404
    return shift


def shift_current_for_unit(*, unit: MobileUnit, at: datetime | None = None) -> Shift | None:
    """The shift of ``unit`` running at ``at`` (default: now), with its zone, or None.
    Shifts of a unit never overlap, so the latest one started by then is the only
    candidate: one index row, however long the unit's history. (The live feed, the
    geofence check and the recommendation marks pick the same shift in SQL.)"""
    at = at or timezone.now()
    latest = (
        Shift.objects.select_related("zone")
        .filter(unit=unit, starts_at__lte=at)
        .order_by("-starts_at")
        .first()
    )
    return latest if latest is not None and latest.ends_at > at else None


def shift_next_for_unit(*, unit: MobileUnit, at: datetime | None = None) -> Shift | None:
    """The next shift of ``unit`` to start after ``at`` (default: now), or None."""
    at = at or timezone.now()
    return (
        Shift.objects.filter(unit=unit, starts_at__gt=at)
        .select_related("zone")
        .order_by("starts_at")
        .first()
    )


def planning_units(
    *, user: User, text: str = "", zone: PatrolZone | None = None
) -> QuerySet[MobileUnit]:
    """The units shown as rows of the board, as ``user`` may see them (an officer: their
    own unit only); ``zone`` keeps units with a shift there."""
    units = MobileUnit.objects.select_related("org_unit").only(
        "id", "call_sign", "status", "vehicle_plate", "org_unit__name"
    )
    if not user.has_perm("dispatch.view_shift"):
        return units.none()
    if not sees_every_unit(user):
        if user.org_unit_id is None:
            return units.none()
        units = units.filter(own_unit_filter(user=user, field="org_unit_id"))
    if text:
        units = units.filter(Q(call_sign__icontains=text) | Q(vehicle_plate__icontains=text))
    if zone is not None:
        units = units.filter(pk__in=Shift.objects.filter(zone=zone).values("unit_id"))
    return units.order_by("call_sign")


@dataclass(frozen=True)
class ShiftBar:
    """A shift on the day board: ``left`` and ``width`` in percent of the day;
    ``clipped_start``/``clipped_end`` when it began the day before or runs into the
    next one."""

    shift: Shift
    left: float
    width: float
    clipped_start: bool
    clipped_end: bool


@dataclass(frozen=True)
class BoardColumn:
    label: str
    left: float = 0.0  # day board: where the hour starts, in percent
    day: date | None = None  # week board: the column's date
    is_today: bool = False


@dataclass(frozen=True)
class DayCell:
    """A unit's day on the week board: the shifts that start that day, in time order
    (on Monday also those that began before the week)."""

    day: date
    is_today: bool
    shifts: list[Shift]


@dataclass
class BoardRow:
    unit: MobileUnit
    bars: list[ShiftBar] = field(default_factory=list)  # day board
    days: list[DayCell] = field(default_factory=list)  # week board, Monday first


@dataclass
class ShiftBoard:
    view: str  # "day" or "week"
    day: date  # the day shown, or the Monday of the week shown
    start: datetime
    end: datetime
    columns: list[BoardColumn]
    rows: list[BoardRow]
    shifts: list[Shift]  # every shift in the period on these rows, by start
    agenda: list[tuple[date, list[Shift]]]  # the same by day, for the phone list
    now_left: float | None  # day board: where "now" is, in percent; None if not today
    previous: date
    next: date


def _percent(moment: datetime, start: datetime, end: datetime) -> float:
    """Where ``moment`` lies between ``start`` and ``end``, in percent, clamped. The
    day is measured in real time, so the 23- and 25-hour days of clock changes work."""
    # Timestamps, not datetime subtraction: two datetimes with the same tzinfo subtract
    # as wall-clock times, which would make every day 24 hours long.
    share = (moment.timestamp() - start.timestamp()) / (end.timestamp() - start.timestamp())
    return round(100 * min(1.0, max(0.0, share)), 3)


def shift_board(
    *, view: str, day: date, units: Sequence[MobileUnit], now: datetime | None = None
) -> ShiftBoard:
    """The day board (units by hours, bars by time) or the week board (units by days)
    around ``day`` in local time, for ``units``. One query for the shifts."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    dates: list[date] = []
    if view == "week":
        first = day - timedelta(days=day.weekday())
        dates = [first + timedelta(days=n) for n in range(7)]
        start, end = local_midnight(first), local_midnight(first + timedelta(days=7))
        columns = [BoardColumn(label="", day=d, is_today=d == today) for d in dates]
        previous, following = first - timedelta(days=7), first + timedelta(days=7)
        shown = first
    else:
        start, end = local_midnight(day), local_midnight(day + timedelta(days=1))
        columns = [
            BoardColumn(
                label=f"{hour:02d}",
                left=_percent(local_midnight(day).replace(hour=hour), start, end),
            )
            for hour in range(24)
        ]
        previous, following = day - timedelta(days=1), day + timedelta(days=1)
        shown = day
    rows = {unit.pk: BoardRow(unit=unit) for unit in units}
    shifts = list(
        Shift.objects.select_related("unit", "zone")
        .filter(unit_id__in=rows.keys(), starts_at__lt=end, ends_at__gt=start)
        .order_by("starts_at", "unit__call_sign")
    )
    for row in rows.values():
        row.days = [DayCell(day=d, is_today=d == today, shifts=[]) for d in dates]
    # The week lists a shift under the day it starts (a night shift is not repeated the
    # next morning); one that began before the week is listed under its Monday.
    week_index = {d: n for n, d in enumerate(dates)}
    agenda: list[tuple[date, list[Shift]]] = (
        [(d, []) for d in dates] if view == "week" else [(day, shifts)]
    )
    for shift in shifts:
        row = rows[shift.unit_id]
        if view == "week":
            index = week_index.get(timezone.localdate(shift.starts_at), 0)
            row.days[index].shifts.append(shift)
            agenda[index][1].append(shift)
        else:
            left = _percent(shift.starts_at, start, end)
            row.bars.append(
                ShiftBar(
                    shift=shift,
                    left=left,
                    width=round(_percent(shift.ends_at, start, end) - left, 3),
                    clipped_start=shift.starts_at < start,
                    clipped_end=shift.ends_at > end,
                )
            )
    return ShiftBoard(
        view=view,
        day=shown,
        start=start,
        end=end,
        columns=columns,
        rows=list(rows.values()),
        shifts=shifts,
        agenda=agenda,
        now_left=_percent(now, start, end) if view == "day" and start <= now < end else None,
        previous=previous,
        next=following,
    )


@dataclass(frozen=True)
class ShiftZoneMark:
    """Where a unit stands against its plan at a moment: ``on_shift`` when a shift is
    running; ``in_zone`` True/False when that shift has a zone and the unit a known
    position (within ``GEOFENCE_TOLERANCE_M`` counts as in), None otherwise."""

    on_shift: bool
    in_zone: bool | None
    shift_id: int | None = None
    zone_id: int | None = None


NOT_ON_SHIFT = ShiftZoneMark(on_shift=False, in_zone=None)


# Per unit: the latest shift started by then (one index row through
# shift_unit_start_idx), running if it has not ended; the zone by primary key; the
# planar containment test first, the distance on the spheroid only for units outside.
MARKS_SQL = """
SELECT u.id, latest.id, latest.zone_id,
       CASE WHEN z.id IS NULL OR u.last_position IS NULL THEN NULL
            WHEN ST_Covers(z.area, u.last_position) THEN TRUE
            ELSE ST_DWithin(z.area::geography, u.last_position::geography, %(tolerance)s)
       END
FROM dispatch_mobileunit u
JOIN LATERAL (
    SELECT s.id, s.zone_id FROM (
        SELECT id, zone_id, ends_at FROM dispatch_shift
        WHERE unit_id = u.id AND starts_at <= %(at)s
        ORDER BY starts_at DESC LIMIT 1
    ) s WHERE s.ends_at > %(at)s
) latest ON TRUE
LEFT JOIN dispatch_patrolzone z ON z.id = latest.zone_id
WHERE u.id = ANY(%(ids)s)
"""


def unit_shift_zone_marks(
    *, unit_ids: Sequence[int], at: datetime | None = None
) -> dict[int, ShiftZoneMark]:
    """For each of ``unit_ids``: on shift at ``at`` (default now)? inside its shift's
    zone, judged by the unit's last known position? One query for all units; units
    without a running shift map to ``NOT_ON_SHIFT`` (every id given is in the answer)."""
    marks = dict.fromkeys(unit_ids, NOT_ON_SHIFT)
    if not marks:
        return marks
    params: dict[str, Any] = {
        "ids": list(marks),
        "at": at or timezone.now(),
        "tolerance": GEOFENCE_TOLERANCE_M,
    }
    with connection.cursor() as cursor:
        cursor.execute(MARKS_SQL, params)
        for unit_id, shift_id, zone_id, in_zone in cursor.fetchall():
            marks[unit_id] = ShiftZoneMark(
                on_shift=True, in_zone=in_zone, shift_id=shift_id, zone_id=zone_id
            )
    return marks


def alert_list_for_user(
    *,
    user: User,
    unit: MobileUnit | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    open_only: bool = False,
) -> QuerySet[GeofenceAlert]:
    """Geofence alerts ``user`` may see (all of them with ``view_geofencealert``): the
    open ones first, then the history, newest first. Dates are local days of
    ``left_at``."""
    alerts = GeofenceAlert.objects.select_related(
        "unit__org_unit", "zone", "shift", "acknowledged_by"
    )
    if not user.has_perm("dispatch.view_geofencealert"):
        return alerts.none()
    if unit is not None:
        alerts = alerts.filter(unit=unit)
    if date_from is not None:
        alerts = alerts.filter(left_at__gte=local_midnight(date_from))
    if date_to is not None:
        alerts = alerts.filter(left_at__lt=local_midnight(date_to + timedelta(days=1)))
    if open_only:
        alerts = alerts.filter(returned_at__isnull=True)
    return alerts.order_by(
        Case(
            When(returned_at__isnull=True, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "-left_at",
        "-id",
    )


def alert_get_for_user(*, user: User, pk: int) -> GeofenceAlert:
    alert = alert_list_for_user(user=user).filter(pk=pk).first()
    if alert is None:
        raise Http404
    return alert
