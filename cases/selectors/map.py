"""The violation map: the server aggregates, so a viewport over a million violations
sends a few hundred cells, not a million points.

Zoomed in (``POINTS_MIN_ZOOM`` and closer) with at most ``POINTS_LIMIT`` violations in
the viewport, the map gets the points themselves. Otherwise it gets cells: squares of
``cell_size(zoom)`` degrees (cases.models.map), each with the number of violations
in it and their mean position, where the map draws its marker. A cell is counted whole
and sent when its marker lies in the viewport: a cell's count does not change while the
map is panned, and the total is the sum of the markers shown (near the edges it may
differ a little from the number of violations inside the viewport's exact rectangle).

Where the cells come from:

- the pre-aggregated grid (cases.models.map) for what it can answer: without a
  date filter, any of category, unit and status and the user's scope by unit (all-time
  table); with one, the whole months of an analyst's or dispatcher's date filter, by
  category (month table);
- the live query (``ST_X``/``ST_Y`` of every violation in the viewport, grouped by cell)
  for the rest: the days of a date filter before its first and after its last whole
  month, an officer's own reports logged for another unit, and whatever the grid cannot
  answer at all (free text, "mine", a date with a status, a unit or an officer's scope,
  zooms it does not store).

Both group with the same expression on the same floats, so together they give exactly
the live answer (tests/cases/test_violation_map_grid.py holds them to it).
"""

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any, TypedDict

from django.contrib.gis.geos import Polygon
from django.db.models import Count, F, FloatField, Func, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Floor
from django.utils import timezone

from cases.models import Violation
from cases.models.map import (
    GRID_ZOOMS,
    MONTH_GRID_ZOOMS,
    ViolationGridCell,
    ViolationGridMonth,
    cell_size,
    stored_zoom,
)
from cases.selectors.violations import ViolationFilter, violation_list_for_user
from portal.lib.language import is_lithuanian
from portal.models import User

# Below this many violations in the viewport, and zoomed in enough, points are sent.
POINTS_LIMIT = 1500


POINTS_MIN_ZOOM = 11


class MapCell(TypedDict):
    lat: float
    lon: float
    count: int


class MapPoint(TypedDict):
    id: int
    reference: str
    lat: float
    lon: float
    category: str  # the code
    category_name: str  # the category's name in the language of the request
    status: str


class MapData(TypedDict):
    mode: str  # "points" or "cells"
    total: int
    cells: list[MapCell]
    points: list[MapPoint]


Bbox = tuple[float, float, float, float]  # west, south, east, north


CellRange = tuple[int, int, int, int]  # first x, first y, last x, last y (inclusive)


# (cell x, cell y) -> [count, sum of longitudes, sum of latitudes]
CellSums = dict[tuple[int, int], list[float]]


# A viewport is a few dozen cells wide; wider (a world-sized box at a street zoom) and
# the columns are read as one range.
X_LIST_LIMIT = 256


LON = Func("location", function="ST_X", output_field=FloatField())


LAT = Func("location", function="ST_Y", output_field=FloatField())


