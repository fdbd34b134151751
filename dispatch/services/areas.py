"""Areas drawn on the map (patrol zones, task areas): one parser of GeoJSON outlines and
one check of what a sensible area is, used by the zone form, the task API and the
services behind them.

The parser checks shape (is it a polygon at all?) and raises a plain ValidationError
with one message; the check judges meaning (on the globe, near the operational area,
not tiny, not huge, edges not crossing) and raises ValidationError({"area": ...})."""

import json
import math
import re
from typing import Any

from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from portal.models import AreaKind, ReferenceArea

# What a drawn area may be: a few hundred square metres (a checkpoint) up to a large
# border district, not far outside the operational area, not thousands of corners.
MIN_AREA_M2 = 100.0


MAX_AREA_M2 = 10_000 * 1_000_000.0


MAX_CORNERS = 2_000


EXTENT_MARGIN_DEG = 0.5  # about 55 km north-south, 32 km east-west here


# GeoJSON text longer than this is not an outline anyone drew: 2,000 corners written
# with full precision take about 90,000 characters.
MAX_GEOJSON_CHARS = 200_000


def _unreadable() -> ValidationError:
    return ValidationError(_("The outline is not readable; draw it again on the map."))


def polygon_from_geojson(value: Any) -> Polygon:
    """A polygon (SRID 4326) from GeoJSON: text or already parsed, a Polygon geometry or
    a Feature (or a collection of one) holding one. An open ring is closed. Raises
    ValidationError with what is wrong; never anything else, whatever the input."""
    if isinstance(value, str):
        if len(value) > MAX_GEOJSON_CHARS:
            raise ValidationError(_("The outline is too long; draw it with fewer corners."))
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested deeply
            raise _unreadable() from None
    if isinstance(value, dict) and value.get("type") == "FeatureCollection":
        features = value.get("features") or []
        if not isinstance(features, list) or len(features) != 1:
            raise ValidationError(_("Draw exactly one outline."))
        value = features[0]
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    if not isinstance(value, dict) or value.get("type") != "Polygon":
        raise ValidationError(_("Draw the area as a polygon (an area with corners)."))
    coordinates = value.get("coordinates")
    if not isinstance(coordinates, list) or not coordinates:
        raise ValidationError(_("Draw the outline with at least three corners."))
    try:
        rings = []
        for ring in coordinates:
            points = [(float(point[0]), float(point[1])) for point in ring]
            if not all(math.isfinite(c) for point in points for c in point):
                raise ValueError("not a finite number")
            if points and points[0] != points[-1]:
                points.append(points[0])
            rings.append(points)
        if len(rings[0]) < 4:
            raise ValidationError(_("Draw the outline with at least three corners."))
        return Polygon(*rings, srid=4326)
    except ValidationError:
        raise
    except Exception as error:  # TypeError, IndexError, ValueError and GEOS's own errors
        raise ValidationError(
            _("The outline's coordinates are not valid; draw it again on the map.")
        ) from error


def _operational_extent() -> tuple[float, float, float, float]:
    """West, south, east, north an area must stay within: the operational area's
    bounding box with a margin, or the whole globe when none is loaded."""
    extent = ReferenceArea.objects.filter(kind=AreaKind.OPERATIONAL).aggregate(
        extent=Extent("geometry")
    )["extent"]
    if not extent:
        return (-180.0, -90.0, 180.0, 90.0)
    west, south, east, north = extent
    margin = EXTENT_MARGIN_DEG
    return (west - margin, south - margin, east + margin, north + margin)


_CROSSING = re.compile(r"\[\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\]")


def _refuse(message: str) -> ValidationError:
    return ValidationError({"area": message})


def area_check(area: Polygon) -> None:
    """Refuse an outline that is not a sensible patrol zone or task area, with a message
    that says what to fix. Raises ValidationError({"area": ...})."""
    if area.srid not in (None, 4326):
        area = area.transform(4326, clone=True)  # type: ignore[assignment]  # clone=True returns the geometry
    shell = area.exterior_ring.coords
    corners = {(round(x, 7), round(y, 7)) for x, y in shell}
    if len(corners) < 3:
        raise _refuse(_("Draw the outline with at least three corners."))
    if len(shell) > MAX_CORNERS:
        raise _refuse(_("The outline has too many corners; draw it with fewer than 2,000."))
    for ring in (area.exterior_ring, *(area[n] for n in range(1, len(area)))):
        for x, y in ring.coords:
            if not (-180 <= x <= 180 and -90 <= y <= 90):
                raise _refuse(_("The outline has coordinates off the globe."))
    if not area.valid:
        reason = area.valid_reason
        crossing = _CROSSING.search(reason)
        if "intersection" in reason.lower() and crossing:
            raise _refuse(
                _(
                    "The outline crosses itself near %(lat)s, %(lon)s. Redraw it so "
                    "that its edges do not cross."
                )
                % {
                    "lat": f"{float(crossing.group(2)):.5f}",
                    "lon": f"{float(crossing.group(1)):.5f}",
                }
            )
        if "intersection" in reason.lower():
            raise _refuse(
                _("The outline crosses itself. Redraw it so that its edges do not cross.")
            )
        raise _refuse(_("The outline is not a valid polygon (%(reason)s).") % {"reason": reason})
    west, south, east, north = _operational_extent()
    xmin, ymin, xmax, ymax = area.extent
    if xmin < west or xmax > east or ymin < south or ymax > north:
        raise _refuse(
            _("The area reaches far outside the operational area. Draw it where the units work.")
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Area(ST_GeomFromText(%s, 4326)::geography)", [area.wkt])
        square_metres = float(cursor.fetchone()[0])
    if square_metres < MIN_AREA_M2:
        raise _refuse(_("The area is smaller than 100 m²; draw the area the unit covers."))
    if square_metres > MAX_AREA_M2:
        raise _refuse(_("The area is larger than 10,000 km²; draw a smaller one."))
