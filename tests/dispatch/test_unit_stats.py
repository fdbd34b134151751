"""Figures per unit and month: tasks and how they ended, response-time percentiles,
distance driven, hours with reports; the page, its CSV, and who may see them."""

import csv
import io
import itertools
import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from dispatch.models import MobileUnit, PositionReport, Task
from dispatch.services.stats import unit_month_stats
from portal.models import AuditRecord
from tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db

VILNIUS = ZoneInfo("Europe/Vilnius")
MARCH = datetime(2026, 3, 10, 9, 0, tzinfo=VILNIUS)


def _unit(call_sign: str) -> MobileUnit:
    return MobileUnit.objects.create(
        org_unit=OrgUnitFactory.create(code=f"org-{call_sign.lower()}"), call_sign=call_sign
    )


def _task(unit, creator, assigned_at, *, ack_s=None, arrive_s=None, status="assigned"):
    return Task.objects.create(
        kind="inspection",
        title="Check",
        created_by=creator,
        unit=unit,
        status=status,
        assigned_at=assigned_at,
        acknowledged_at=assigned_at + timedelta(seconds=ack_s) if ack_s is not None else None,
        on_scene_at=assigned_at + timedelta(seconds=arrive_s) if arrive_s is not None else None,
    )


@pytest.fixture
def alpha(dispatcher):
    """MU-ALPHA's March: four tasks (acknowledged after 60, 120 and 300 s; on scene
    after 600 and 900 s), two completed, one cancelled; one task in February."""
    unit = _unit("MU-ALPHA")
    _task(unit, dispatcher, MARCH, ack_s=60, arrive_s=600, status="completed")
    _task(unit, dispatcher, MARCH + timedelta(days=3), ack_s=300, arrive_s=900, status="completed")
    _task(unit, dispatcher, MARCH + timedelta(days=5), ack_s=120, status="cancelled")
    _task(unit, dispatcher, MARCH + timedelta(days=6))
    _task(unit, dispatcher, MARCH - timedelta(days=20), ack_s=5, arrive_s=5, status="completed")
    return unit


@pytest.fixture
def bravo():
    return _unit("MU-BRAVO")