def _cell_range(bbox: Bbox, zoom: int) -> CellRange:
    size = cell_size(zoom)
    west, south, east, north = bbox
    return (
        int(west // size),
        int(south // size),
        int(east // size),
        int(north // size),
    )


def _add(
    cells: CellSums, rows: Iterable[tuple[Any, Any, int, float, float]], area: CellRange
) -> None:
    x0, y0, x1, y1 = area
    for x, y, count, sum_lon, sum_lat in rows:
        key = (int(x), int(y))
        # The live query selects by the cells' envelope, whose far edges belong to the
        # next cells: keep exactly the cells of the range, as the grid does.
        if not (x0 <= key[0] <= x1 and y0 <= key[1] <= y1) or not count:
            continue
        sums = cells.setdefault(key, [0, 0.0, 0.0])
        sums[0] += count
        sums[1] += sum_lon
        sums[2] += sum_lat


def _live_cells(
    cells: CellSums, violations: QuerySet[Violation], area: CellRange, zoom: int
) -> None:
    """Add the cells of ``violations`` in ``area``, counted from the table itself."""
    size = cell_size(zoom)
    x0, y0, x1, y1 = area
    envelope = Polygon.from_bbox((x0 * size, y0 * size, (x1 + 1) * size, (y1 + 1) * size))
    rows = (
        violations.filter(location__bboverlaps=envelope)
        .order_by()
        .annotate(cx=Floor(LON / Value(size)), cy=Floor(LAT / Value(size)))
        .values("cx", "cy")
        .annotate(n=Count("id"), sx=Sum(LON), sy=Sum(LAT))
        .values_list("cx", "cy", "n", "sx", "sy")
    )
    _add(cells, rows, area)


def _shifted(column: str, shift: int) -> Any:
    if not shift:
        return F(column)
    # An arithmetic shift floors, also for negative cells (west of Greenwich).
    return Func(
        F(column),
        Value(shift),
        arg_joiner=" >> ",
        template="(%(expressions)s)",
        output_field=IntegerField(),
    )


def _grid_cells(
    cells: CellSums,
    rows: QuerySet[Any],
    *,
    level: int,
    area: CellRange,
    zoom: int,
) -> None:
    """Add the cells in ``area`` at ``zoom`` from ``rows`` of a grid table (filtered by
    the caller), read at the stored zoom ``level`` (``zoom`` or finer)."""
    shift = level - zoom  # a zoom not stored: its cells are 2^shift stored cells wide
    x0, y0, x1, y1 = area
    first_x, last_x = x0 << shift, ((x1 + 1) << shift) - 1
    rows = rows.filter(zoom=level, cell_y__range=(y0 << shift, ((y1 + 1) << shift) - 1))
    if last_x - first_x < X_LIST_LIMIT:
        # One index range per column of cells (zoom, x, y from … to), rather than one
        # range over x that also reads every cell north and south of the viewport.
        rows = rows.filter(cell_x__in=range(first_x, last_x + 1))
    else:
        rows = rows.filter(cell_x__range=(first_x, last_x))
    grouped = (
        rows.order_by()
        .annotate(cx=_shifted("cell_x", shift), cy=_shifted("cell_y", shift))
        .values("cx", "cy")
        .annotate(n=Sum("count"), sx=Sum("sum_lon"), sy=Sum("sum_lat"))
        .values_list("cx", "cy", "n", "sx", "sy")
    )
    _add(cells, grouped, area)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _whole_months(
    date_from: date | None, date_to: date | None
) -> tuple[date | None, date | None] | None:
    """The whole months inside [date_from, date_to] as [first, end) month starts (None:
    open), or None when the range holds no whole month."""
    first = None
    if date_from is not None:
        first = date_from if date_from.day == 1 else _next_month(date_from)
    end = None
    if date_to is not None:
        last_day = (date_to + timedelta(days=1)).day == 1
        end = _next_month(date_to) if last_day else date_to.replace(day=1)
    if first is not None and end is not None and first >= end:
        return None
    return first, end


def _cells_data(cells: CellSums, bbox: Bbox) -> MapData:
    """The cells whose marker (the mean position of their violations) is in the
    viewport: the ones the map can show, and the total is what their labels add up to."""
    west, south, east, north = bbox
    out: list[MapCell] = []
    for (_x, _y), (count, sum_lon, sum_lat) in sorted(cells.items()):
        lat, lon = sum_lat / count, sum_lon / count
        if west <= lon <= east and south <= lat <= north:
            out.append({"lat": lat, "lon": lon, "count": int(count)})
    return {
        "mode": "cells",
        "total": sum(cell["count"] for cell in out),
        "cells": out,
        "points": [],
    }


def _points(violations: QuerySet[Violation], bbox: Bbox) -> list[MapPoint] | None:
    """The violations in the viewport, or None when there are more than POINTS_LIMIT."""
    rows = list(
        violations.filter(location__bboverlaps=Polygon.from_bbox(bbox))
        .order_by()
        .annotate(lon=LON, lat=LAT)
        .values_list(
            "id",
            "reference",
            "lat",
            "lon",
            "category__code",
            "category__name_en",
            "category__name_lt",
            "status",
        )[: POINTS_LIMIT + 1]
    )
    if len(rows) > POINTS_LIMIT:
        return None
    lithuanian = is_lithuanian()
    return [
        {
            "id": pk,
            "reference": ref,
            "lat": lat,
            "lon": lon,
            "category": cat,
            "category_name": (name_lt if lithuanian else name_en) or cat or "",
            "status": status,
        }
        for pk, ref, lat, lon, cat, name_en, name_lt, status in rows
    ]


def violation_map_data(*, violations: QuerySet[Violation], bbox: Bbox, zoom: int) -> MapData:
    """The map of any set of violations, counted live (no grid): points when zoomed in
    and few enough, cells otherwise."""
    if zoom >= POINTS_MIN_ZOOM:
        points = _points(violations, bbox)
        if points is not None:
            return {"mode": "points", "total": len(points), "cells": [], "points": points}
    cells: CellSums = {}
    _live_cells(cells, violations, _cell_range(bbox, zoom), zoom)
    return _cells_data(cells, bbox)


def violation_map_for_user(
    *, user: User, filters: ViolationFilter, bbox: Bbox, zoom: int
) -> MapData:
    """The map of the violations ``user`` may see that match ``filters`` (whose own bbox
    is ignored: the viewport is ``bbox``), from the grid wherever it can answer."""
    scoped = violation_list_for_user(user=user, filters=replace(filters, bbox=None))
    cells = _cells_from_grid(user=user, filters=filters, scoped=scoped, bbox=bbox, zoom=zoom)
    if cells is None:
        return violation_map_data(violations=scoped, bbox=bbox, zoom=zoom)
    # Cells wholly inside the viewport holding more than POINTS_LIMIT violations settle
    # it without fetching points (over a city, the probe would cost more than the grid).
    if zoom >= POINTS_MIN_ZOOM and _inside_total(cells, bbox, zoom) <= POINTS_LIMIT:
        points = _points(scoped, bbox)
        if points is not None:
            return {"mode": "points", "total": len(points), "cells": [], "points": points}
    return _cells_data(cells, bbox)


def _inside_total(cells: CellSums, bbox: Bbox, zoom: int) -> int:
    """Violations in the cells that lie wholly inside ``bbox``: a lower bound of the
    number in the viewport."""
    size = cell_size(zoom)
    west, south, east, north = bbox
    return int(
        sum(
            count
            for (x, y), (count, _lon, _lat) in cells.items()
            if west <= x * size
            and (x + 1) * size <= east
            and south <= y * size
            and (y + 1) * size <= north
        )
    )


def _cells_from_grid(
    *,
    user: User,
    filters: ViolationFilter,
    scoped: QuerySet[Violation],
    bbox: Bbox,
    zoom: int,
) -> CellSums | None:
    """The cells, from the grid plus live counts of what it leaves out; None when the
    grid cannot answer these filters at this zoom."""
    if filters.text or filters.reported_by_me:
        return None
    view_all = user.has_perm("cases.view_all_violations")
    # The grid counts by unit: it answers an officer's scope (their unit's violations,
    # plus their own reports) for the unit, and the live query adds their reports
    # logged for another unit (usually none; the reporter index finds them).
    unit = filters.unit if view_all else user.org_unit_id
    if not view_all and (unit is None or filters.unit not in (None, unit)):
        return None
    area = _cell_range(bbox, zoom)
    cells: CellSums = {}
    if filters.date_from is None and filters.date_to is None:
        level = stored_zoom(zoom, GRID_ZOOMS)
        if level is None:
            return None
        rows = ViolationGridCell.objects.all()
        if filters.category:
            rows = rows.filter(category__code=filters.category)
        if unit is not None:
            rows = rows.filter(unit_id=unit)
        if filters.status:
            rows = rows.filter(status=filters.status)
        _grid_cells(cells, rows, level=level, area=area, zoom=zoom)
        if not view_all:
            # Spelled out so that the planner takes the reporter index, not the unit's.
            own_elsewhere = scoped.filter(reported_by=user).exclude(unit_id=unit)
            _live_cells(cells, own_elsewhere, area, zoom)
        return cells

    # A date filter: whole months from the month table, which counts every unit and
    # status together; the days before the first and after the last whole month live.
    months = _whole_months(filters.date_from, filters.date_to)
    level = stored_zoom(zoom, MONTH_GRID_ZOOMS)
    if months is None or level is None or unit is not None or filters.status:
        return None
    first, end = months
    rows_by_month = ViolationGridMonth.objects.all()
    if filters.category:
        rows_by_month = rows_by_month.filter(category__code=filters.category)
    tz = timezone.get_current_timezone()
    outside = Q()
    if first is not None:
        rows_by_month = rows_by_month.filter(month__gte=first)
        outside |= Q(occurred_at__lt=datetime.combine(first, time.min, tz))
    if end is not None:
        rows_by_month = rows_by_month.filter(month__lt=end)
        outside |= Q(occurred_at__gte=datetime.combine(end, time.min, tz))
    _grid_cells(cells, rows_by_month, level=level, area=area, zoom=zoom)
    _live_cells(cells, scoped.filter(outside), area, zoom)
    return cells
