"""The live map's feed: the whole picture for the operations centre, a cheap "nothing
changed" answer while nothing did, and nothing for anyone else."""

from datetime import timedelta
from typing import cast

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Violation
from dispatch.models import (
    GeofenceAlert,
    MobileUnit,
    PatrolZone,
    PositionSource,
    Shift,
    TaskStatus,
    UnitStatus,
)
from dispatch.selectors import live as selectors_live
from dispatch.selectors.live import TAIL_POINTS, live_version
from dispatch.services.positions import positions_ingest
from dispatch.services.tasks import TaskInput, task_create, task_transition
from portal.models import AuditRecord, OrgUnit
from tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db

FEED = "api:live-feed"
MEDININKAI = Point(25.6536, 54.5395, srid=4326)
ZONE_AREA = Polygon(
    ((25.45, 54.50), (25.80, 54.50), (25.80, 54.66), (25.45, 54.66), (25.45, 54.50)), srid=4326
)


@pytest.fixture
def steady_clock(monkeypatch):
    """The version also turns with the clock, once a minute; these tests must not
    straddle a minute boundary by bad luck."""
    monkeypatch.setattr(selectors_live, "CLOCK_BUCKET_SECONDS", 10**9)


def _report(at, lat, lon, speed=None):
    report = {"device_time": at.isoformat(), "latitude": lat, "longitude": lon}
    if speed is not None:
        report["speed_kmh"] = speed
    return report


@pytest.fixture
def unit(unit_a):
    return MobileUnit.objects.create(
        org_unit=unit_a, call_sign="MU-A1", status=UnitStatus.AVAILABLE
    )


@pytest.fixture
def zone(dispatcher):
    return PatrolZone.objects.create(
        name="Medininkai strip", area=ZONE_AREA, colour="#dc2626", created_by=dispatcher
    )


@pytest.fixture
def task(dispatcher):
    return task_create(
        actor=dispatcher,
        data=TaskInput(kind="inspection", title="Check lorry LT ABC123", location=MEDININKAI),
    )


def _org_unit() -> OrgUnit:
    return cast(OrgUnit, OrgUnitFactory())


def _feed(client, **params):
    response = client.get(reverse(FEED), params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_feed_shows_units_with_their_track_tail_shift_zone_and_latest_report(
    api_client_for, dispatcher, unit, zone
):
    now = timezone.now()
    Shift.objects.create(
        unit=unit, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7), zone=zone
    )
    reports = [_report(now - timedelta(minutes=20), 54.50, 25.50)]  # outside the tail window
    reports += [
        _report(now - timedelta(minutes=10 - i), 54.51 + i / 100, 25.51 + i / 100) for i in range(5)
    ]
    positions_ingest(unit=unit, device=None, reports=reports, source=PositionSource.BROWSER)

    feed = _feed(api_client_for(dispatcher))

    assert feed["changed"] is True
    [row] = feed["units"]
    assert row["call_sign"] == "MU-A1"
    assert row["status"] == "available"
    assert row["status_label"] == "Available"
    assert (row["lat"], row["lon"]) == pytest.approx((54.55, 25.55))
    assert row["zone"] == "Medininkai strip"
    assert row["last_reported_at"] is not None
    # The tail: the last 15 minutes only, oldest first, ending at the newest report.
    assert [tuple(point[:2]) for point in row["tail"]] == [
        pytest.approx((54.51 + i / 100, 25.51 + i / 100)) for i in range(5)
    ]
    assert row["tail"][-1][2] == int((now - timedelta(minutes=6)).timestamp())


def test_a_long_tail_is_thinned_to_at_most_thirty_points_keeping_the_newest(
    api_client_for, dispatcher, unit
):
    now = timezone.now()
    reports = [
        _report(now - timedelta(seconds=5 * i), 54.5 + i / 10_000, 25.5) for i in range(150)
    ]  # a report every 5 s for 12.5 minutes
    positions_ingest(unit=unit, device=None, reports=reports)

    [row] = _feed(api_client_for(dispatcher))["units"]

    assert 25 <= len(row["tail"]) <= TAIL_POINTS
    latitudes = [point[0] for point in row["tail"]]
    assert latitudes == sorted(latitudes, reverse=True)  # oldest (furthest north) first
    assert latitudes[-1] == pytest.approx(54.5)  # the newest report is the head


