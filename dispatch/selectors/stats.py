"""Unit statistics per month: past days from the nightly roll-up, today live."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.utils import timezone

from dispatch.models import UnitDayStats
from dispatch.models.units import unit_label


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


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The first moment of ``month`` and of the next one, in the portal's time zone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (
        datetime(first.year, first.month, 1, tzinfo=zone),
        datetime(following.year, following.month, 1, tzinfo=zone),
    )


@dataclass(frozen=True)
class UnitMonthStats:
    unit_id: int
    call_sign: str
    unit_name: str
    tasks_assigned: int
    tasks_completed: int
    tasks_cancelled: int
    acknowledge_median_s: float | None
    acknowledge_p90_s: float | None
    arrive_median_s: float | None
    arrive_p90_s: float | None
    distance_m: float
    report_hours: int

    @property
    def label(self) -> str:
        """The unit's one name, "MED-1 · Medininkai" (MobileUnit.label)."""
        return unit_label(self.call_sign, self.unit_name)


# Tasks count for the month they were assigned in (a task withdrawn as a mistake not at
# all); completed and cancelled are the outcomes of those tasks. Response times are
# percentiles over the tasks that reached the step (PERCENTILE_CONT ignores the NULLs of
# those that did not). Distance and
# hours with reports are the sums of the units' days (dispatch.services.stats has the
# rules): the days before today from the nightly roll-up (UnitDayStats), today live from
# its reports (one day's scan).
UNIT_MONTH_SQL = """
WITH tasks AS (
    SELECT unit_id,
           count(*) AS assigned,
           count(*) FILTER (WHERE status = 'completed') AS completed,
           count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
           percentile_cont(0.5) WITHIN GROUP (
               ORDER BY extract(epoch FROM acknowledged_at - assigned_at)::float8) AS ack_p50,
           percentile_cont(0.9) WITHIN GROUP (
               ORDER BY extract(epoch FROM acknowledged_at - assigned_at)::float8) AS ack_p90,
           percentile_cont(0.5) WITHIN GROUP (
               ORDER BY extract(epoch FROM on_scene_at - assigned_at)::float8) AS arrive_p50,
           percentile_cont(0.9) WITHIN GROUP (
               ORDER BY extract(epoch FROM on_scene_at - assigned_at)::float8) AS arrive_p90
    FROM dispatch_task
    WHERE unit_id IS NOT NULL AND assigned_at >= %(start)s AND assigned_at < %(end)s
          AND withdrawn_at IS NULL
    GROUP BY unit_id
), movement AS (
    SELECT unit_id, sum(distance_m) AS distance_m, sum(report_hours)::bigint AS report_hours
    FROM (
        SELECT unit_id, distance_m, hours_with_reports AS report_hours
        FROM dispatch_unitdaystats
        WHERE day >= %(first_day)s AND day < %(rolled_until)s
        UNION ALL
        SELECT unit_id, distance_m, report_hours FROM (__LIVE__) today
    ) days
    GROUP BY unit_id
)
SELECT u.id, u.call_sign, o.name,
       coalesce(t.assigned, 0), coalesce(t.completed, 0), coalesce(t.cancelled, 0),
       t.ack_p50, t.ack_p90, t.arrive_p50, t.arrive_p90,
       coalesce(m.distance_m, 0), coalesce(m.report_hours, 0)
FROM dispatch_mobileunit u
JOIN portal_orgunit o ON o.id = u.org_unit_id
LEFT JOIN tasks t ON t.unit_id = u.id
LEFT JOIN movement m ON m.unit_id = u.id
ORDER BY u.call_sign
""".replace("__LIVE__", DAY_MOVEMENT_SQL)


def month_rolled_span(month: date) -> tuple[date, date]:
    """The days of ``month`` that the roll-up holds (first, last; empty when last is
    before first): every day before today."""
    start, end = month_bounds(month)
    first = start.date()
    rolled_until = max(first, min(timezone.localdate(), end.date()))
    return first, rolled_until - timedelta(days=1)


def unit_month_stats_read(*, month: date) -> list[UnitMonthStats]:
    """One row per mobile unit (call-sign order) with its figures for ``month``: the
    days before today from the roll-up, today live. Reads only: a past day the roll-up
    lacks counts as nothing, so callers roll missing days up first
    (dispatch.services.stats.unit_month_stats)."""
    start, end = month_bounds(month)
    first = start.date()
    today = timezone.localdate()
    rolled_until = max(first, min(today, end.date()))
    live = [today] if first <= today < end.date() else []
    with connection.cursor() as cursor:
        cursor.execute(
            UNIT_MONTH_SQL,
            {
                "start": start,
                "end": end,
                "first_day": first,
                "rolled_until": rolled_until,
                **day_movement_params(live),
            },
        )
        return [UnitMonthStats(*row) for row in cursor.fetchall()]
