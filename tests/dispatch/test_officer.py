"""The officer's own unit: duty on and off (audited, refused while a task is open), the
phone's position through the browser (stored for the officer's own unit only, as
"browser"), and the violation logged at a task's place linked back to that task."""

import html
import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Violation, ViolationCategory
from cases.services.violations import ViolationInput, violation_create
from cases.signals import violation_logged
from dispatch.models import (
    MobileUnit,
    PatrolZone,
    PositionReport,
    PositionSource,
    Shift,
    Task,
    TaskStatus,
    UnitStatus,
)
from dispatch.services.tasks import (
    TaskInput,
    on_violation_logged,
    task_create,
    task_origin,
    task_transition,
    task_violation_link,
)
from dispatch.services.units import unit_duty_end, unit_duty_start
from portal.models import AuditRecord
from tests.factories import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

POSITIONS = reverse("api:my-unit-positions")
MY_UNIT_API = reverse("api:my-unit")
DUTY = reverse("dispatch:my-unit-duty")
NEW_VIOLATION = reverse("cases:violation-create")
MEDININKAI = Point(25.6536, 54.5395, srid=4326)


@pytest.fixture
def unit(unit_a):
    return MobileUnit.objects.create(
        org_unit=unit_a, call_sign="MU-A1", status=UnitStatus.AVAILABLE
    )


@pytest.fixture
def unit_b_mobile(unit_b):
    return MobileUnit.objects.create(
        org_unit=unit_b, call_sign="MU-B1", status=UnitStatus.AVAILABLE
    )


def report(seconds_ago: float = 0, lat: float = 54.5395, lon: float = 25.6536, **extra: Any):
    when = timezone.now() - timedelta(seconds=seconds_ago)
    return {"device_time": when.isoformat(), "latitude": lat, "longitude": lon, **extra}


def assigned_task(dispatcher, unit, title="Check lorry LT ABC123", location=MEDININKAI) -> Task:
    task = task_create(
        actor=dispatcher, data=TaskInput(kind="inspection", title=title, location=location)
    )
    return task_transition(actor=dispatcher, task=task, target=TaskStatus.ASSIGNED, unit=unit)


def on_scene_task(dispatcher, officer, unit) -> Task:
    task = assigned_task(dispatcher, unit)
    for target in (TaskStatus.ACKNOWLEDGED, TaskStatus.EN_ROUTE, TaskStatus.ON_SCENE):
        task = task_transition(actor=officer, task=task, target=target)
    return task


def unit_audits(unit: MobileUnit) -> list[AuditRecord]:
    return list(
        AuditRecord.objects.filter(object_type="dispatch.mobileunit", object_id=str(unit.pk))
    )


# --- positions from the browser ----------------------------------------------------------