def test_tails_can_be_left_out_for_a_client_that_extends_its_own(api_client_for, dispatcher, unit):
    positions_ingest(unit=unit, device=None, reports=[_report(timezone.now(), 54.6, 25.4)])

    [row] = _feed(api_client_for(dispatcher), tails="0")["units"]

    assert row["tail"] is None
    assert (row["lat"], row["lon"]) == pytest.approx((54.6, 25.4))


def test_a_unit_without_a_position_is_listed_without_a_place(api_client_for, dispatcher, unit):
    [row] = _feed(api_client_for(dispatcher))["units"]

    assert (row["lat"], row["lon"], row["tail"], row["zone"]) == (None, None, [], None)
    assert row["last_reported_at"] is None


def test_the_feed_lists_new_and_open_tasks_most_urgent_first(
    api_client_for, dispatcher, officer, unit, task
):
    unit.last_position = MEDININKAI
    unit.save()
    assigned = task_create(
        actor=dispatcher,
        data=TaskInput(kind="patrol", title="Patrol the A4", priority=4, location=MEDININKAI),
    )
    task_transition(actor=dispatcher, task=assigned, target=TaskStatus.ASSIGNED, unit=unit)
    cancelled = task_create(
        actor=dispatcher, data=TaskInput(kind="other", title="Called off", location=MEDININKAI)
    )
    task_transition(actor=dispatcher, task=cancelled, target=TaskStatus.CANCELLED, note="Duplicate")

    tasks = {row["title"]: row for row in _feed(api_client_for(dispatcher))["tasks"]}

    assert list(tasks) == ["Patrol the A4", "Check lorry LT ABC123"]
    patrol = tasks["Patrol the A4"]
    assert (patrol["status"], patrol["status_label"], patrol["unit"]) == (
        "assigned",
        "Assigned",
        "MU-A1",
    )
    assert (patrol["priority"], patrol["priority_label"], patrol["kind_label"]) == (
        4,
        "Urgent",
        "Patrol",
    )
    assert (patrol["lat"], patrol["lon"]) == pytest.approx((54.5395, 25.6536))
    assert tasks["Check lorry LT ABC123"]["unit"] is None


def test_the_feed_shows_violations_of_the_last_day_with_their_page(
    api_client_for, analyst, violation_of_officer
):
    old = Violation.objects.create(
        reference="OLD-1",
        occurred_at=timezone.now() - timedelta(days=2),
        reported_by=violation_of_officer.reported_by,
        unit=violation_of_officer.unit,
        location=MEDININKAI,
        category=violation_of_officer.category,
    )

    violations = _feed(api_client_for(analyst))["violations"]

    assert [row["reference"] for row in violations] == [violation_of_officer.reference]
    [row] = violations
    assert row["url"] == reverse("cases:violation-detail", kwargs={"pk": violation_of_officer.pk})
    assert row["category"] == violation_of_officer.category.name_en
    assert (row["lat"], row["lon"]) == pytest.approx((54.5395, 25.6536))
    assert old.reference not in str(violations)


