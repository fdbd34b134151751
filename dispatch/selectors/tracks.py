"""Reads over position histories: tracks of chosen units in a period, the units that
were near a place at a moment, and each unit's figures for a month.

Every query over PositionReport filters on ``device_time`` (the BRIN index, or the
unique (unit, device_time) b-tree when units are given) so a query touches the
period's blocks only, never the whole history.
"""

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import FloatField, Func, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dispatch.models import MobileUnit, PositionReport

MAX_PERIOD = timedelta(days=7)


MAX_UNITS = 12


# Above this many reports of one unit in a period, the replay keeps every n-th one
# (and the last): a browser draws 5,000 points per unit smoothly, not 120,000.
MAX_POINTS_PER_UNIT = 5000


# Exports are not thinned; past this many reports in all they belong to a job.
EXPORT_POINT_LIMIT = 250_000


MAX_NEAR_WINDOW_MINUTES = 12 * 60


MAX_NEAR_RADIUS_M = 50_000


# One colour per unit of a selection, in the selection's order (call sign). No red:
# the map draws the external border in red.
TRACK_COLOURS = (
    "#1d4ed8",
    "#059669",
    "#7c3aed",
    "#d97706",
    "#db2777",
    "#0891b2",
    "#65a30d",
    "#9a3412",
    "#475569",
    "#c026d3",
    "#0f766e",
    "#111827",
)


def track_selection_check(*, units: Sequence[MobileUnit], start: datetime, end: datetime) -> None:
    """Raise ValidationError (by field) unless the selection is one the replay, the API
    and the exports accept: 1 to MAX_UNITS units, a period of at most MAX_PERIOD."""
    errors: dict[str, str] = {}
    if not units:
        errors["unit"] = _("Choose at least one unit.")
    elif len(units) > MAX_UNITS:
        errors["unit"] = ngettext(
            "Choose at most %(limit)d unit.", "Choose at most %(limit)d units.", MAX_UNITS
        ) % {"limit": MAX_UNITS}
    if end <= start:
        errors["end"] = _("The end of the period must be after its start.")
    elif end - start > MAX_PERIOD:
        errors["end"] = ngettext(
            "The period is longer than %(days)d day: choose at most %(days)d day.",
            "The period is longer than %(days)d days: choose at most %(days)d days.",
            MAX_PERIOD.days,
        ) % {"days": MAX_PERIOD.days}
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class UnitTrack:
    unit: MobileUnit
    colour: str
    total: int  # reports of the unit in the period
    step: int  # 1: every report returned; n: every n-th report and the last one
    points: list[tuple[datetime, float, float, float | None]]  # (time, lat, lon, speed)

    @property
    def thinned(self) -> bool:
        return self.step > 1


# Thinning happens in the database: the window functions number each unit's reports
# and count them, and only every step-th row (and the last) leaves the server. With
# step = ceil(total / (max - 1)) at most max rows are returned per unit.
TRACKS_SQL = """
WITH period AS (
    SELECT unit_id, device_time, point, speed_kmh,
           row_number() OVER (PARTITION BY unit_id ORDER BY device_time) AS n,
           count(*) OVER (PARTITION BY unit_id) AS total
    FROM dispatch_positionreport
    WHERE unit_id = ANY(%(units)s::bigint[]) AND device_time BETWEEN %(start)s AND %(end)s
), stepped AS (
    SELECT *, CASE WHEN total <= %(max)s THEN 1
                   ELSE ceil(total::float8 / (%(max)s - 1))::int END AS step
    FROM period
)
SELECT unit_id, device_time, ST_Y(point), ST_X(point), speed_kmh, total, step
FROM stepped
WHERE (n - 1) %% step = 0 OR n = total
ORDER BY unit_id, device_time
"""


