"""The daily roll-up of the units' movement: the same figures as the live scan of a
month's reports, idempotent, read by the monthly figures for past days; its nightly
task, its beat entry and its rebuild command."""

import itertools
import math
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from dispatch.models import MobileUnit, PositionReport, UnitDayStats
from dispatch.selectors.stats import month_bounds
from dispatch.services.stats import (
    rollup_days_due,
    unit_day_stats_compute,
    unit_day_stats_compute_days,
    unit_month_stats,
)
from dispatch.tasks import unit_day_stats_rollup_task
from tests.factories import OrgUnitFactory

VILNIUS = ZoneInfo("Europe/Vilnius")
MARCH_DAYS = [date(2026, 3, 1) + timedelta(days=n) for n in range(31)]

# The monthly figures' movement as they were computed before the roll-up: LAG over every
# report of the month. The reference the roll-up must equal.
LIVE_MONTH_SQL = """
WITH segments AS (
    SELECT unit_id, device_time, point,
           lag(point) OVER (PARTITION BY unit_id ORDER BY device_time) AS previous
    FROM dispatch_positionreport
    WHERE device_time >= %(start)s AND device_time < %(end)s
)
SELECT unit_id,
       coalesce(sum(ST_Distance(previous::geography, point::geography)), 0),
       count(DISTINCT date_trunc('hour', device_time))
FROM segments
GROUP BY unit_id
"""


def _live_month(month: date) -> dict[int, tuple[float, int]]:
    start, end = month_bounds(month)
    with connection.cursor() as cursor:
        cursor.execute(LIVE_MONTH_SQL, {"start": start, "end": end})
        return {unit_id: (distance, hours) for unit_id, distance, hours in cursor.fetchall()}


def _unit(call_sign: str) -> MobileUnit:
    return MobileUnit.objects.create(
        org_unit=OrgUnitFactory.create(code=f"org-{call_sign.lower()}"), call_sign=call_sign
    )


def _report(unit: MobileUnit, when: datetime, lat: float, lon: float) -> None:
    PositionReport.objects.create(
        unit=unit, device_time=when, received_at=when, point=Point(lon, lat, srid=4326)
    )


def _drive(unit, start, count, *, every=timedelta(minutes=1), lat=54.70, lon=25.30):
    start = start.astimezone(UTC)  # real time steps, also across a clock change
    PositionReport.objects.bulk_create(
        PositionReport(
            unit=unit,
            device_time=start + i * every,
            received_at=start + i * every,
            point=Point(lon + (0.006 if i % 2 else 0.0), lat + 0.004 * i, srid=4326),
        )
        for i in range(count)
    )


def _local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VILNIUS)