def test_the_feed_shows_active_zones_as_geojson_and_open_alerts(
    api_client_for, dispatcher, unit, zone
):
    now = timezone.now()
    PatrolZone.objects.create(name="Retired zone", area=ZONE_AREA, active=False)
    shift = Shift.objects.create(
        unit=unit, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1), zone=zone
    )
    alert = GeofenceAlert.objects.create(
        unit=unit,
        shift=shift,
        zone=zone,
        left_at=now,
        position=Point(25.9, 54.7, srid=4326),
        distance_m=1234.4,
    )
    GeofenceAlert.objects.create(
        unit=MobileUnit.objects.create(org_unit=_org_unit(), call_sign="MU-BACK"),
        shift=shift,
        zone=zone,
        left_at=now - timedelta(hours=1),
        position=Point(25.9, 54.7, srid=4326),
        distance_m=500,
        returned_at=now,
    )

    feed = _feed(api_client_for(dispatcher))

    [feature] = feed["zones"]["features"]
    assert feed["zones"]["type"] == "FeatureCollection"
    assert feature["properties"] == {
        "id": zone.pk,
        "name": "Medininkai strip",
        "description": "",
        "colour": "#dc2626",
        "active": True,
    }
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["geometry"]["coordinates"][0][0] == [25.45, 54.5]
    assert feed["alerts"] == [
        {
            "id": alert.pk,
            "unit_id": unit.pk,
            "unit": "MU-A1",
            "unit_label": "MU-A1 · Mobile Unit A",
            "zone": "Medininkai strip",
            "left_at": feed["alerts"][0]["left_at"],
            "distance_m": 1234,
            "lat": pytest.approx(54.7),
            "lon": pytest.approx(25.9),
            "acknowledged": False,
            "task_id": None,
        }
    ]


@pytest.mark.parametrize("role", ["officer", "administrator"])
def test_people_outside_the_operations_centre_get_no_feed(api_client_for, personas, role, task):
    response = api_client_for(personas[role]).get(reverse(FEED))

    assert response.status_code == 403
    assert response.json()["type"] == "permission_denied"
    assert "tasks" not in response.json()


def test_a_signed_out_visitor_gets_no_feed(api_client_for, task):
    response = api_client_for(None).get(reverse(FEED))

    assert response.status_code in (401, 403)
    assert "tasks" not in response.json()


def test_the_analyst_reads_the_same_picture(api_client_for, analyst, dispatcher, unit, task):
    assert _feed(api_client_for(analyst))["tasks"] == _feed(api_client_for(dispatcher))["tasks"]


def test_the_same_version_gets_a_short_unchanged_answer(
    api_client_for, dispatcher, unit, task, steady_clock
):
    client = api_client_for(dispatcher)
    version = _feed(client)["version"]

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(FEED), {"version": version})

    assert response.status_code == 200
    # Besides what every signed-in request costs (session, user, second factor,
    # permissions, the idle-timeout session write), one statement: the version.
    assert len(queries) <= 9
    assert len([q for q in queries if "dispatch_" in q["sql"]]) == 1
    assert response.json() == {"changed": False, "version": version}
    assert response["Cache-Control"] == "no-store"


def test_a_stale_or_bogus_version_gets_the_whole_picture(api_client_for, dispatcher, task):
    feed = _feed(api_client_for(dispatcher), version="not-a-version")

    assert feed["changed"] is True
    assert [row["title"] for row in feed["tasks"]] == ["Check lorry LT ABC123"]


def test_the_whole_picture_takes_a_fixed_number_of_queries_however_many_units(
    api_client_for, dispatcher, zone, violation_of_officer, django_assert_max_num_queries
):
    now = timezone.now()
    for index in range(6):
        mobile_unit = MobileUnit.objects.create(
            org_unit=_org_unit(), call_sign=f"MU-{index}", status=UnitStatus.AVAILABLE
        )
        Shift.objects.create(
            unit=mobile_unit, starts_at=now, ends_at=now + timedelta(hours=1), zone=zone
        )
        positions_ingest(
            unit=mobile_unit,
            device=None,
            reports=[_report(now - timedelta(seconds=s), 54.5, 25.5 + index / 10) for s in (1, 45)],
        )
        task_create(
            actor=dispatcher,
            data=TaskInput(kind="inspection", title=f"Task {index}", location=MEDININKAI),
        )
    client = api_client_for(dispatcher)

    # What every signed-in request costs (nine at most, see above), then the version,
    # units, tails, tasks, violations, zones and alerts: one query each.
    with django_assert_max_num_queries(9 + 7):
        feed = _feed(client)

    assert len(feed["units"]) == 6
    assert all(len(row["tail"]) == 2 for row in feed["units"])
    assert len(feed["tasks"]) == 6


