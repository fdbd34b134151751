"""Upkeep of the violation map grid (cases.models.map).

Two ways in:

- ``violation_grid_changed``: the violation services call it after each change of a
  violation, inside their transaction, so the grid commits (or rolls back) with the
  violation, and a map request never sees one without the other.
- ``violation_grid_rebuild``: recounts the whole grid from cases_violation, set-based:
  after bulk loads that bypass the services (imports, the benchmark), and as a repair.

Concurrency: a change upserts one row per stored zoom (two when the violation moves)
in one statement per table, its rows sorted by key, so two services touching the same
cells lock them in the same order and cannot deadlock; the locks last until their
transaction ends, and the services are short. A rebuild holds a SHARE lock on
cases_violation (violations cannot change while it counts them); map requests keep
reading the previous grid until it commits.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import connection, transaction

from cases.models import Violation
from cases.models.map import GRID_ZOOMS, MONTH_GRID_ZOOMS, cell_size


@dataclass(frozen=True)
class _Table:
    name: str
    zooms: tuple[int, ...]
    # (column, SQL expression over a source row whose columns are prefixed by {src})
    dimensions: tuple[tuple[str, str], ...]

    @property
    def key(self) -> str:
        return ", ".join(["zoom", "cell_x", "cell_y", *(column for column, _ in self.dimensions)])

    @property
    def positions(self) -> str:
        # GROUP BY by position: a name would mean the source's column (the finer cell).
        return ", ".join(str(n) for n in range(1, 4 + len(self.dimensions)))

    def expressions(self, src: str) -> str:
        return ", ".join(expression.format(src=src) for _, expression in self.dimensions)

    def zoom_sizes(self) -> str:
        # Sizes go from Python into the SQL, so the grid and the live query in
        # cases.selectors.map divide by the very same float (repr is exact).
        return ", ".join(f"({zoom}, {cell_size(zoom)!r}::float8)" for zoom in self.zooms)


MONTH = "date_trunc('month', {src}occurred_at AT TIME ZONE %(tz)s)::date"


TABLES = (
    _Table(
        "cases_violation_grid",
        GRID_ZOOMS,
        (
            ("category_id", "{src}category_id"),
            ("unit_id", "{src}unit_id"),
            ("status", "{src}status"),
        ),
    ),
    _Table(
        "cases_violation_grid_month",
        MONTH_GRID_ZOOMS,
        (("month", MONTH), ("category_id", "{src}category_id")),
    ),
)


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
        return None  # a violation without a location is not on the map
    return GridEntry(
        lon=location.x,
        lat=location.y,
        occurred_at=values["occurred_at"],
        category_id=values["category_id"],
        unit_id=values["unit_id"],
        status=values["status"],
    )


def violation_grid_changed(
    *, violation: Violation, before: Mapping[str, Any] | None = None
) -> None:
    """Move ``violation``'s count in the grid from where it was to where it is now.

    ``before``: the previous values of the fields that changed (``location`` as a Point
    or WKT, ``occurred_at``, ``category_id``, ``unit_id``, ``status``; other keys are
    ignored), e.g. the audit snapshot taken before an edit, or ``{"status": "draft"}``;
    None for a violation not counted yet (just created). Call it inside the service's
    transaction, after the save.
    """
    now = {
        "location": violation.location,
        "occurred_at": violation.occurred_at,
        "category_id": violation.category_id,
        "unit_id": violation.unit_id,
        "status": violation.status,
    }
    added = _entry(now)
    removed = None
    if before is not None:
        removed = _entry({**now, **{name: before[name] for name in now if name in before}})
    if added == removed:
        return  # nothing the grid counts has changed (narrative, details, accuracy …)
    changes = [(entry, sign) for entry, sign in ((removed, -1), (added, 1)) if entry is not None]
    params: dict[str, Any] = {"tz": settings.TIME_ZONE}
    rows = []
    for n, (entry, sign) in enumerate(changes):
        rows.append(
            f"(%(lon{n})s::float8, %(lat{n})s::float8, %(at{n})s::timestamptz,"
            f" %(category{n})s::bigint, %(unit{n})s::bigint, %(status{n})s::text,"
            f" %(sign{n})s::int)"
        )
        params.update(
            {
                f"lon{n}": entry.lon,
                f"lat{n}": entry.lat,
                f"at{n}": entry.occurred_at,
                f"category{n}": entry.category_id,
                f"unit{n}": entry.unit_id,
                f"status{n}": entry.status,
                f"sign{n}": sign,
            }
        )
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                f"""
                INSERT INTO {table.name} AS g ({table.key}, count, sum_lon, sum_lat)
                SELECT z.zoom, floor(d.lon / z.size)::int, floor(d.lat / z.size)::int,
                       {table.expressions("d.")},
                       sum(d.sign), sum(d.sign * d.lon), sum(d.sign * d.lat)
                FROM (VALUES {", ".join(rows)})
                     AS d(lon, lat, occurred_at, category_id, unit_id, status, sign)
                CROSS JOIN (VALUES {table.zoom_sizes()}) AS z(zoom, size)
                GROUP BY {table.positions}
                -- a status change leaves the month table as it was: nothing to write
                HAVING sum(d.sign) <> 0 OR sum(d.sign * d.lon) <> 0
                    OR sum(d.sign * d.lat) <> 0
                ORDER BY {table.positions}
                ON CONFLICT ({table.key}) DO UPDATE
                   SET count = g.count + EXCLUDED.count,
                       sum_lon = g.sum_lon + EXCLUDED.sum_lon,
                       sum_lat = g.sum_lat + EXCLUDED.sum_lat
                RETURNING {table.key}, count
                """,  # noqa: S608  names are constants, values are parameters
                params,
            )
            emptied = [row[:-1] for row in cursor.fetchall() if row[-1] == 0]
            if emptied:
                # Nobody left in that cell: drop the row rather than keep a zero.
                marks = ", ".join(["%s"] * (len(emptied[0])))
                cursor.executemany(
                    f"DELETE FROM {table.name} WHERE ({table.key}) = ({marks})"  # noqa: S608
                    " AND count = 0",
                    emptied,
                )


@transaction.atomic
def violation_grid_rebuild() -> dict[str, int]:
    """Recount the grid from cases_violation; returns the rows per table.

    The finest stored zoom is counted from the violations (one pass over the table),
    each coarser one from the one below it, since cells nest (``cell >> shift``).
    """
    rows: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE cases_violation IN SHARE MODE")
        for table in TABLES:
            finest, *coarser = sorted(table.zooms, reverse=True)
            size = cell_size(finest)
            cursor.execute(f"DELETE FROM {table.name}")  # noqa: S608
            cursor.execute(
                f"""
                INSERT INTO {table.name} ({table.key}, count, sum_lon, sum_lat)
                SELECT %(zoom)s, floor(ST_X(location) / %(size)s)::int,
                       floor(ST_Y(location) / %(size)s)::int, {table.expressions("")},
                       count(*), sum(ST_X(location)), sum(ST_Y(location))
                FROM cases_violation
                WHERE location IS NOT NULL
                GROUP BY {table.positions}
                ORDER BY {table.positions}
                """,  # noqa: S608
                {"zoom": finest, "size": size, "tz": settings.TIME_ZONE},
            )
            finer = finest
            for zoom in coarser:
                columns = ", ".join(column for column, _ in table.dimensions)
                cursor.execute(
                    f"""
                    INSERT INTO {table.name} ({table.key}, count, sum_lon, sum_lat)
                    SELECT %(zoom)s, cell_x >> %(shift)s, cell_y >> %(shift)s, {columns},
                           sum(count), sum(sum_lon), sum(sum_lat)
                    FROM {table.name}
                    WHERE zoom = %(finer)s
                    GROUP BY {table.positions}
                    ORDER BY {table.positions}
                    """,  # noqa: S608
                    {"zoom": zoom, "shift": finer - zoom, "finer": finer},
                )
                finer = zoom
            cursor.execute(f"ANALYZE {table.name}")
            cursor.execute(f"SELECT count(*) FROM {table.name}")  # noqa: S608
            (count,) = cursor.fetchone()
            rows[table.name] = int(count)
    return rows
