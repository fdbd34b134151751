"""The violation map's pre-aggregated grid: counts of located violations per map cell.

A map request at a country or city zoom reads a few thousand of these rows instead of
grouping a hundred thousand violations (cases.selectors.map); the violation services
keep them current (cases.services.map_grid); ``manage.py violation_grid_rebuild``
recounts them after a bulk load. Derived data: nobody edits it, a rebuild recreates it
from cases_violation at any time.

Cells: at zoom ``z`` a cell is ``cell_size(z)`` degrees square, and a point (lon, lat)
lies in cell ``(floor(lon / size), floor(lat / size))``. The size halves exactly from
one zoom to the next (67.5 / 2^z, exact in binary floating point), so the cells nest:
cell ``x`` at zoom ``z`` holds cells ``2x`` and ``2x + 1`` at ``z + 1``, and ``x >> k`` is
its ancestor ``k`` zooms out. A zoom that is not stored is answered from the next finer
stored one by that shift.

Two tables, because one table with every dimension (cell, month, category, unit,
status) has nearly as many rows as there are violations: at 1M violations, 250,000 rows
at zoom 7 alone, too many to sum in a request. Each table keeps fewer dimensions, and
together they answer what the map asks most:

- ``ViolationGridCell``, all time, by category, unit and status: the map without a date
  filter, with any of the other filters, for every role (an officer's scope is a unit);
- ``ViolationGridMonth``, by month and category (every unit and status): an analyst's or
  dispatcher's map with a date filter.

Other combinations (a date filter with a status, a unit or an officer's scope; free
text) are counted live. See docs/benchmarks.md for the sizes and timings.
"""

from django.db import models

from cases.models.violations import ViolationStatus

# Zooms stored. Below the lowest, cells are derived by a shift (a few hundred rows at
# country scale). Above zoom 9 every other zoom is stored: a fine zoom has nearly one
# row per violation, so each stored level costs about as much as the table's row count,
# and answering a zoom from the next finer level reads at most four cells per cell.
# Zoom 15 still covers a checkpoint with tens of thousands of entries; above it the
# viewport is a few hundred metres wide and the live query (or the points) is cheap.
# The month table stops at zoom 10: above it the viewport is a city at most, and a
# date-limited live query over it is cheap enough.
GRID_ZOOMS = (4, 5, 6, 7, 8, 9, 11, 13, 15)


MONTH_GRID_ZOOMS = (4, 5, 6, 7, 8, 9, 10)


def cell_size(zoom: int) -> float:
    """Degrees per cell side: about 48 screen pixels at this zoom (a 256-pixel tile spans
    360 / 2^zoom degrees), so a viewport holds a few hundred cells at most."""
    return 360.0 / 256 * 48 / (2**zoom)


def stored_zoom(zoom: int, stored: tuple[int, ...]) -> int | None:
    """The stored zoom that answers ``zoom``: itself, or the next finer one (its cells
    nest in the zoom's cells); None above the finest."""
    return next((level for level in stored if level >= zoom), None)


class ViolationGridCell(models.Model):
    """Violations of all time in one cell, of one category, unit and status."""

    pk = models.CompositePrimaryKey("zoom", "cell_x", "cell_y", "category", "unit", "status")
    zoom = models.PositiveSmallIntegerField()
    cell_x = models.IntegerField()
    cell_y = models.IntegerField()
    category = models.ForeignKey(
        "cases.ViolationCategory", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    unit = models.ForeignKey(
        "portal.OrgUnit", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    status = models.CharField(max_length=20, choices=ViolationStatus.choices)
    count = models.IntegerField()
    # Sums, not means: a cell's marker sits at the mean position of its violations,
    # and sums add up across categories, units and finer cells.
    sum_lon = models.FloatField()
    sum_lat = models.FloatField()

    class Meta:
        db_table = "cases_violation_grid"
        default_permissions = ()  # derived data: read through the map, never edited
        verbose_name = "violation map grid cell"

    def __str__(self) -> str:
        return f"z{self.zoom} ({self.cell_x}, {self.cell_y}): {self.count}"


class ViolationGridMonth(models.Model):
    """Violations of one month (in TIME_ZONE) in one cell, of one category, all units
    and statuses."""

    pk = models.CompositePrimaryKey("zoom", "cell_x", "cell_y", "month", "category")
    zoom = models.PositiveSmallIntegerField()
    cell_x = models.IntegerField()
    cell_y = models.IntegerField()
    # First day of the month of occurred_at in TIME_ZONE, the zone in which the date
    # filters are read, so a date filter's whole months come from here.
    month = models.DateField()
    category = models.ForeignKey(
        "cases.ViolationCategory", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    count = models.IntegerField()
    sum_lon = models.FloatField()
    sum_lat = models.FloatField()

    class Meta:
        db_table = "cases_violation_grid_month"
        default_permissions = ()
        verbose_name = "violation map grid cell by month"

    def __str__(self) -> str:
        return f"z{self.zoom} ({self.cell_x}, {self.cell_y}) {self.month:%Y-%m}: {self.count}"