def test_a_position_report_changes_the_version_and_moves_the_unit(api_client_for, dispatcher, unit):
    client = api_client_for(dispatcher)
    before = _feed(client)
    now = timezone.now()

    positions_ingest(unit=unit, device=None, reports=[_report(now, 54.6, 25.4, speed=52)])
    after = _feed(client, version=before["version"])

    assert after["changed"] is True
    assert after["version"] != before["version"]
    [row] = after["units"]
    assert (row["lat"], row["lon"], row["speed_kmh"]) == pytest.approx((54.6, 25.4, 52))


def test_an_assignment_changes_the_version_and_shows_the_unit_busy(
    api_client_for, dispatcher, unit, task
):
    client = api_client_for(dispatcher)
    before = _feed(client)

    response = client.post(
        reverse("api:task-transition", kwargs={"pk": task.pk}),
        {"status": "assigned", "unit": unit.pk, "expected_status": "new"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    after = _feed(client, version=before["version"])

    assert after["changed"] is True
    [row] = after["tasks"]
    assert (row["status"], row["unit"]) == ("assigned", "MU-A1")
    assert after["units"][0]["status"] == "busy"


def test_acknowledging_an_alert_changes_the_version(api_client_for, dispatcher, unit, zone):
    now = timezone.now()
    shift = Shift.objects.create(
        unit=unit, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1), zone=zone
    )
    alert = GeofenceAlert.objects.create(
        unit=unit, shift=shift, zone=zone, left_at=now, position=MEDININKAI, distance_m=800
    )
    client = api_client_for(dispatcher)
    before = _feed(client)

    response = client.post(reverse("api:alert-acknowledge", kwargs={"pk": alert.pk}))
    assert response.status_code == 200
    after = _feed(client, version=before["version"])

    assert after["changed"] is True
    assert after["alerts"][0]["acknowledged"] is True


def test_the_version_turns_with_the_clock_once_a_minute(unit, task):
    # Tails age and shifts start with time alone: the map gets the whole picture
    # again at least once a minute.
    moment = timezone.now().replace(second=5)

    assert live_version(now=moment) == live_version(now=moment + timedelta(seconds=50))
    assert live_version(now=moment) != live_version(now=moment + timedelta(seconds=60))


def test_the_dispatcher_gets_the_map_with_the_controls_to_create_and_assign(client_for, dispatcher):
    response = client_for(dispatcher).get(reverse("dispatch:live-map"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "data-new-task" in html
    assert "New task" in html
    assert "Create task" in html
    assert 'id="live-map"' in html
    assert reverse("api:reference-layers") in html
    config = response.context["live_config"]
    assert config["can"] == {"create": True, "assign": True, "acknowledge": True}
    assert config["urls"]["feed"] == reverse(FEED)


def test_the_analyst_gets_the_map_read_only(client_for, analyst):
    response = client_for(analyst).get(reverse("dispatch:live-map"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "data-new-task" not in html
    assert "Create task" not in html
    assert "Read-only" in html
    assert response.context["live_config"]["can"] == {
        "create": False,
        "assign": False,
        "acknowledge": False,
    }


def test_an_officer_may_not_open_the_live_map(client_for, officer):
    assert client_for(officer).get(reverse("dispatch:live-map")).status_code == 403


def test_opening_the_live_map_is_audited_once_and_its_polls_are_not(
    client_for, api_client_for, analyst, unit
):
    client_for(analyst).get(reverse("dispatch:live-map"))
    feed = api_client_for(analyst)
    version = _feed(feed)["version"]
    _feed(feed, version=version)

    record = AuditRecord.objects.get(object_type="dispatch.positionreport")
    assert (record.action, record.actor, record.object_repr) == ("view", analyst, "live map")


def test_a_refused_live_map_leaves_no_audit_record(client_for, officer):
    client_for(officer).get(reverse("dispatch:live-map"))

    assert not AuditRecord.objects.filter(object_type="dispatch.positionreport").exists()