def _haversine_m(a, b):
    (lat1, lon1), (lat2, lon2) = ((math.radians(p[0]), math.radians(p[1])) for p in (a, b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


@pytest.fixture
def march_tracks():
    """Two units' March: a drive across local midnight (3 to 4 March), a gap of days,
    a drive through the spring clock change (29 March, 03:00 -> 04:00), reports in
    February and April that the month does not count, and a unit that never reports."""
    alpha, bravo, _idle = _unit("MU-ALPHA"), _unit("MU-BRAVO"), _unit("MU-IDLE")
    _report(alpha, _local(2026, 2, 28, 23, 50), 56.0, 24.0)
    _drive(alpha, _local(2026, 3, 3, 23, 50), 20)  # 23:50 .. 00:09
    _drive(alpha, _local(2026, 3, 10, 8, 0), 30, every=timedelta(minutes=5), lat=55.0)
    _drive(alpha, _local(2026, 3, 29, 2, 30), 16, every=timedelta(minutes=10), lat=54.9)
    _drive(bravo, _local(2026, 3, 1, 0, 0), 12, every=timedelta(minutes=15), lat=54.5)
    _drive(bravo, _local(2026, 3, 31, 23, 40), 6, every=timedelta(minutes=5), lat=54.6)
    return alpha, bravo


@pytest.mark.django_db
def test_the_days_of_a_month_add_up_to_the_live_scan_of_the_month(march_tracks):
    alpha, bravo = march_tracks
    expected = _live_month(date(2026, 3, 1))

    unit_day_stats_compute_days(MARCH_DAYS)

    for unit in (alpha, bravo):
        days = UnitDayStats.objects.filter(unit=unit, day__month=3)
        assert days.count() == 31
        distance = sum(row.distance_m for row in days)
        hours = sum(row.hours_with_reports for row in days)
        assert distance == pytest.approx(expected[unit.pk][0], rel=1e-9)
        assert hours == expected[unit.pk][1]
    assert expected[alpha.pk][0] > 0
    assert UnitDayStats.objects.filter(unit__call_sign="MU-IDLE", distance_m=0).count() == 31


@pytest.mark.django_db
def test_a_segment_across_midnight_counts_in_the_day_of_its_later_report(march_tracks):
    alpha, _bravo = march_tracks

    unit_day_stats_compute_days(MARCH_DAYS)

    third = UnitDayStats.objects.get(unit=alpha, day=date(2026, 3, 3))
    fourth = UnitDayStats.objects.get(unit=alpha, day=date(2026, 3, 4))
    points = [(54.70 + 0.004 * i, 25.30 + (0.006 if i % 2 else 0.0)) for i in range(20)]
    legs = [_haversine_m(a, b) for a, b in itertools.pairwise(points)]
    # 23:50..23:59 is ten reports and nine segments; the 23:59 -> 00:00 segment is the 4th's.
    assert (third.report_count, fourth.report_count) == (10, 10)
    assert third.distance_m == pytest.approx(sum(legs[:9]), rel=0.01)
    assert fourth.distance_m == pytest.approx(sum(legs[9:]), rel=0.01)
    assert (third.hours_with_reports, fourth.hours_with_reports) == (1, 1)
    # The first report of March pairs with nothing (February is another month).
    first = UnitDayStats.objects.get(unit=march_tracks[1], day=date(2026, 3, 1))
    assert first.report_count == 12
    assert first.hours_with_reports == 3


@pytest.mark.django_db
def test_the_day_of_the_clock_change_has_its_real_hours(march_tracks):
    alpha, _bravo = march_tracks

    unit_day_stats_compute(date(2026, 3, 29))

    # 16 reports ten minutes apart from 02:30 local: 02:30 .. 02:50, then the clock jumps
    # to 04:00, and the last is at 06:00. Two and a half real hours touching four clock
    # hours (02, 04, 05, 06); the 03 o'clock that did not exist is not one of them.
    row = UnitDayStats.objects.get(unit=alpha, day=date(2026, 3, 29))
    assert row.report_count == 16
    assert row.hours_with_reports == 4
    last = PositionReport.objects.filter(unit=alpha).latest("device_time").device_time
    assert last.astimezone(VILNIUS).hour == 6


@pytest.mark.django_db
def test_computing_a_day_again_changes_nothing_and_absorbs_a_late_report(march_tracks):
    alpha, _bravo = march_tracks
    day = date(2026, 3, 10)
    written = unit_day_stats_compute(day)
    before = UnitDayStats.objects.get(unit=alpha, day=day)

    assert written == 3
    assert unit_day_stats_compute(day) == 3
    again = UnitDayStats.objects.get(unit=alpha, day=day)
    assert (again.pk, again.distance_m, again.report_count) == (
        before.pk,
        before.distance_m,
        before.report_count,
    )
    assert UnitDayStats.objects.filter(day=day).count() == 3

    _report(alpha, _local(2026, 3, 10, 20, 0), 55.5, 25.5)  # arrived late
    unit_day_stats_compute(day)

    late = UnitDayStats.objects.get(unit=alpha, day=day)
    assert late.report_count == before.report_count + 1
    assert late.hours_with_reports == before.hours_with_reports + 1
    assert late.distance_m > before.distance_m


@pytest.mark.django_db
def test_the_month_reads_past_days_from_the_roll_up_not_from_the_reports(march_tracks):
    alpha, _bravo = march_tracks
    figures = {row.unit_id: row for row in unit_month_stats(month=date(2026, 3, 1))}
    expected = _live_month(date(2026, 3, 1))
    assert UnitDayStats.objects.filter(day__month=3).count() == 3 * 31  # rolled up on demand

    PositionReport.objects.filter(device_time__lt=_local(2026, 4, 1)).delete()
    after = {row.unit_id: row for row in unit_month_stats(month=date(2026, 3, 1))}

    assert after[alpha.pk].distance_m == pytest.approx(expected[alpha.pk][0], rel=1e-9)
    assert after[alpha.pk].report_hours == expected[alpha.pk][1]
    assert after[alpha.pk] == figures[alpha.pk]


@pytest.mark.django_db
def test_today_is_counted_live_and_not_rolled_up(march_tracks):
    alpha, _bravo = march_tracks
    today = timezone.localdate()
    start = _local(today.year, today.month, today.day, 0, 5)
    _drive(alpha, start, 4, lat=54.8)

    row = next(r for r in unit_month_stats(month=today) if r.unit_id == alpha.pk)

    assert row.distance_m > 0
    assert row.report_hours == 1
    assert not UnitDayStats.objects.filter(day=today).exists()
    assert UnitDayStats.objects.filter(day=today - timedelta(days=1)).exists() == (today.day > 1)

    PositionReport.objects.filter(device_time__gte=start).delete()
    row = next(r for r in unit_month_stats(month=today) if r.unit_id == alpha.pk)
    assert (row.distance_m, row.report_hours) == (0, 0)


def test_the_nightly_run_covers_yesterday_back_to_the_oldest_acceptable_report():
    # 22:15 UTC on 23 November is 00:15 on the 24th in Vilnius.
    days = rollup_days_due(datetime(2026, 11, 23, 22, 15, tzinfo=ZoneInfo("UTC")))

    assert days[-1] == date(2026, 11, 23)
    assert days[0] == date(2026, 11, 16)
    assert len(days) == 8


def test_the_nightly_roll_up_is_declared_for_beat_and_names_a_registered_task():
    from portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["dispatch-unit-day-stats-nightly"]
    app.loader.import_default_modules()

    assert entry["task"] == "dispatch.unit_day_stats_rollup"
    assert entry["task"] in app.tasks
    # The beat runs in UTC: 22:15 is just after local midnight, winter (00:15) or summer.
    assert settings.CELERY_TIMEZONE == "UTC"
    assert entry["schedule"] == crontab(hour=22, minute=15)
    for month in (1, 7):
        run = datetime(2026, month, 15, 22, 15, tzinfo=ZoneInfo("UTC")).astimezone(VILNIUS)
        assert run.day == 16
        assert run.hour in (0, 1)


@pytest.mark.django_db
def test_the_task_rolls_up_the_given_days(march_tracks):
    report = unit_day_stats_rollup_task.apply(kwargs={"days": ["2026-03-04", "2026-03-03"]}).get()

    assert report == {"days": ["2026-03-03", "2026-03-04"], "rows": 6}
    assert UnitDayStats.objects.filter(day__month=3).count() == 6


@pytest.mark.django_db
def test_the_rebuild_command_backfills_from_the_oldest_report(march_tracks):
    out = StringIO()
    call_command("unit_day_stats_rebuild", stdout=out)

    yesterday = timezone.localdate() - timedelta(days=1)
    days = (yesterday - date(2026, 2, 28)).days + 1
    assert UnitDayStats.objects.count() == 3 * days
    assert UnitDayStats.objects.filter(day=date(2026, 3, 4), report_count=10).count() == 1
    assert f"Rolled up 2026-02-28 to {yesterday}" in out.getvalue()

    call_command("unit_day_stats_rebuild", "--since", "2026-03-01", stdout=StringIO())
    assert UnitDayStats.objects.count() == 3 * days


@pytest.mark.django_db
@pytest.mark.parametrize("since", ["March", "2999-01-01"])
def test_the_rebuild_command_refuses_a_bad_day(since):
    with pytest.raises(CommandError, match="--since must be"):
        call_command("unit_day_stats_rebuild", "--since", since, stdout=StringIO())
    assert not UnitDayStats.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_roll_up(celery_worker_process, march_tracks):
    result = unit_day_stats_rollup_task.delay(days=["2026-03-10"])
    report = result.get(timeout=30)

    assert report == {"days": ["2026-03-10"], "rows": 3}
    alpha, _bravo = march_tracks
    assert UnitDayStats.objects.get(unit=alpha, day=date(2026, 3, 10)).report_count == 30
