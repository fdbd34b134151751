"""A unit on shift that leaves its patrol zone raises one alert, which closes when it is
back; everything goes through the real ingestion (the device API and positions_ingest)."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from dispatch.models import GeofenceAlert, MobileUnit, PatrolZone, PositionSource, Shift
from dispatch.selectors.planning import (
    NOT_ON_SHIFT,
    ShiftZoneMark,
    shift_current_for_unit,
    unit_shift_zone_marks,
)
from dispatch.services.positions import device_register, positions_ingest
from portal.models import OrgUnit, OrgUnitKind

pytestmark = pytest.mark.django_db

# A square around Medininkai, about 6.4 km east-west and 11 km north-south.
SQUARE = Polygon(
    ((25.60, 54.50), (25.70, 54.50), (25.70, 54.60), (25.60, 54.60), (25.60, 54.50)), srid=4326
)
INSIDE = (54.55, 25.65)  # lat, lon
OUTSIDE = (54.55, 25.80)  # about 6.4 km east of the zone's east edge
JUST_OUTSIDE = (54.55, 25.7003)  # about 19 m east of the edge: within the tolerance


@pytest.fixture
def zone():
    return PatrolZone.objects.create(name="Medininkai", area=SQUARE)


@pytest.fixture
def unit(unit_a):
    return MobileUnit.objects.create(org_unit=unit_a, call_sign="MU-A1", status="available")


@pytest.fixture
def shift(unit, zone):
    now = timezone.now()
    return Shift.objects.create(
        unit=unit, starts_at=now - timedelta(hours=2), ends_at=now + timedelta(hours=6), zone=zone
    )


@pytest.fixture
def device_client(unit):
    _device, token = device_register(actor=None, unit=unit, name="Patrol phone")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {token}")
    return client


def at(place: tuple[float, float], seconds_ago: float, **extra):
    when = timezone.now() - timedelta(seconds=seconds_ago)
    return {"device_time": when.isoformat(), "latitude": place[0], "longitude": place[1], **extra}


def send(client, *reports):
    response = client.post("/api/v1/positions/", {"reports": list(reports)}, format="json")
    assert response.status_code == 200, response.content
    return response


def test_leaving_the_zone_opens_one_alert_with_the_distance(shift, device_client, unit, zone):
    send(device_client, at(INSIDE, 60))

    send(device_client, at(INSIDE, 50), at(OUTSIDE, 40))

    alert = GeofenceAlert.objects.get()
    assert alert.unit == unit
    assert alert.shift == shift
    assert alert.zone == zone
    assert alert.returned_at is None
    assert alert.distance_m == pytest.approx(6_440, rel=0.02)
    assert alert.position.x == pytest.approx(OUTSIDE[1])


def test_repeated_reports_outside_keep_one_alert(shift, device_client):
    send(device_client, at(OUTSIDE, 40))
    send(device_client, at(OUTSIDE, 30))
    send(device_client, at(OUTSIDE, 20))

    assert GeofenceAlert.objects.count() == 1


def test_coming_back_closes_the_alert_at_the_report_time(shift, device_client):
    send(device_client, at(OUTSIDE, 40))
    back = at(INSIDE, 20)

    send(device_client, back)

    alert = GeofenceAlert.objects.get()
    assert alert.returned_at is not None
    assert alert.returned_at.isoformat() == back["device_time"]


def test_leaving_again_after_returning_opens_a_second_alert(shift, device_client):
    send(device_client, at(OUTSIDE, 40))
    send(device_client, at(INSIDE, 30))
    send(device_client, at(OUTSIDE, 20))

    assert GeofenceAlert.objects.count() == 2
    assert GeofenceAlert.objects.filter(returned_at__isnull=True).count() == 1


def test_a_few_metres_outside_is_within_the_tolerance(shift, device_client):
    send(device_client, at(JUST_OUTSIDE, 20))

    assert not GeofenceAlert.objects.exists()


def test_a_poor_fix_gets_its_accuracy_as_slack(shift, device_client):
    # 6.4 km out, but the device says it may be 400 m off: still an alert (cap 500 m);
    # 300 m out with 400 m accuracy: no alert.
    send(device_client, at((54.55, 25.704), 30, accuracy_m=400))
    assert not GeofenceAlert.objects.exists()

    send(device_client, at(OUTSIDE, 20, accuracy_m=400))
    assert GeofenceAlert.objects.count() == 1


def test_no_shift_no_alert(unit, zone, device_client):
    send(device_client, at(OUTSIDE, 20))

    assert not GeofenceAlert.objects.exists()


def test_a_shift_without_a_zone_raises_no_alert(unit, device_client):
    now = timezone.now()
    Shift.objects.create(unit=unit, starts_at=now - timedelta(hours=1), ends_at=now)
    Shift.objects.create(
        unit=unit, starts_at=now, ends_at=now + timedelta(hours=1), note="Paperwork"
    )

    send(device_client, at(OUTSIDE, 5))

    assert not GeofenceAlert.objects.exists()


def test_a_report_outside_the_shift_hours_raises_no_alert(unit, zone, device_client):
    now = timezone.now()
    Shift.objects.create(
        unit=unit, starts_at=now + timedelta(minutes=5), ends_at=now + timedelta(hours=8), zone=zone
    )

    send(device_client, at(OUTSIDE, 20))

    assert not GeofenceAlert.objects.exists()


def test_the_open_alert_closes_when_the_shift_has_ended(unit, zone, device_client):
    now = timezone.now()
    Shift.objects.create(
        unit=unit, starts_at=now - timedelta(hours=8), ends_at=now - timedelta(minutes=1), zone=zone
    )
    send(device_client, at(OUTSIDE, 120))
    assert GeofenceAlert.objects.filter(returned_at__isnull=True).count() == 1

    send(device_client, at(OUTSIDE, 10))

    alert = GeofenceAlert.objects.get()
    assert alert.returned_at is not None


def test_a_late_batch_of_older_reports_changes_no_alert(shift, device_client):
    send(device_client, at(INSIDE, 10))

    send(device_client, at(OUTSIDE, 60), at(OUTSIDE, 50))  # buffered, older than the newest

    assert not GeofenceAlert.objects.exists()


def test_only_the_newest_report_of_a_batch_counts(shift, device_client):
    send(device_client, at(OUTSIDE, 50), at(INSIDE, 10), at(OUTSIDE, 30))

    assert not GeofenceAlert.objects.exists()


def test_browser_reports_are_checked_too(shift, unit):
    positions_ingest(
        unit=unit,
        device=None,
        reports=[at(OUTSIDE, 5)],
        source=PositionSource.BROWSER,
    )

    assert GeofenceAlert.objects.filter(unit=unit, returned_at__isnull=True).exists()


def test_the_check_costs_one_query_when_nothing_changes(shift, unit):
    positions_ingest(unit=unit, device=None, reports=[at(INSIDE, 30)])

    with CaptureQueriesContext(connection) as queries:
        positions_ingest(unit=unit, device=None, reports=[at(INSIDE, 20)])

    geofence = [q for q in queries.captured_queries if "dispatch_shift" in q["sql"]]
    assert len(geofence) == 1
    assert not any("geofencealert" in q["sql"] and "INSERT" in q["sql"] for q in queries)


def test_shift_current_for_unit_finds_the_running_shift(shift, unit):
    now = timezone.now()

    assert shift_current_for_unit(unit=unit, at=now) == shift
    assert shift_current_for_unit(unit=unit, at=now + timedelta(hours=7)) is None
    assert shift_current_for_unit(unit=unit, at=now - timedelta(hours=3)) is None


def test_marks_tell_on_shift_and_in_zone_for_many_units_in_one_query(
    shift, unit, unit_b, zone, django_assert_num_queries
):
    other = MobileUnit.objects.create(
        org_unit=unit_b, call_sign="MU-B1", last_position=Point(OUTSIDE[1], OUTSIDE[0], srid=4326)
    )
    Shift.objects.create(
        unit=other,
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=1),
        zone=zone,
    )
    MobileUnit.objects.filter(pk=unit.pk).update(
        last_position=Point(INSIDE[1], INSIDE[0], srid=4326)
    )
    unplanned = MobileUnit.objects.create(
        org_unit=OrgUnit.objects.create(
            code="mobile-c", name="Mobile Unit C", kind=OrgUnitKind.MOBILE_UNIT
        ),
        call_sign="MU-C1",
    )
    Shift.objects.create(
        unit=unplanned,
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=1),
    )

    with django_assert_num_queries(1):
        marks = unit_shift_zone_marks(unit_ids=[unit.pk, other.pk, unplanned.pk, 999_999])

    assert marks[unplanned.pk] == ShiftZoneMark(
        on_shift=True, in_zone=None, shift_id=marks[unplanned.pk].shift_id, zone_id=None
    )
    assert marks[unit.pk] == ShiftZoneMark(
        on_shift=True, in_zone=True, shift_id=shift.pk, zone_id=zone.pk
    )
    assert marks[other.pk].on_shift
    assert marks[other.pk].in_zone is False
    assert marks[999_999] == NOT_ON_SHIFT


def test_a_second_open_alert_for_the_unit_is_never_inserted(shift, unit, zone):
    # What two batches of one unit racing past the state query would both try: the
    # partial unique index lets the first in and the second insert nothing.
    from dispatch.services.planning import GEOFENCE_OPEN_SQL

    params = {
        "unit": unit.pk,
        "shift": shift.pk,
        "zone": zone.pk,
        "at": timezone.now(),
        "lon": OUTSIDE[1],
        "lat": OUTSIDE[0],
        "distance": 6_400.0,
    }
    with connection.cursor() as cursor:
        cursor.execute(GEOFENCE_OPEN_SQL, params)
        first = cursor.rowcount
        cursor.execute(GEOFENCE_OPEN_SQL, params)
        second = cursor.rowcount

    assert (first, second) == (1, 0)
    assert GeofenceAlert.objects.filter(unit=unit).count() == 1


def test_a_new_shift_while_still_outside_moves_the_alert_to_it(unit, zone, device_client):
    now = timezone.now()
    first = Shift.objects.create(
        unit=unit,
        starts_at=now - timedelta(hours=8),
        ends_at=now - timedelta(seconds=30),
        zone=zone,
    )
    second = Shift.objects.create(
        unit=unit,
        starts_at=now - timedelta(seconds=30),
        ends_at=now + timedelta(hours=8),
        zone=zone,
    )
    send(device_client, at(OUTSIDE, 60))

    send(device_client, at(OUTSIDE, 10))

    closed = GeofenceAlert.objects.get(shift=first)
    opened = GeofenceAlert.objects.get(shift=second)
    assert closed.returned_at is not None
    assert opened.returned_at is None
