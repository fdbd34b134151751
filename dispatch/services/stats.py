"""Unit statistics: the nightly day roll-up of distance and hours, and the month's CSV export."""

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from dispatch.selectors.stats import (
    DAY_MOVEMENT_SQL,
    UnitMonthStats,
    day_movement_params,
    month_rolled_span,
    unit_day_stats_missing,
    unit_month_stats_read,
)
from dispatch.services.positions import OLDEST_ACCEPTED
from portal.lib.exports import csv_safe_row
from portal.models import AuditAction, AuditRecord, User
from portal.services.audit import audit_record

ROLLUP_SQL = """
WITH movement AS (__MOVEMENT__)
INSERT INTO dispatch_unitdaystats
    (unit_id, day, distance_m, report_count, hours_with_reports, computed_at)
SELECT u.id, d.day, coalesce(m.distance_m, 0), coalesce(m.report_count, 0),
       coalesce(m.report_hours, 0), %(now)s
FROM dispatch_mobileunit u
CROSS JOIN unnest(%(days)s::date[]) AS d(day)
LEFT JOIN movement m ON m.unit_id = u.id AND m.day = d.day
ORDER BY u.id, d.day
ON CONFLICT (unit_id, day) DO UPDATE SET
    distance_m = EXCLUDED.distance_m,
    report_count = EXCLUDED.report_count,
    hours_with_reports = EXCLUDED.hours_with_reports,
    computed_at = EXCLUDED.computed_at
""".replace("__MOVEMENT__", DAY_MOVEMENT_SQL)


def unit_day_stats_compute_days(days: Iterable[date]) -> int:
    """Compute (or recompute) every unit's figures for each of ``days`` in one
    statement; returns the number of rows written."""
    chosen = sorted(set(days))
    if not chosen:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(ROLLUP_SQL, {**day_movement_params(chosen), "now": timezone.now()})
        return cursor.rowcount


def unit_day_stats_compute(day: date) -> int:
    """Compute (or recompute) every unit's figures for the local ``day``."""
    return unit_day_stats_compute_days([day])


def unit_month_stats(*, month: date) -> list[UnitMonthStats]:
    """One row per mobile unit (call-sign order) with its figures for ``month``.

    Past days of the month not rolled up yet (a fresh install; yesterday before the
    nightly run) are rolled up first, in one statement, so the figures are whole."""
    unit_day_stats_ensure(*month_rolled_span(month))
    return unit_month_stats_read(month=month)


def unit_day_stats_ensure(first: date, last: date) -> list[date]:
    """Roll up the days from ``first`` to ``last`` that have no rows yet (a fresh
    install, a day before the nightly run); returns the days computed."""
    missing = unit_day_stats_missing(first, last)
    unit_day_stats_compute_days(missing)
    return missing


def rollup_days_due(now: datetime | None = None) -> list[date]:
    """The days the nightly run recomputes: yesterday back to the oldest day a late
    report can still be accepted for (OLDEST_ACCEPTED before the run, and one day more
    for a report accepted just before the previous run's window moved on)."""
    moment = now or timezone.now()
    yesterday = timezone.localdate(moment) - timedelta(days=1)
    oldest = timezone.localdate(moment - OLDEST_ACCEPTED) - timedelta(days=1)
    return [oldest + timedelta(days=n) for n in range((yesterday - oldest).days + 1)]


def unit_stats_export_audit(*, actor: User, month: str, rows: int) -> AuditRecord:
    """Record a CSV download of the monthly figures per unit."""
    return audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="dispatch.mobileunit",
        object_repr=f"unit statistics {month}",
        changes={"format": "csv", "month": month, "rows": rows},
    )


STATS_COLUMNS = [
    "unit",
    "month",
    "tasks_assigned",
    "tasks_completed",
    "tasks_cancelled",
    "acknowledge_median_s",
    "acknowledge_p90_s",
    "arrive_median_s",
    "arrive_p90_s",
    "distance_m",
    "hours_with_reports",
]


def _seconds(value: float | None) -> Any:
    return round(value, 1) if value is not None else ""


def unit_stats_csv(*, rows: Iterable[UnitMonthStats], month: str) -> str:
    """The month's table as CSV (UTF-8 with a byte-order mark for spreadsheets); text
    that a spreadsheet would run as a formula is neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(STATS_COLUMNS)
    for row in rows:
        writer.writerow(
            csv_safe_row(
                [
                    row.call_sign,
                    month,
                    row.tasks_assigned,
                    row.tasks_completed,
                    row.tasks_cancelled,
                    _seconds(row.acknowledge_median_s),
                    _seconds(row.acknowledge_p90_s),
                    _seconds(row.arrive_median_s),
                    _seconds(row.arrive_p90_s),
                    round(row.distance_m),
                    row.report_hours,
                ]
            )
        )
    return "\ufeff" + out.getvalue()
