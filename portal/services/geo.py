"""Load the reference geography (country areas, the operational area, border lines and
crossing points) from the attributed data files in portal/data/ (see SOURCES.md there).

``load_reference_geography`` is idempotent: it upserts by code and writes a row only when
its values differ from what the database holds, so a second run changes nothing. It takes
the model classes as optional arguments so that a data migration can pass its historical
models (``apps.get_model``)."""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.gis.geos import (
    GeometryCollection,
    GEOSGeometry,
    LineString,
    MultiLineString,
    MultiPolygon,
    Point,
    Polygon,
)
from django.db import models, transaction

if TYPE_CHECKING:
    from portal.models import BorderLine, CrossingPoint, ReferenceArea


logger = logging.getLogger(__name__)


DATA_DIR = Path(__file__).resolve().parent.parent / "data"


LITHUANIA_FILE = DATA_DIR / "lithuania_osm_geomaps_10m.geojson"


COUNTRIES_FILE = DATA_DIR / "ne_50m_admin0_lt_and_neighbours.geojson"


BORDER_LINES_FILE = DATA_DIR / "ne_10m_boundary_lines_land_baltic.geojson"


CROSSING_POINTS_FILE = DATA_DIR / "crossing_points.csv"


WGS84 = 4326


LKS94 = 3346  # Lithuanian national grid, metres


OPERATIONAL_BUFFER_M = 25_000


# The 10 m outline is simplified by this much (in metres) before it is buffered: the
# 25 km operational area does not need 10 m detail, and buffering is much faster.
OPERATIONAL_SIMPLIFY_M = 20


SOURCE_OSM = "© OpenStreetMap contributors (ODbL), via geo-maps countries-land-10m 0.6.0"


SOURCE_NE_COUNTRIES = "Natural Earth 1:50m admin 0 countries (public domain)"


SOURCE_NE_BORDERS = "Natural Earth 1:10m admin 0 land boundary lines (public domain)"


SOURCE_OPERATIONAL = f"Lithuania ({SOURCE_OSM}) buffered by 25 km in EPSG:3346"


# Natural Earth ADM0_A3 -> (our area code, ISO alpha-2) for the neighbours we load.
NEIGHBOURS = {"BLR": "by", "LVA": "lv", "POL": "pl", "RUS": "ru"}


NON_EU = {"BLR", "RUS"}  # a Lithuanian border with these is an EU external border


