"""Queries on the reference geography (portal/services/geo.py loads it): the nearest
crossing point, whether a point lies in the operational area, and the map layers."""

import json
import logging
from collections.abc import Iterable
from typing import Any, cast

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Func, Value

from portal.models import AreaKind, BorderLine, CrossingPoint, ReferenceArea

logger = logging.getLogger(__name__)


REFERENCE_LAYERS_CACHE_KEY = "reference_layers_v1"


REFERENCE_LAYERS_TIMEOUT = 60 * 60


SIMPLIFY_TOLERANCE_DEG = 0.001  # about 65 m east-west and 110 m north-south here


GEOJSON_PRECISION = 5  # decimal places, about 1 m


KNN_CANDIDATES = 10


def _wgs84(point: Point) -> Point:
    if point.srid in (None, 4326):
        return Point(point.x, point.y, srid=4326)
    return cast(Point, point.transform(4326, clone=True))


def crossing_point_nearest(
    point: Point, max_km: float = 30, *, kinds: Iterable[str] | None = None
) -> CrossingPoint | None:
    """The active crossing point nearest to ``point`` within ``max_km`` kilometres
    (geodesic), or None. ``kinds`` limits the search to some CrossingPointKind values.

    The index-assisted KNN operator ``<->`` picks the nearest candidates in degrees; the
    distance check (ST_DWithin) and the final order use the geography type, in metres."""
    location = _wgs84(point)
    kind_list = list(kinds) if kinds is not None else None
    table = connection.ops.quote_name(CrossingPoint._meta.db_table)
    kind_filter = "AND kind = ANY(%(kinds)s)" if kind_list is not None else ""
    sql = f"""
        SELECT id FROM (
            SELECT id, point FROM {table}
            WHERE is_active {kind_filter}
            ORDER BY point <-> ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), 4326)
            LIMIT %(candidates)s
        ) AS candidate
        WHERE ST_DWithin(
            point::geography,
            ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), 4326)::geography,
            %(metres)s
        )
        ORDER BY ST_Distance(
            point::geography, ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), 4326)::geography
        )
        LIMIT 1
    """  # noqa: S608  (only the quoted table name and a fixed clause are interpolated)
    params = {
        "x": location.x,
        "y": location.y,
        "metres": max_km * 1000,
        "candidates": KNN_CANDIDATES,
        "kinds": kind_list,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    return CrossingPoint.objects.get(pk=found[0]) if found else None


def point_in_operational_area(point: Point) -> bool:
    """True when ``point`` lies in (or on the edge of) an operational area. False when
    no operational area is loaded, with a warning in the log."""
    areas = ReferenceArea.objects.filter(kind=AreaKind.OPERATIONAL)
    if not areas.exists():
        logger.warning(
            "No operational area is loaded (manage.py load_reference_data): "
            "every point counts as outside it."
        )
        return False
    return areas.filter(geometry__intersects=_wgs84(point)).exists()


def point_swapped_into_area(point: Point) -> Point | None:
    """``point`` with latitude and longitude swapped, when that one lies in the
    operational area and ``point`` itself does not: the commonest typing slip (25.28,
    54.69 for Vilnius). None otherwise."""
    if not (-90 <= point.x <= 90 and -180 <= point.y <= 180):
        return None
    swapped = Point(point.y, point.x, srid=4326)
    if point_in_operational_area(point) or not point_in_operational_area(swapped):
        return None
    return swapped


class _SimplifyPreserveTopology(Func):
    function = "ST_SimplifyPreserveTopology"
    output_field = GeometryField(srid=4326)


class _Multi(Func):
    function = "ST_Multi"
    output_field = GeometryField(srid=4326)


def _simplified_geojson(field: str) -> AsGeoJSON:
    # ST_SimplifyPreserveTopology turns a one-part multi geometry into a single one:
    # ST_Multi keeps the GeoJSON type the same as the column's.
    simplified = _SimplifyPreserveTopology(F(field), Value(SIMPLIFY_TOLERANCE_DEG))
    return AsGeoJSON(_Multi(simplified), precision=GEOJSON_PRECISION)


def _feature(geometry: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": json.loads(geometry), "properties": properties}


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _reference_layers() -> dict[str, Any]:
    borders = BorderLine.objects.annotate(geojson=_simplified_geojson("geometry")).values(
        "code", "name", "left_country", "right_country", "is_external", "geojson"
    )
    points = (
        CrossingPoint.objects.filter(is_active=True)
        .annotate(geojson=AsGeoJSON("point", precision=GEOJSON_PRECISION))
        .values("code", "name", "country", "kind", "geojson")
    )
    areas = (
        ReferenceArea.objects.filter(kind=AreaKind.OPERATIONAL)
        .annotate(geojson=_simplified_geojson("geometry"))
        .values("code", "name", "geojson")
    )

    def features(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            _feature(row["geojson"], {k: v for k, v in row.items() if k != "geojson"})
            for row in rows
        ]

    return {
        "borders": _collection(features(borders)),
        "crossing_points": _collection(features(points)),
        "operational_area": _collection(features(areas)),
    }


def reference_layers_geojson() -> dict[str, Any]:
    """The map's reference layers as three GeoJSON FeatureCollections (borders, crossing
    points, operational area), with simplified lines and areas; cached for an hour and
    dropped from the cache whenever the loader changes the data."""
    layers: dict[str, Any] | None = cache.get(REFERENCE_LAYERS_CACHE_KEY)
    if layers is None:
        layers = _reference_layers()
        cache.set(REFERENCE_LAYERS_CACHE_KEY, layers, REFERENCE_LAYERS_TIMEOUT)
    return layers