def test_the_officers_phone_reports_positions_for_their_unit_as_browser(
    officer, unit, api_client_for
):
    response = api_client_for(officer).post(
        POSITIONS,
        {
            "reports": [
                report(20, lat=54.50, accuracy_m=12.5),
                report(5, lat=54.53, accuracy_m=8, speed_kmh=54, heading_deg=90),
            ]
        },
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {"accepted": 2, "duplicates": 0, "rejected": []}
    stored = list(PositionReport.objects.filter(unit=unit).order_by("device_time"))
    assert [r.source for r in stored] == [PositionSource.BROWSER, PositionSource.BROWSER]
    assert all(r.device_id is None for r in stored)
    assert stored[1].speed_kmh == 54
    unit.refresh_from_db()
    assert unit.last_position.y == pytest.approx(54.53)
    assert unit.last_accuracy_m == 8


def test_a_phone_with_a_fast_clock_has_its_report_times_corrected(officer, unit, api_client_for):
    fast = timedelta(minutes=10)  # beyond the two minutes a device may run ahead
    phone_now = timezone.now() + fast
    batch = [report(-fast.total_seconds() + 20), report(-fast.total_seconds() + 5)]

    refused = api_client_for(officer).post(POSITIONS, {"reports": batch}, format="json")
    corrected = api_client_for(officer).post(
        POSITIONS,
        {"reports": batch, "client_time": phone_now.isoformat()},
        format="json",
    )

    assert refused.json()["accepted"] == 0
    assert "device_time" in refused.json()["rejected"][0]["errors"]
    assert corrected.json() == {"accepted": 2, "duplicates": 0, "rejected": []}
    times = list(
        PositionReport.objects.filter(unit=unit)
        .order_by("device_time")
        .values_list("device_time", flat=True)
    )
    # Twenty and five seconds before the phone sent them, on the server's clock.
    assert timezone.now() - timedelta(seconds=30) < times[0] < times[1] <= timezone.now()
    assert (times[1] - times[0]).total_seconds() == pytest.approx(15, abs=0.01)


@pytest.mark.parametrize("client_time", ["yesterday", "2026-13-45T00:00:00Z", 42, None])
def test_an_unreadable_phone_clock_is_ignored(officer, unit, api_client_for, client_time):
    response = api_client_for(officer).post(
        POSITIONS, {"reports": [report(5)], "client_time": client_time}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["accepted"] == 1


def test_a_phone_clock_out_of_the_calendar_refuses_the_report_not_the_request(
    officer, unit, api_client_for
):
    # Found by the probe: a phone in the year 6273 sending a report of the year 335.
    far = {"reports": [report(5, device_time="0335-08-07T13:48:59+10:06")]}

    response = api_client_for(officer).post(
        POSITIONS, {**far, "client_time": "6273-07-02T17:53:04-09:31"}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == 0
    assert "device_time" in body["rejected"][0]["errors"]


def test_a_resent_batch_is_stored_once(officer, unit, api_client_for):
    client = api_client_for(officer)
    batch = {"reports": [report(10), report(5)]}
    client.post(POSITIONS, batch, format="json")

    again = client.post(POSITIONS, batch, format="json")

    assert again.json() == {"accepted": 0, "duplicates": 2, "rejected": []}
    assert PositionReport.objects.filter(unit=unit).count() == 2


def test_an_officer_of_another_unit_reports_only_for_their_own(
    officer_b, unit, unit_b_mobile, api_client_for
):
    response = api_client_for(officer_b).post(
        POSITIONS, {"reports": [report(3)], "unit": unit.pk}, format="json"
    )

    assert response.status_code == 200
    assert not PositionReport.objects.filter(unit=unit).exists()
    assert PositionReport.objects.filter(unit=unit_b_mobile).count() == 1
    unit.refresh_from_db()
    assert unit.last_position is None


def test_an_officer_outside_any_mobile_unit_is_refused(unit, api_client_for):
    desk_officer = UserFactory(
        username="desk", org_unit=OrgUnitFactory(code="post"), roles=["officer"]
    )

    response = api_client_for(desk_officer).post(POSITIONS, {"reports": [report(3)]}, format="json")

    assert response.status_code == 403
    assert response.json()["detail"] == "You do not serve in a mobile unit."
    assert not PositionReport.objects.exists()


@pytest.mark.parametrize("role", ["dispatcher", "analyst", "administrator"])
def test_people_who_do_not_serve_in_a_unit_cannot_report(role, personas, unit, api_client_for):
    response = api_client_for(personas[role]).post(
        POSITIONS, {"reports": [report(3)]}, format="json"
    )

    assert response.status_code == 403
    assert not PositionReport.objects.exists()


def test_positions_are_refused_while_the_unit_is_off_duty(officer, unit, api_client_for):
    MobileUnit.objects.filter(pk=unit.pk).update(status=UnitStatus.OFF_DUTY)

    response = api_client_for(officer).post(POSITIONS, {"reports": [report(3)]}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["unit"] == [
        "Start duty first: positions are shared only while on duty."
    ]
    assert not PositionReport.objects.exists()


def test_bad_reports_are_listed_and_the_good_ones_kept(officer, unit, api_client_for):
    response = api_client_for(officer).post(
        POSITIONS,
        {"reports": [report(3), {"device_time": "yesterday", "latitude": 91, "longitude": 25}]},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == 1
    assert body["rejected"][0]["index"] == 1
    assert set(body["rejected"][0]["errors"]) == {"device_time", "latitude"}
    assert PositionReport.objects.filter(unit=unit).count() == 1


def test_an_impossible_time_from_the_phone_rejects_that_report_only(officer, unit, api_client_for):
    response = api_client_for(officer).post(
        POSITIONS,
        {"reports": [{**report(3), "device_time": "2026-13-45T00:00:00Z"}, report(2)]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["accepted"] == 1
    assert set(response.json()["rejected"][0]["errors"]) == {"device_time"}


@pytest.mark.parametrize("payload", [{}, {"reports": []}, {"reports": "54.5,25.6"}, []])
def test_a_batch_without_reports_is_refused_clearly(officer, unit, api_client_for, payload):
    response = api_client_for(officer).post(POSITIONS, payload, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["reports"] == ["Send a non-empty list of reports."]
    assert not PositionReport.objects.exists()


# --- the unit's state over the API --------------------------------------------------------


def test_my_unit_api_gives_the_current_shift_and_its_zone(officer, unit, api_client_for):
    zone = PatrolZone.objects.create(
        name="Medininkai sector",
        colour="#137a3f",
        area=Polygon(
            ((25.5, 54.5), (25.7, 54.5), (25.7, 54.6), (25.5, 54.6), (25.5, 54.5)), srid=4326
        ),
    )
    now = timezone.now()
    Shift.objects.create(
        unit=unit, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7), zone=zone
    )

    body = api_client_for(officer).get(MY_UNIT_API).json()

    assert body["call_sign"] == "MU-A1"
    assert body["status"] == "available"
    assert body["shift"]["zone"]["name"] == "Medininkai sector"
    assert body["shift"]["zone"]["area"]["type"] == "Polygon"
    assert body["next_shift"] is None


# --- duty ---------------------------------------------------------------------------------


def test_starting_duty_makes_the_unit_available_and_is_audited(officer, unit):
    MobileUnit.objects.filter(pk=unit.pk).update(status=UnitStatus.OFF_DUTY)
    unit.refresh_from_db()

    unit_duty_start(actor=officer, unit=unit)

    unit.refresh_from_db()
    assert unit.status == UnitStatus.AVAILABLE
    assert unit.status_changed_at is not None
    [record] = unit_audits(unit)
    assert record.actor == officer
    assert record.changes == {"status": ["off_duty", "available"]}


def test_ending_duty_makes_the_unit_off_duty_and_is_audited(officer, unit):
    unit_duty_end(actor=officer, unit=unit)

    unit.refresh_from_db()
    assert unit.status == UnitStatus.OFF_DUTY
    assert unit_audits(unit)[0].changes == {"status": ["available", "off_duty"]}


def test_duty_cannot_end_while_a_task_is_open(officer, dispatcher, unit):
    assigned_task(dispatcher, unit)
    unit.refresh_from_db()

    with pytest.raises(ValidationError, match="while a task is open"):
        unit_duty_end(actor=officer, unit=unit)

    unit.refresh_from_db()
    assert unit.status == UnitStatus.BUSY
    assert not unit_audits(unit)


def test_a_unit_out_of_service_is_put_back_by_the_operations_centre(officer, unit):
    MobileUnit.objects.filter(pk=unit.pk).update(status=UnitStatus.OUT_OF_SERVICE)
    unit.refresh_from_db()

    with pytest.raises(ValidationError, match="out of service"):
        unit_duty_start(actor=officer, unit=unit)
    with pytest.raises(ValidationError, match="out of service"):
        unit_duty_end(actor=officer, unit=unit)

    unit.refresh_from_db()
    assert unit.status == UnitStatus.OUT_OF_SERVICE


def test_starting_twice_changes_nothing_the_second_time(officer, unit):
    unit_duty_start(actor=officer, unit=unit)  # already available

    unit.refresh_from_db()
    assert unit.status == UnitStatus.AVAILABLE
    assert not unit_audits(unit)


def test_an_officer_of_another_unit_cannot_change_its_duty(officer_b, unit):
    with pytest.raises(PermissionDenied):
        unit_duty_end(actor=officer_b, unit=unit)

    unit.refresh_from_db()
    assert unit.status == UnitStatus.AVAILABLE


def test_the_duty_buttons_work_through_the_page(officer, unit, client_for):
    client = client_for(officer)

    ended = client.post(DUTY, {"action": "end"}, follow=True)

    unit.refresh_from_db()
    assert unit.status == UnitStatus.OFF_DUTY
    # The unit by its one name: call sign · organisational unit.
    assert re.search(r"Duty ended: MU-A1 · [^<]+ is off duty\.", ended.content.decode())
    client.post(DUTY, {"action": "start"})
    unit.refresh_from_db()
    assert unit.status == UnitStatus.AVAILABLE


def test_the_page_says_why_duty_does_not_end_with_an_open_task(
    officer, dispatcher, unit, client_for
):
    assigned_task(dispatcher, unit)

    response = client_for(officer).post(DUTY, {"action": "end"}, follow=True)

    assert response.status_code == 200
    assert "You cannot end duty while a task is open" in html.unescape(response.content.decode())
    unit.refresh_from_db()
    assert unit.status == UnitStatus.BUSY


def test_an_unknown_duty_action_changes_nothing(officer, unit, client_for):
    response = client_for(officer).post(DUTY, {"action": "holiday"}, follow=True)

    assert "Choose to start or to end duty." in response.content.decode()
    unit.refresh_from_db()
    assert unit.status == UnitStatus.AVAILABLE


# --- a violation logged at the task's place ------------------------------------------------


def violation_by(user) -> Violation:
    violation, _created = violation_create(
        actor=user,
        data=ViolationInput(
            occurred_at=timezone.now() - timedelta(minutes=5),
            category=ViolationCategory.objects.get(code="other"),
            location=MEDININKAI,
            location_source="map",
        ),
    )
    return violation


def test_the_violation_form_opened_from_a_task_links_the_new_violation_to_it(
    officer, dispatcher, unit, client_for
):
    task = on_scene_task(dispatcher, officer, unit)
    client = client_for(officer)

    response = client.post(
        f"{NEW_VIOLATION}?lat=54.5395&lon=25.6536&origin={task_origin(task)}",
        {
            "category": "other",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "client_key": str(uuid.uuid4()),
            "latitude": "54.5395",
            "longitude": "25.6536",
            "location_source": "map",
            "coordinate_system": "dd",
            "origin": task_origin(task),
        },
    )

    assert response.status_code == 302
    violation = Violation.objects.get(reported_by=officer)
    task.refresh_from_db()
    assert task.violation == violation
    record = (
        AuditRecord.objects.filter(object_type="dispatch.task", object_id=str(task.pk))
        .order_by("-id")
        .first()
    )
    assert record is not None
    assert record.actor == officer
    assert record.changes == {"violation": [None, violation.reference]}


VIOLATIONS_API = reverse("api:violation-list")


def violation_from_a_device(origin: str) -> dict[str, Any]:
    """What a unit device sends when the officer logs a violation from a task."""
    return {
        "client_key": str(uuid.uuid4()),
        "occurred_at": (timezone.now() - timedelta(minutes=2)).isoformat(),
        "category": "other",
        "latitude": 54.5395,
        "longitude": 25.6536,
        "origin": origin,
    }


def test_a_violation_sent_through_the_api_from_a_task_is_linked_to_it(
    officer, dispatcher, unit, api_client_for
):
    task = on_scene_task(dispatcher, officer, unit)

    response = api_client_for(officer).post(
        VIOLATIONS_API, violation_from_a_device(task_origin(task)), format="json"
    )

    assert response.status_code == 201
    violation = Violation.objects.get(pk=response.json()["id"])
    task.refresh_from_db()
    assert task.violation == violation
    record = (
        AuditRecord.objects.filter(object_type="dispatch.task", object_id=str(task.pk))
        .order_by("-id")
        .first()
    )
    assert record is not None
    assert record.actor == officer
    assert record.changes == {"violation": [None, violation.reference]}


def test_a_violation_resent_through_the_api_links_the_task_once(
    officer, dispatcher, unit, api_client_for
):
    task = on_scene_task(dispatcher, officer, unit)
    payload = violation_from_a_device(task_origin(task))
    client = api_client_for(officer)

    first = client.post(VIOLATIONS_API, payload, format="json")
    again = client.post(VIOLATIONS_API, payload, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    task.refresh_from_db()
    assert task.violation_id == first.json()["id"]
    links = AuditRecord.objects.filter(
        object_type="dispatch.task",
        object_id=str(task.pk),
        action="update",
        changes__has_key="violation",
    )
    assert links.count() == 1


def test_an_api_violation_naming_another_units_task_is_saved_but_links_nothing(
    officer, officer_b, dispatcher, unit, api_client_for
):
    task = on_scene_task(dispatcher, officer, unit)

    response = api_client_for(officer_b).post(
        VIOLATIONS_API, violation_from_a_device(task_origin(task)), format="json"
    )

    assert response.status_code == 201
    assert Violation.objects.filter(pk=response.json()["id"], reported_by=officer_b).exists()
    task.refresh_from_db()
    assert task.violation is None
    assert not AuditRecord.objects.filter(
        object_type="dispatch.task",
        object_id=str(task.pk),
        action="update",
        changes__has_key="violation",
    ).exists()


def test_the_api_refuses_a_malformed_origin_and_saves_nothing(
    officer, dispatcher, unit, api_client_for
):
    on_scene_task(dispatcher, officer, unit)

    response = api_client_for(officer).post(
        VIOLATIONS_API, violation_from_a_device("dispatch.task:DROP TABLE"), format="json"
    )

    assert response.status_code == 400
    assert "origin" in response.json()["errors"]
    assert not Violation.objects.exists()


def test_the_service_refuses_a_malformed_origin(officer):
    with pytest.raises(ValidationError) as refused:
        violation_create(
            actor=officer,
            data=ViolationInput(
                occurred_at=timezone.now(),
                category=ViolationCategory.objects.get(code="other"),
                origin="junk",
            ),
        )

    assert refused.value.message_dict == {"origin": ["The origin of the entry is not valid."]}
    assert not Violation.objects.exists()


def test_the_signal_links_nothing_for_an_officer_of_another_unit(
    officer, officer_b, dispatcher, unit
):
    task = on_scene_task(dispatcher, officer, unit)
    foreign = violation_by(officer_b)

    violation_logged.send(
        sender=Violation, violation=foreign, actor=officer_b, origin=task_origin(task)
    )

    task.refresh_from_db()
    assert task.violation is None
    with pytest.raises(PermissionDenied):
        task_violation_link(actor=officer_b, task=task, violation=foreign)


def test_only_the_officers_own_violation_is_linked(officer, dispatcher, unit):
    task = on_scene_task(dispatcher, officer, unit)
    colleague = UserFactory(username="officer_a2", org_unit=officer.org_unit, roles=["officer"])
    theirs = violation_by(colleague)

    with pytest.raises(PermissionDenied):
        task_violation_link(actor=officer, task=task, violation=theirs)

    task.refresh_from_db()
    assert task.violation is None


@pytest.mark.parametrize("origin", ["", "cases.violation:1", "dispatch.task:999999", "junk"])
def test_origins_that_are_not_one_of_our_tasks_change_nothing(officer, dispatcher, unit, origin):
    task = on_scene_task(dispatcher, officer, unit)
    before = AuditRecord.objects.count()

    on_violation_logged(
        sender=Violation, violation=violation_by(officer), actor=officer, origin=origin
    )

    task.refresh_from_db()
    assert task.violation is None
    assert AuditRecord.objects.count() == before + 1  # the violation's own record only


def test_a_task_keeps_its_first_violation_and_a_repeat_is_harmless(officer, dispatcher, unit):
    task = on_scene_task(dispatcher, officer, unit)
    first, second = violation_by(officer), violation_by(officer)

    assert task_violation_link(actor=officer, task=task, violation=first) is True
    assert task_violation_link(actor=officer, task=task, violation=first) is False
    assert task_violation_link(actor=officer, task=task, violation=second) is False

    task.refresh_from_db()
    assert task.violation == first


def test_a_cancelled_task_takes_no_violation(officer, dispatcher, unit):
    task = assigned_task(dispatcher, unit)
    task = task_transition(
        actor=dispatcher, task=task, target=TaskStatus.CANCELLED, note="Called off"
    )

    on_violation_logged(
        sender=Violation, violation=violation_by(officer), actor=officer, origin=task_origin(task)
    )

    task.refresh_from_db()
    assert task.violation is None


def test_linking_a_violation_to_a_cancelled_task_says_why_not(officer, dispatcher, unit):
    from django.core.exceptions import ValidationError

    from dispatch.services.tasks import task_violation_link

    task = task_transition(
        actor=dispatcher,
        task=assigned_task(dispatcher, unit),
        target=TaskStatus.CANCELLED,
        note="Called off",
    )

    with pytest.raises(ValidationError) as refused:
        task_violation_link(actor=officer, task=task, violation=violation_by(officer))

    assert refused.value.messages == ["A violation cannot be linked to a new or cancelled task."]
    task.refresh_from_db()
    assert task.violation is None


def test_the_violation_form_is_prefilled_with_the_tasks_place(officer, unit, client_for):
    response = client_for(officer).get(
        NEW_VIOLATION,
        {
            "lat": "54.5395",
            "lon": "25.6536",
            "origin": "dispatch.task:42",
            "back": "/dispatch/my-tasks/#task-42",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="latitude" value="54.5395"' in page
    assert 'name="longitude" value="25.6536"' in page
    assert 'name="location_source" value="map"' in page
    assert 'name="origin" value="dispatch.task:42"' in page
    assert 'href="/dispatch/my-tasks/#task-42" data-back-link' in page


@pytest.mark.parametrize(
    "query",
    [
        {
            "lat": "north",
            "lon": "25.6",
            "origin": "javascript:alert(1)",
            "back": "https://evil.example/",
        },
        {"lat": "95", "lon": "25.6", "origin": "dispatch.task:1 OR 1=1", "back": "//evil.example/"},
    ],
)
def test_a_prefill_that_does_not_fit_is_left_out(officer, unit, client_for, query):
    response = client_for(officer).get(NEW_VIOLATION, query)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="latitude" value' not in page
    assert 'name="origin" value' not in page
    assert 'href="https://evil' not in page
    assert 'href="//evil' not in page
    assert "data-back-link" not in page


def test_a_boolean_latitude_from_the_phone_rejects_that_report_only(officer, unit, api_client_for):
    response = api_client_for(officer).post(
        POSITIONS, {"reports": [report(3), {**report(2), "latitude": True}]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["accepted"] == 1
    assert response.json()["rejected"] == [
        {"index": 1, "errors": {"latitude": "Give a number, not true or false."}}
    ]
    assert PositionReport.objects.filter(unit=unit).count() == 1
