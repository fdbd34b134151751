"""The violation map: the server aggregates, so a viewport over a million violations
sends a few hundred cells, not a million points."""

from typing import TypedDict

from django.contrib.gis.db.models.functions import SnapToGrid
from django.contrib.gis.geos import Polygon
from django.db.models import Avg, Count, FloatField, Func, QuerySet

from cases.models import Violation

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
    category: str
    status: str


class MapData(TypedDict):
    mode: str  # "points" or "cells"
    total: int
    cells: list[MapCell]
    points: list[MapPoint]


def _cell_size(zoom: int) -> float:
    # About 48 screen pixels per cell at this zoom (256 px tiles span 360/2^zoom degrees).
    return 360.0 / (2**zoom) / 256 * 48


def violation_map_data(
    *, violations: QuerySet[Violation], bbox: tuple[float, float, float, float], zoom: int
) -> MapData:
    in_view = violations.filter(location__bboverlaps=Polygon.from_bbox(bbox))
    if zoom >= POINTS_MIN_ZOOM:
        rows = list(
            in_view.order_by().values_list(
                "id", "reference", "location", "category__code", "status"
            )[: POINTS_LIMIT + 1]
        )
        if len(rows) <= POINTS_LIMIT:
            points: list[MapPoint] = [
                {
                    "id": pk,
                    "reference": ref,
                    "lat": loc.y,
                    "lon": loc.x,
                    "category": cat,
                    "status": status,
                }
                for pk, ref, loc, cat, status in rows
                if loc is not None
            ]
            return {"mode": "points", "total": len(points), "cells": [], "points": points}
    size = _cell_size(zoom)
    grouped = (
        in_view.order_by()
        .annotate(cell=SnapToGrid("location", size))
        .values("cell")
        .annotate(
            count=Count("id"),
            lon=Avg(Func("location", function="ST_X", output_field=FloatField())),
            lat=Avg(Func("location", function="ST_Y", output_field=FloatField())),
        )
        .values_list("lat", "lon", "count")
    )
    cells: list[MapCell] = [{"lat": lat, "lon": lon, "count": count} for lat, lon, count in grouped]
    return {
        "mode": "cells",
        "total": sum(cell["count"] for cell in cells),
        "cells": cells,
        "points": [],
    }
