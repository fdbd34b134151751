"""Load the offline base map (roads, railways, rivers, water, built-up areas, place
names) from the attributed files in portal/data/basemap/ (see SOURCES.md there) into
``portal_basemap_feature``, ready to be cut into tiles by ``portal.selectors.basemap``.

The table has no Django model on purpose: it is reference data that no page edits, and
a table without a model is not emptied by the test runner's flush after each browser
test (60,000 rows put back after every one of them would cost seconds each).

Each feature is stored in Web Mercator (EPSG:3857, the tiles' own projection) three
times: as given, and simplified for the zooms up to 9 and up to 11 (``LOW_TOLERANCE``,
``MID_TOLERANCE``: at most a pixel at zoom 9, half a pixel at zoom 11), so that a tile
of the whole country never simplifies 15,000 roads on request. ``min_zoom`` and
``max_zoom`` say at which zooms a feature is drawn (the policy is ``_LAYERS`` below),
and ``rank`` orders labels (larger first).

The tables are created by the migration ``portal/migrations/0008_basemap_tables.py``; the
data is loaded by ``manage.py load_basemap`` (run by ``make run`` after migrate, and also
one of the ``load_reference_data`` loaders), not by a migration: it takes about 4 s, which
every test run would pay for a table only the map tests read (they load it once per
session, tests/conftest.py ``basemap``).

``basemap_load`` is idempotent: it loads only when the files' version (a hash of their
contents) differs from the one recorded in the database, in one transaction, so a map
never sees half a base map. All the parsing is done by PostGIS (``ST_GeomFromGeoJSON``
over ``json_array_elements``): about 60,000 features in a few seconds."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import connection, transaction

from portal.selectors.basemap import TABLE, VERSION_TABLE

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "basemap"

# Half a pixel of a 256-pixel tile at zoom 8 and at zoom 11, in Web Mercator metres.
LOW_TOLERANCE = 40075016.686 / 256 / 2**8 / 2
MID_TOLERANCE = 40075016.686 / 256 / 2**11 / 2


@dataclass(frozen=True)
class _Layer:
    """One file: which layer its features join, and the SQL expressions (over the
    feature ``f`` as json) of their kind, name, zoom range and label rank."""

    file: str
    layer: str
    kind: str
    name: str = "NULL"
    min_zoom: str = "0"
    max_zoom: str = "22"
    rank: str = "0"


# The zoom policy: what a quiet base map shows at each zoom. Low zooms get Natural
# Earth's few large lakes, rivers and Latin-script city names; from zoom 7 OpenStreetMap
# takes over. Villages (23,671 of them) only when zoomed in to a district.
_AREA = "coalesce((f->'properties'->>'area_km2')::float, 0)"
_LAYERS: tuple[_Layer, ...] = (
    _Layer("ne_10m_ocean.geojson", "sea", "'sea'"),
    _Layer("ne_10m_lakes.geojson", "water", "'lake'", max_zoom="7"),
    _Layer(
        "osm_water_areas.geojson",
        "water",
        "f->'properties'->>'class'",
        min_zoom=f"CASE WHEN {_AREA} >= 5 THEN 8 WHEN {_AREA} >= 0.5 THEN 10 ELSE 11 END",
    ),
    _Layer(
        "osm_builtup_residential.geojson",
        "builtup",
        "'residential'",
        min_zoom=f"CASE WHEN {_AREA} >= 3 THEN 9 WHEN {_AREA} >= 0.6 THEN 10 ELSE 11 END",
    ),
    _Layer("ne_10m_rivers.geojson", "river", "'major'", "f->'properties'->>'name'", max_zoom="7"),
    _Layer("osm_rivers.geojson", "river", "'river'", "f->'properties'->>'name'", min_zoom="9"),
    _Layer(
        "osm_railways.geojson",
        "rail",
        "f->'properties'->>'class'",
        min_zoom="CASE WHEN f->'properties'->>'class' = 'rail' THEN 8 ELSE 11 END",
    ),
    _Layer(
        "osm_roads_motorway_to_secondary.geojson",
        "road",
        "f->'properties'->>'class'",
        min_zoom="greatest(6, (f->'properties'->>'min_zoom')::int)",
    ),
    _Layer(
        "ne_10m_populated_places.geojson",
        "place",
        "'major'",
        # Natural Earth's two misspellings (SOURCES.md).
        "replace(replace(f->'properties'->>'name', 'Liepaga', 'Liepāja'),"
        " 'Panevežys', 'Panevėžys')",
        max_zoom="6",
        rank="(f->'properties'->>'pop_max')::int",
    ),
    _Layer(
        "osm_places_city_town.geojson",
        "place",
        "f->'properties'->>'class'",
        "f->'properties'->>'name'",
        min_zoom="CASE WHEN f->'properties'->>'class' = 'city' THEN 7"
        " ELSE (f->'properties'->>'min_zoom')::int + 1 END",
        rank="CASE WHEN f->'properties'->>'class' = 'city' THEN 2000000 ELSE 1000000 END",
    ),
    _Layer(
        "osm_places_village.geojson",
        "place",
        "'village'",
        "f->'properties'->>'name'",
        min_zoom="(f->'properties'->>'min_zoom')::int + 2",
        rank="CASE WHEN (f->'properties'->>'min_zoom')::int <= 9 THEN 1000 ELSE 0 END",
    ),
)

# The order layers are drawn in (and stored in, so a tile's rows need no sort by it).
LAYER_ORDER = ("sea", "water", "builtup", "river", "rail", "road", "place")


@cache
def basemap_files_version() -> str:
    """A short hash of the data files: changes when any of them does."""
    digest = hashlib.sha256()
    for layer in _LAYERS:
        digest.update(layer.file.encode())
        digest.update((DATA_DIR / layer.file).read_bytes())
    return digest.hexdigest()[:16]


def _insert_sql(layer: _Layer) -> str:
    return f"""
        INSERT INTO {TABLE} (layer, kind, name, min_zoom, max_zoom, rank, geom)
        SELECT %(layer)s, {layer.kind}, {layer.name}, {layer.min_zoom}, {layer.max_zoom},
               {layer.rank},
               ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326), 3857)
        FROM json_array_elements(%(doc)s::json->'features') AS f
    """  # noqa: S608  (every interpolated part is one of the constants above)


def basemap_load(*, force: bool = False) -> dict[str, int | str]:
    """Load the base map when the files changed since the last load (or ``force``).
    Returns the number of features per layer (empty when nothing had to be done)."""
    version = basemap_files_version()
    counts: dict[str, int | str] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {VERSION_TABLE} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
        if row is not None and row[0] == version and not force:
            return counts
        # Serialises two loads (two `make run`s at once): the second waits, then redoes
        # the same load, which leaves the same rows.
        cursor.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
        cursor.execute(f"TRUNCATE {TABLE} RESTART IDENTITY")
        for name in LAYER_ORDER:
            for layer in (item for item in _LAYERS if item.layer == name):
                text = (DATA_DIR / layer.file).read_text(encoding="utf-8")
                cursor.execute(_insert_sql(layer), {"layer": layer.layer, "doc": text})
                counts[layer.file] = cursor.rowcount
        cursor.execute(
            f"""UPDATE {TABLE} SET
                geom_low = CASE WHEN min_zoom <= 9
                    THEN ST_SimplifyPreserveTopology(geom, %(low)s) END,
                geom_mid = CASE WHEN min_zoom <= 11 AND max_zoom >= 10
                    THEN ST_SimplifyPreserveTopology(geom, %(mid)s) END
                WHERE ST_Dimension(geom) > 0""",  # noqa: S608
            {"low": LOW_TOLERANCE, "mid": MID_TOLERANCE},
        )
        cursor.execute(
            f"""INSERT INTO {VERSION_TABLE} (id, version) VALUES (1, %s)
                ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version,
                loaded_at = now()""",  # noqa: S608
            [version],
        )
        cursor.execute(f"ANALYZE {TABLE}")
    counts["version"] = version
    logger.info("Base map %s loaded: %s", version, counts)
    return counts
