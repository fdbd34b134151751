"""Roll up the units' days (dispatch.UnitDayStats) from the position reports: a backfill
after installing, or a rebuild after reports were corrected."""

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Min
from django.utils import timezone

from dispatch.models import PositionReport
from dispatch.services.stats import unit_day_stats_compute_days

# Days per statement: a month's reports at a time keeps each statement's work bounded.
CHUNK_DAYS = 31


class Command(BaseCommand):
    help = (
        "Recompute every unit's daily distance and hours with reports, from --since "
        "(default: the day of the oldest position report) to yesterday."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="the first local day to recompute, YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        yesterday = timezone.localdate() - timedelta(days=1)
        if options["since"]:
            try:
                first = date.fromisoformat(options["since"])
            except ValueError as error:
                raise CommandError(
                    f"--since must be a day as YYYY-MM-DD, not {options['since']!r}."
                ) from error
        else:
            oldest = PositionReport.objects.aggregate(oldest=Min("device_time"))["oldest"]
            if oldest is None:
                self.stdout.write("No position reports: nothing to roll up.")
                return
            first = timezone.localdate(oldest)
        if first > yesterday:
            raise CommandError(f"--since must be a day before today ({yesterday} at the latest).")
        total_rows = 0
        day = first
        while day <= yesterday:
            last = min(day + timedelta(days=CHUNK_DAYS - 1), yesterday)
            chunk = [day + timedelta(days=n) for n in range((last - day).days + 1)]
            rows = unit_day_stats_compute_days(chunk)
            total_rows += rows
            self.stdout.write(f"{day} to {last}: {rows} rows")
            day = last + timedelta(days=1)
        self.stdout.write(f"Rolled up {first} to {yesterday}: {total_rows} rows.")