def tracks_for_units(
    *,
    units: Sequence[MobileUnit],
    start: datetime,
    end: datetime,
    max_points: int = MAX_POINTS_PER_UNIT,
) -> list[UnitTrack]:
    """Each unit's reports from ``start`` to ``end`` (both included) in time order,
    thinned to at most ``max_points`` per unit. Units in call-sign order, each with
    its colour; a unit without reports has an empty track."""
    ordered = sorted(units, key=lambda unit: unit.call_sign)
    rows: dict[int, list[tuple[datetime, float, float, float | None]]] = {u.pk: [] for u in ordered}
    totals: dict[int, tuple[int, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            TRACKS_SQL,
            {"units": list(rows), "start": start, "end": end, "max": max(2, max_points)},
        )
        for unit_id, when, lat, lon, speed, total, step in cursor.fetchall():
            rows[unit_id].append((when, lat, lon, speed))
            totals[unit_id] = (total, step)
    return [
        UnitTrack(
            unit=unit,
            colour=TRACK_COLOURS[index % len(TRACK_COLOURS)],
            total=totals.get(unit.pk, (0, 1))[0],
            step=totals.get(unit.pk, (0, 1))[1],
            points=rows[unit.pk],
        )
        for index, unit in enumerate(ordered)
    ]


# (unit id, device time, latitude, longitude, speed km/h)
ReportRow = tuple[int, datetime, float, float, float | None]


def _reports(
    units: Sequence[MobileUnit], start: datetime, end: datetime
) -> QuerySet[PositionReport]:
    return PositionReport.objects.filter(
        unit__in=[unit.pk for unit in units], device_time__range=(start, end)
    )


def track_reports_count(*, units: Sequence[MobileUnit], start: datetime, end: datetime) -> int:
    return _reports(units, start, end).count()


def track_report_rows(
    *, units: Sequence[MobileUnit], start: datetime, end: datetime
) -> Iterator[ReportRow]:
    """Every report of ``units`` in the period, unit by unit (call-sign order) and in
    time order, streamed from a server-side cursor; latitude and longitude are read in
    SQL, so no geometry object is built per row."""
    rows = (
        _reports(units, start, end)
        .annotate(
            lat=Func("point", function="ST_Y", output_field=FloatField()),
            lon=Func("point", function="ST_X", output_field=FloatField()),
        )
        .order_by("unit__call_sign", "device_time")
        .values_list("unit_id", "device_time", "lat", "lon", "speed_kmh")
    )
    return rows.iterator(chunk_size=5000)


@dataclass(frozen=True)
class UnitNearby:
    unit: MobileUnit
    reported_at: datetime  # the unit's report closest to the place in the window
    distance_m: float
    position: Point  # where that report was


# No spatial index on the reports (it would slow ingestion down): the time window
# narrows the rows through the BRIN index; of those, a planar bounding-box test (cheap,
# on the stored geometry) drops every report far from the place, and the distance on
# the spheroid is computed for the few that remain.
NEAR_SQL = """
SELECT DISTINCT ON (r.unit_id) r.unit_id, r.device_time,
       ST_Distance(r.point::geography, p.place) AS distance_m, ST_X(r.point), ST_Y(r.point)
FROM dispatch_positionreport r,
     (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS centre,
             ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography AS place) p
WHERE r.device_time BETWEEN %(start)s AND %(end)s
  AND r.point && ST_Expand(p.centre, %(dx)s, %(dy)s)
  AND ST_DWithin(r.point::geography, p.place, %(radius)s)
ORDER BY r.unit_id, distance_m, abs(extract(epoch FROM r.device_time - %(moment)s)), r.device_time
"""


# Metres per degree, lower bounds on the WGS 84 spheroid: a degree of latitude is at
# least 110,574 m; a degree of longitude at least 111,319 m times cos(latitude).
_METRES_PER_DEGREE_AT_LEAST = 110_000.0


def near_box_degrees(*, place: Point, radius_m: float) -> tuple[float, float]:
    """Half the width and height, in degrees, of a box around ``place`` (SRID 4326)
    that holds every point within ``radius_m`` of it on the spheroid (generous: the
    exact distance decides afterwards). The whole globe's width near a pole or where
    the box would cross the antimeridian (the box does not wrap around)."""
    dy = radius_m / _METRES_PER_DEGREE_AT_LEAST
    highest = abs(place.y) + dy
    if highest >= 89.0:
        return 360.0, dy
    dx = dy / math.cos(math.radians(highest))
    if abs(place.x) + dx >= 180.0:
        return 360.0, dy
    return dx, dy


def units_near(
    *, place: Point, radius_m: float, moment: datetime, window: timedelta
) -> list[UnitNearby]:
    """The units with a report within ``radius_m`` of ``place`` between ``moment -
    window`` and ``moment + window``, nearest first, each with its closest report."""
    dx, dy = near_box_degrees(place=place, radius_m=radius_m)
    with connection.cursor() as cursor:
        cursor.execute(
            NEAR_SQL,
            {
                "lon": place.x,
                "lat": place.y,
                "dx": dx,
                "dy": dy,
                "radius": radius_m,
                "start": moment - window,
                "end": moment + window,
                "moment": moment,
            },
        )
        found = cursor.fetchall()
    # With the organisational unit: each is shown by its one name (MobileUnit.label).
    units = MobileUnit.objects.select_related("org_unit").in_bulk([row[0] for row in found])
    nearby = [
        UnitNearby(
            unit=units[unit_id],
            reported_at=when,
            distance_m=distance,
            position=Point(lon, lat, srid=4326),
        )
        for unit_id, when, distance, lon, lat in found
    ]
    return sorted(nearby, key=lambda item: (item.distance_m, item.unit.call_sign))