def _read_geojson(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        features: list[dict[str, Any]] = json.load(handle)["features"]
    return features


def _geometry(feature: dict[str, Any]) -> GEOSGeometry:
    geometry = GEOSGeometry(json.dumps(feature["geometry"]))
    geometry.srid = WGS84
    return geometry


def _polygons(geometry: GEOSGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    # MultiPolygon or GeometryCollection (make_valid may add stray lines or points).
    found: list[Polygon] = []
    if isinstance(geometry, GeometryCollection):  # MultiPolygon is one too
        for part in geometry:
            found.extend(_polygons(part))
    return found


def _is_valid(geometry: GEOSGeometry) -> bool:
    # valid_reason rather than .valid, which logs a GEOS notice for each invalid geometry
    return bool(geometry.valid_reason == "Valid Geometry")


def as_valid_multipolygon(geometry: GEOSGeometry) -> MultiPolygon:
    """The geometry made valid (GEOS MakeValid) and cast to a MultiPolygon in EPSG:4326."""
    srid = geometry.srid or WGS84
    if not _is_valid(geometry):
        geometry = geometry.make_valid()  # type: ignore[attr-defined]  # not in the stubs
    result = MultiPolygon(*_polygons(geometry), srid=srid)
    if not _is_valid(result):  # polygons of a collection can overlap: dissolve them
        merged = result.unary_union
        result = MultiPolygon(*_polygons(merged), srid=srid)
    return result


def as_multilinestring(geometries: list[GEOSGeometry]) -> MultiLineString:
    lines: list[LineString] = []
    for geometry in geometries:
        if isinstance(geometry, LineString):
            lines.append(geometry)
        elif isinstance(geometry, MultiLineString):
            lines.extend(part for part in geometry if isinstance(part, LineString))
        else:
            raise ValueError(f"Expected a (Multi)LineString, got {geometry.geom_type}")
    return MultiLineString(*lines, srid=WGS84)


def operational_area(lithuania: MultiPolygon) -> MultiPolygon:
    """Lithuania buffered by 25 km, measured in metres in LKS-94 (EPSG:3346)."""
    projected = lithuania.transform(LKS94, clone=True)
    buffered = projected.simplify(OPERATIONAL_SIMPLIFY_M, preserve_topology=True).buffer(
        OPERATIONAL_BUFFER_M
    )
    buffered.srid = LKS94
    buffered.transform(WGS84)
    return as_valid_multipolygon(buffered)


def _same(current: Any, new: Any) -> bool:
    if isinstance(new, GEOSGeometry):
        return (
            isinstance(current, GEOSGeometry)
            and current.geom_type == new.geom_type
            and current.equals_exact(new, tolerance=1e-9)
        )
    return bool(current == new)


def _upsert(model: type[models.Model], code: str, values: dict[str, Any]) -> bool:
    """Create or update the row ``code``; True when something was written."""
    instance = model._default_manager.filter(code=code).first()
    if instance is None:
        model._default_manager.create(code=code, **values)
        return True
    changed = [name for name, value in values.items() if not _same(getattr(instance, name), value)]
    if not changed:
        return False
    for name in changed:
        setattr(instance, name, values[name])
    instance.save(update_fields=changed)
    return True


def area_rows() -> list[dict[str, Any]]:
    """The ReferenceArea rows as field values, computed from the data files."""
    lithuania = as_valid_multipolygon(_geometry(_read_geojson(LITHUANIA_FILE)[0]))
    rows: list[dict[str, Any]] = [
        {
            "code": "lt",
            "name": "Lithuania",
            "kind": "country",
            "geometry": lithuania,
            "source": SOURCE_OSM,
        },
        {
            "code": "operational",
            "name": "Operational area (Lithuania and 25 km around it)",
            "kind": "operational",
            "geometry": operational_area(lithuania),
            "source": SOURCE_OPERATIONAL,
        },
    ]
    for feature in _read_geojson(COUNTRIES_FILE):
        properties = feature["properties"]
        code = NEIGHBOURS.get(properties["ADM0_A3"])
        if code is None:
            continue
        rows.append(
            {
                "code": code,
                "name": properties["NAME"],
                "kind": "country",
                "geometry": as_valid_multipolygon(_geometry(feature)),
                "source": SOURCE_NE_COUNTRIES,
            }
        )
    return rows


def border_line_rows() -> list[dict[str, Any]]:
    """One BorderLine per Lithuanian land border (Natural Earth splits LT-RU in three
    features: they are merged into one MultiLineString)."""
    by_neighbour: dict[str, dict[str, Any]] = {}
    for feature in _read_geojson(BORDER_LINES_FILE):
        properties = feature["properties"]
        left, right = properties["adm0_a3_l"], properties["adm0_a3_r"]
        if "LTU" not in (left, right):
            continue
        other = right if left == "LTU" else left
        other_name = properties["adm0_right"] if left == "LTU" else properties["adm0_left"]
        row = by_neighbour.setdefault(
            other,
            {
                "code": f"lt-{NEIGHBOURS.get(other, other.lower())}",
                "name": f"Lithuania \u2013 {other_name}",
                "left_country": left,
                "right_country": right,
                "is_external": other in NON_EU,
                "parts": [],
                "source": SOURCE_NE_BORDERS,
            },
        )
        row["parts"].append(_geometry(feature))
    rows = []
    for row in by_neighbour.values():
        row["geometry"] = as_multilinestring(row.pop("parts"))
        rows.append(row)
    return rows


def crossing_point_rows() -> list[dict[str, Any]]:
    with CROSSING_POINTS_FILE.open(encoding="utf-8", newline="") as handle:
        return [
            {
                "code": row["code"],
                "name": row["name"],
                "country": row["country"],
                "kind": row["kind"],
                "point": Point(float(row["longitude"]), float(row["latitude"]), srid=WGS84),
                "source": row["source"],
            }
            for row in csv.DictReader(handle)
        ]


def load_reference_geography(
    area_model: type[ReferenceArea] | None = None,
    border_model: type[BorderLine] | None = None,
    crossing_model: type[CrossingPoint] | None = None,
) -> dict[str, int]:
    """Upsert the reference geography. Returns the number of rows per table in the files
    and ``changed``, the number of rows created or updated by this run (0 on a rerun)."""
    if area_model is None or border_model is None or crossing_model is None:
        from portal.models import BorderLine, CrossingPoint, ReferenceArea

        area_model = area_model or ReferenceArea
        border_model = border_model or BorderLine
        crossing_model = crossing_model or CrossingPoint

    tables: list[tuple[str, type[models.Model], list[dict[str, Any]]]] = [
        ("areas", area_model, area_rows()),
        ("border_lines", border_model, border_line_rows()),
        ("crossing_points", crossing_model, crossing_point_rows()),
    ]
    counts = {"changed": 0}
    with transaction.atomic():
        for name, model, rows in tables:
            for row in rows:
                values = dict(row)
                code = values.pop("code")
                counts["changed"] += _upsert(model, code, values)
            counts[name] = len(rows)
    if counts["changed"]:
        _forget_cached_layers()
    return counts


def _forget_cached_layers() -> None:
    from django.core.cache import cache

    from portal.selectors.geo import REFERENCE_LAYERS_CACHE_KEY

    try:
        cache.delete(REFERENCE_LAYERS_CACHE_KEY)
    except Exception:  # the cache may be down during a migration: it expires in 1 h anyway
        logger.warning("Could not clear the cached reference layers", exc_info=True)
