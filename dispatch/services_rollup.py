"""Daily roll-up of the units' movement (dispatch.UnitDayStats): distance driven,
reports and hours with reports per unit and local day, so the monthly figures read one
row per unit and day instead of scanning every report of the month.

The rules are those the monthly figures always had (dispatch.selectors_tracks):
- the distance is the sum of the straight segments between a unit's consecutive
  reports, on the spheroid (geography);
- a segment counts in the local day of its later report, so one across midnight counts
  in the new day; one across the first midnight of a month counts nowhere (the monthly
  figures pair reports within the month only), so a month's days add up to the month;
- an hour with reports is a distinct clock hour (date_trunc in the session's UTC: the
  portal's zone is a whole number of hours off UTC, so a UTC hour is a local hour, and
  the repeated hour of the autumn change counts twice, as it lasted two hours).

A day is computed in one statement, all units at once; computing it again replaces its
rows (idempotent), which is how late reports are absorbed.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.utils import timezone

from dispatch.models import UnitDayStats
from dispatch.services import OLDEST_ACCEPTED


def local_day_start(day: date) -> datetime:
    """The first moment of ``day`` in the portal's time zone."""
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(settings.TIME_ZONE))


# Each unit's figures for each of the local days in %(days)s (distinct dates). The
# reports are read once over the days' whole span %(span_start)s..%(span_end)s (the
# BRIN index);
# each day's first report is paired with the unit's last report before that day within
# the day's month (one step back on the (unit, device_time) b-tree per unit and day).
# Columns: unit_id, day, distance_m, report_count, report_hours.
DAY_MOVEMENT_SQL = """
WITH day_reports AS (
    SELECT unit_id, device_time, point, (device_time AT TIME ZONE %(tz)s)::date AS day
    FROM dispatch_positionreport
    WHERE device_time >= %(span_start)s AND device_time < %(span_end)s
      AND (device_time AT TIME ZONE %(tz)s)::date = ANY(%(days)s::date[])
), carried AS (
    SELECT k.unit_id, p.device_time, p.point, k.day
    FROM (SELECT DISTINCT unit_id, day FROM day_reports) k
    CROSS JOIN LATERAL (
        SELECT r.device_time, r.point
        FROM dispatch_positionreport r
        WHERE r.unit_id = k.unit_id
          AND r.device_time < (k.day::timestamp AT TIME ZONE %(tz)s)
          AND r.device_time >= (date_trunc('month', k.day::timestamp) AT TIME ZONE %(tz)s)
        ORDER BY r.device_time DESC
        LIMIT 1
    ) p
), segments AS (
    SELECT unit_id, day, device_time, point, carried,
           lag(point) OVER (PARTITION BY unit_id, day ORDER BY device_time) AS previous
    FROM (
        SELECT unit_id, day, device_time, point, false AS carried FROM day_reports
        UNION ALL
        SELECT unit_id, day, device_time, point, true AS carried FROM carried
    ) both_kinds
)
SELECT unit_id, day,
       coalesce(sum(ST_Distance(previous::geography, point::geography))
                FILTER (WHERE NOT carried), 0) AS distance_m,
       count(*) FILTER (WHERE NOT carried) AS report_count,
       count(DISTINCT date_trunc('hour', device_time)) FILTER (WHERE NOT carried)
           AS report_hours
FROM segments
GROUP BY unit_id, day
"""

# Every unit gets a row for every day (zeros when it did not report), so "this day is
# rolled up" is "the day has rows", and a report deleted since is forgotten too.
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


def day_movement_params(days: Iterable[date]) -> dict[str, Any]:
    """The parameters of DAY_MOVEMENT_SQL for ``days`` (none: an empty span, no rows)."""
    ordered = sorted(set(days))
    if not ordered:
        nothing = local_day_start(date(2000, 1, 1))
        return {"tz": settings.TIME_ZONE, "days": [], "span_start": nothing, "span_end": nothing}
    return {
        "tz": settings.TIME_ZONE,
        "days": ordered,
        "span_start": local_day_start(ordered[0]),
        "span_end": local_day_start(ordered[-1] + timedelta(days=1)),
    }


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


def unit_day_stats_missing(first: date, last: date) -> list[date]:
    """The days from ``first`` to ``last`` (both included) without rows yet."""
    if last < first:
        return []
    done = set(
        UnitDayStats.objects.filter(day__range=(first, last))
        .values_list("day", flat=True)
        .distinct()
    )
    span = (last - first).days + 1
    return [d for d in (first + timedelta(days=n) for n in range(span)) if d not in done]


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
