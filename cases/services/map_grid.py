"""Upkeep of the violation map grid (cases.models.map_grid).

Two ways in:

- ``violation_grid_changed``: the violation services call it after each change of a
  violation, inside their transaction, so the grid commits (or rolls back) with the
  violation and a map request never sees one without the other.
- ``violation_grid_rebuild``: recreates the whole grid from cases_violation, set-based;
  for bulk loads that bypass the services (imports, the benchmark) and as a repair.

Concurrency: a change upserts one row per zoom level (two when it moves the violation)
in a single statement whose rows are sorted by key, so two services touching the same
cells lock them in the same order and cannot deadlock; the row locks are held until
their transaction ends, and the services are short. A rebuild takes a SHARE lock on
cases_violation: violations cannot change while it counts them, readers of the map
keep reading the previous grid until it commits.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import connection, transaction

from cases.models import Violation
from cases.models.map_grid import GRID_MAX_ZOOM, GRID_MIN_ZOOM, cell_size

GRID_TABLE = "cases_violation_grid"
KEY_COLUMNS = "zoom, cell_x, cell_y, month, category_id, unit_id, status"


@dataclass(frozen=True)
class GridEntry:
    """What places one violation in the grid."""

    lon: float
    lat: float
    occurred_at: datetime
    category_id: int
    unit_id: int
    status: str


def _entry(values: Mapping[str, Any]) -> GridEntry | None:
    location = values["location"]
    if isinstance(location, str):
        location = GEOSGeometry(location)  # the audit snapshot keeps WKT (exact round trip)
    if not isinstance(location, Point):
        return None  # violations without a location are not on the map
    return GridEntry(
        lon=location.x,
        lat=location.y,
        occurred_at=values["occurred_at"],
        category_id=values["category_id"],
        unit_id=values["unit_id"],
        status=values["status"],
    )


def _zoom_sizes() -> str:
    # Sizes are sent from Python, so the grid and the live query in cases.map_selectors
    # divide by the very same float.
    return ", ".join(
        f"({zoom}, {cell_size(zoom)!r}::float8)" for zoom in range(GRID_MIN_ZOOM, GRID_MAX_ZOOM + 1)
    )


def violation_grid_changed(
    *, violation: Violation, before: Mapping[str, Any] | None = None
) -> None:
    """Move ``violation``'s count in the grid from where it was to where it is now.

    ``before``: the previous values of the fields that changed (``location`` as a Point
    or WKT, ``occurred_at``, ``category_id``, ``unit_id``, ``status``; others are
    ignored), e.g. the audit snapshot taken before an edit or ``{"status": "draft"}``;
    None for a violation that was not counted yet (just created). Call it inside the
    service's transaction, after the save.
    """
    now = {
        "location": violation.location,
        "occurred_at": violation.occurred_at,
        "category_id": violation.category_id,
        "unit_id": violation.unit_id,
        "status": violation.status,
    }
    added = _entry(now)
    removed = (
        None if before is None else _entry({**now, **{k: before[k] for k in now if k in before}})
    )
    if added == removed:
        return  # nothing the grid counts has changed (narrative, details, accuracy …)
    rows: list[tuple[GridEntry, int]] = [
        (entry, sign) for entry, sign in ((removed, -1), (added, 1)) if entry is not None
    ]
    values = ", ".join(["(%s, %s, %s::timestamptz, %s, %s, %s, %s)"] * len(rows))
    params: list[Any] = []
    for entry, sign in rows:
        params += [
            entry.lon,
            entry.lat,
            entry.occurred_at,
            entry.category_id,
            entry.unit_id,
            entry.status,
            sign,
        ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {GRID_TABLE} AS g ({KEY_COLUMNS}, count, sum_lon, sum_lat)
            SELECT z.zoom, floor(d.lon / z.size)::int, floor(d.lat / z.size)::int,
                   date_trunc('month', d.occurred_at AT TIME ZONE %s)::date,
                   d.category_id, d.unit_id, d.status,
                   sum(d.sign), sum(d.sign * d.lon), sum(d.sign * d.lat)
            FROM (VALUES {values})
                 AS d(lon, lat, occurred_at, category_id, unit_id, status, sign)
            CROSS JOIN (VALUES {_zoom_sizes()}) AS z(zoom, size)
            GROUP BY 1, 2, 3, 4, 5, 6, 7
            ORDER BY 1, 2, 3, 4, 5, 6, 7
            ON CONFLICT ({KEY_COLUMNS}) DO UPDATE
               SET count = g.count + EXCLUDED.count,
                   sum_lon = g.sum_lon + EXCLUDED.sum_lon,
                   sum_lat = g.sum_lat + EXCLUDED.sum_lat
            RETURNING {KEY_COLUMNS}, count
            """,  # noqa: S608  table and columns are constants, values are parameters
            [settings.TIME_ZONE, *params],
        )
        emptied = [row[:7] for row in cursor.fetchall() if row[7] == 0]
        if emptied:
            # A cell nobody is in any more: drop the row rather than keep a zero.
            cursor.executemany(
                f"DELETE FROM {GRID_TABLE} WHERE ({KEY_COLUMNS}) = "  # noqa: S608
                "(%s, %s, %s, %s, %s, %s, %s) AND count = 0",
                emptied,
            )


@transaction.atomic
def violation_grid_rebuild() -> int:
    """Recount the whole grid from cases_violation; returns the number of grid rows.

    The finest zoom is counted from the violations (one pass over the table); each
    coarser zoom from the one below it, since cells nest (``cell >> 1``).
    """
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE cases_violation IN SHARE MODE")
        cursor.execute(f"DELETE FROM {GRID_TABLE}")  # noqa: S608
        cursor.execute(
            f"""
            INSERT INTO {GRID_TABLE} ({KEY_COLUMNS}, count, sum_lon, sum_lat)
            SELECT %s, floor(ST_X(location) / %s)::int, floor(ST_Y(location) / %s)::int,
                   date_trunc('month', occurred_at AT TIME ZONE %s)::date,
                   category_id, unit_id, status,
                   count(*), sum(ST_X(location)), sum(ST_Y(location))
            FROM cases_violation
            WHERE location IS NOT NULL
            GROUP BY 1, 2, 3, 4, 5, 6, 7
            ORDER BY 1, 2, 3, 4, 5, 6, 7
            """,  # noqa: S608
            [GRID_MAX_ZOOM, cell_size(GRID_MAX_ZOOM), cell_size(GRID_MAX_ZOOM), settings.TIME_ZONE],
        )
        for zoom in range(GRID_MAX_ZOOM - 1, GRID_MIN_ZOOM - 1, -1):
            cursor.execute(
                f"""
                INSERT INTO {GRID_TABLE} ({KEY_COLUMNS}, count, sum_lon, sum_lat)
                SELECT %s, cell_x >> 1, cell_y >> 1, month, category_id, unit_id, status,
                       sum(count), sum(sum_lon), sum(sum_lat)
                FROM {GRID_TABLE}
                WHERE zoom = %s
                GROUP BY 1, 2, 3, 4, 5, 6, 7
                ORDER BY 1, 2, 3, 4, 5, 6, 7
                """,  # noqa: S608
                [zoom, zoom + 1],
            )
        cursor.execute(f"ANALYZE {GRID_TABLE}")
        cursor.execute(f"SELECT count(*) FROM {GRID_TABLE}")  # noqa: S608
        (rows,) = cursor.fetchone()
    return int(rows)