def _haversine_m(a, b):
    (lat1, lon1), (lat2, lon2) = ((math.radians(p[0]), math.radians(p[1])) for p in (a, b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def _drive(unit, start, points, every=timedelta(minutes=1)):
    PositionReport.objects.bulk_create(
        PositionReport(
            unit=unit,
            device_time=start + i * every,
            received_at=start + i * every,
            point=Point(lon, lat, srid=4326),
            source="device",
        )
        for i, (lat, lon) in enumerate(points)
    )


def test_task_figures_have_exact_medians_and_percentiles(alpha, bravo):
    rows = {row.call_sign: row for row in unit_month_stats(month=MARCH.date())}

    a = rows["MU-ALPHA"]
    assert (a.tasks_assigned, a.tasks_completed, a.tasks_cancelled) == (4, 2, 1)
    assert a.acknowledge_median_s == 120
    # PERCENTILE_CONT(0.9) of 60, 120, 300: 120 + 0.8 * (300 - 120)
    assert a.acknowledge_p90_s == pytest.approx(264)
    assert a.arrive_median_s == 750
    assert a.arrive_p90_s == pytest.approx(870)
    b = rows["MU-BRAVO"]
    assert (b.tasks_assigned, b.acknowledge_median_s, b.distance_m, b.report_hours) == (
        0,
        None,
        0,
        0,
    )


def test_distance_of_a_known_track_is_within_one_percent(alpha):
    # A zig-zag of 40 reports north-east of Vilnius, one a minute from 10:00 to 10:39,
    # then three in the next hour; and one on the last day of February (not counted).
    path = [(54.70 + 0.004 * i, 25.30 + (0.006 if i % 2 else 0.0)) for i in range(40)]
    start = datetime(2026, 3, 2, 10, 0, tzinfo=VILNIUS)
    _drive(alpha, start, path)
    later = [(54.90, 25.40), (54.91, 25.40), (54.92, 25.41)]
    _drive(alpha, start + timedelta(hours=1, minutes=5), later, every=timedelta(minutes=10))
    _drive(alpha, datetime(2026, 2, 28, 23, 0, tzinfo=VILNIUS), [(56.0, 24.0)])
    whole = path + later
    expected = sum(_haversine_m(a, b) for a, b in itertools.pairwise(whole))

    row = next(r for r in unit_month_stats(month=MARCH.date()) if r.call_sign == "MU-ALPHA")

    assert row.distance_m == pytest.approx(expected, rel=0.01)
    assert row.report_hours == 2


def test_the_page_shows_a_row_per_unit_and_the_month_navigation(
    client_for, dispatcher, alpha, bravo
):
    response = client_for(dispatcher).get(reverse("dispatch:unit-stats"), {"month": "2026-03"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-unit="MU-ALPHA"' in html
    assert 'data-unit="MU-BRAVO"' in html
    assert "2 min 00 s" in html  # acknowledge median
    assert "12 min 30 s" in html  # arrive median
    assert 'href="?month=2026-02"' in html
    assert 'href="?month=2026-04"' in html
    assert f"{reverse('dispatch:unit-stats-export')}?month=2026-03" in html
    for label in ("Acknowledgement: median", "Arrival: median", "Hours with position reports"):
        assert f'data-label="{label}"' in html, label
    assert "Each task counts towards the month in which it was assigned." in html


def test_this_month_has_no_next_month_link(client_for, analyst, bravo):
    response = client_for(analyst).get(reverse("dispatch:unit-stats"))

    this_month = timezone.localdate().replace(day=1)
    following = (this_month + timedelta(days=32)).replace(day=1)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'rel="next"' not in html
    assert f'value="{this_month:%Y-%m}"' in html
    assert f"?month={following:%Y-%m}" not in html


@pytest.mark.parametrize("month", ["2026-13", "March", "1999-01", ""])
def test_a_bad_month_gets_a_clear_message(client_for, dispatcher, month):
    response = client_for(dispatcher).get(reverse("dispatch:unit-stats"), {"month": month})

    html = response.content.decode()
    assert response.status_code == 200
    assert "errorlist" in html
    assert "stats-table" not in html


def test_the_csv_holds_the_figures_and_is_formula_safe(client_for, analyst, alpha):
    _unit("=HYPERLINK(1)")

    response = client_for(analyst).get(reverse("dispatch:unit-stats-export"), {"month": "2026-03"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="unit-statistics_2026-03.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_unit = {row["unit"]: row for row in rows}
    assert set(by_unit) == {"MU-ALPHA", "'=HYPERLINK(1)"}
    alpha_row = by_unit["MU-ALPHA"]
    assert alpha_row["tasks_assigned"] == "4"
    assert alpha_row["acknowledge_median_s"] == "120.0"
    assert alpha_row["arrive_p90_s"] == "870.0"
    assert by_unit["'=HYPERLINK(1)"]["acknowledge_median_s"] == ""
    record = AuditRecord.objects.get(action="export")
    assert record.changes == {"format": "csv", "month": "2026-03", "rows": 2}


def test_a_csv_for_a_bad_month_is_refused(client_for, analyst):
    response = client_for(analyst).get(reverse("dispatch:unit-stats-export"), {"month": "soon"})

    assert response.status_code == 302
    assert not AuditRecord.objects.filter(action="export").exists()


@pytest.mark.parametrize("role", ["officer", "administrator"])
@pytest.mark.parametrize("name", ["dispatch:unit-stats", "dispatch:unit-stats-export"])
def test_officers_and_administrators_see_no_unit_statistics(client_for, personas, role, name):
    response = client_for(personas[role]).get(reverse(name))

    assert response.status_code == 403


def test_the_statistics_take_a_fixed_number_of_queries(
    client_for, dispatcher, alpha, bravo, django_assert_max_num_queries
):
    for n in range(5):
        _unit(f"MU-X{n}")
    client = client_for(dispatcher)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("dispatch:unit-stats"), {"month": "2026-03"})
    assert response.status_code == 200
