"""Recount the violation map grid from the violations."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from cases.services.map import violation_grid_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the violation map's pre-aggregated grid (cases_violation_grid) from "
        "cases_violation. Run it after loading violations in bulk without the services "
        "(imports, restores). Violations cannot change while it runs (about 20 s per "
        "million); the map keeps answering from the previous grid until it ends."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        rows = violation_grid_rebuild()
        tables = ", ".join(f"{table} {count:,} rows" for table, count in rows.items())
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Grid rebuilt in {elapsed:.1f} s: {tables}."))
