"""The offline base map cut into tiles (z/x/y, Web Mercator, as Leaflet asks for them).

A tile is JSON: ``{"extent": 512, "features": [[layer, kind, name, geometry], ...]}``,
the geometry GeoJSON in tile coordinates (0..512 across the tile, y down, clipped a few
pixels beyond its edge; places up to ``LABEL_BUFFER`` beyond it, so that a name that
crosses the edge is drawn by both tiles). Features come in drawing order (sea, water,
built-up areas, rivers, railways, roads, then places by importance). The geometry is the
version simplified for the zoom (portal/services/basemap.py) and snapped to the tile's
grid by ``ST_AsMVTGeom``, so a tile of the whole country stays small.

A tile is computed once per base-map version and kept in the cache, gzipped."""

from __future__ import annotations

import gzip
import json

from django.core.cache import cache
from django.db import connection

# The tables portal/services/basemap.py fills (created by migration 0008).
TABLE = "portal_basemap_feature"
VERSION_TABLE = "portal_basemap_version"
EXTENT = 512
LINE_BUFFER = 8
LABEL_BUFFER = 160
MAX_ZOOM = 19
CACHE_SECONDS = 7 * 24 * 3600

_TILE_SQL = f"""
WITH bounds AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env,
           ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(line_margin)s) AS near,
           ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(label_margin)s) AS wide
), rows AS (
    SELECT f.id, f.layer, f.kind, f.name, f.rank,
           ST_AsMVTGeom(
               CASE WHEN %(z)s <= 9 THEN coalesce(f.geom_low, f.geom)
                    WHEN %(z)s <= 11 THEN coalesce(f.geom_mid, f.geom)
                    ELSE f.geom END,
               bounds.env, {EXTENT},
               CASE WHEN f.layer = 'place' THEN {LABEL_BUFFER} ELSE {LINE_BUFFER} END,
               true) AS g
    FROM {TABLE} AS f, bounds
    -- Two index scans: names from further out than lines and areas.
    WHERE ((f.layer = 'place' AND f.geom && bounds.wide)
           OR (f.layer <> 'place' AND f.geom && bounds.near))
      AND f.min_zoom <= %(z)s AND f.max_zoom >= %(z)s
)
SELECT coalesce(json_agg(
           json_build_array(layer, kind, name, ST_AsGeoJSON(g, 0)::json)
           ORDER BY layer = 'place', rank DESC, id), '[]')::text
FROM rows WHERE g IS NOT NULL AND NOT ST_IsEmpty(g)
"""  # noqa: S608  (the interpolated names are constants)


def basemap_version() -> str | None:
    """The version of the base map in the database, None when it was never loaded."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {VERSION_TABLE} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def tile_exists(*, z: int, x: int, y: int) -> bool:
    return 0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


def basemap_tile_gzip(*, version: str, z: int, x: int, y: int) -> bytes:
    """The tile as gzipped JSON (see the module's docstring), from the cache when it
    was computed before for this version."""
    key = f"basemap:{version}:{z}:{x}:{y}"
    cached = cache.get(key)
    if isinstance(cached, bytes):
        return cached
    with connection.cursor() as cursor:
        cursor.execute(
            _TILE_SQL,
            {
                "z": z,
                "x": x,
                "y": y,
                "line_margin": LINE_BUFFER / EXTENT,
                "label_margin": LABEL_BUFFER / EXTENT,
            },
        )
        row = cursor.fetchone()
    features = row[0] if row else "[]"
    body = f'{{"extent": {EXTENT}, "features": {features}}}'.encode()
    # mtime 0: the same tile gives the same bytes (and the same ETag) on every server.
    packed = gzip.compress(body, compresslevel=6, mtime=0)
    cache.set(key, packed, CACHE_SECONDS)
    return packed


def basemap_tile_json(*, version: str, z: int, x: int, y: int) -> dict[str, object]:
    """The tile decoded (for tests and the benchmark)."""
    result: dict[str, object] = json.loads(
        gzip.decompress(basemap_tile_gzip(version=version, z=z, x=x, y=y))
    )
    return result
