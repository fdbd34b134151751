"""The task API: the operations centre creates and assigns, the unit moves its task
along, everyone sees only what they need to."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dispatch.models import MobileUnit, Task, TaskStatus, UnitStatus
from dispatch.services.tasks import TaskInput, task_create
from portal.models import AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(unit_a):
    return MobileUnit.objects.create(
        org_unit=unit_a,
        call_sign="MU-A1",
        status=UnitStatus.AVAILABLE,
        last_position=Point(25.60, 54.55, srid=4326),
    )


@pytest.fixture
def other_unit(unit_b):
    return MobileUnit.objects.create(
        org_unit=unit_b,
        call_sign="MU-B1",
        status=UnitStatus.AVAILABLE,
        last_position=Point(25.30, 54.70, srid=4326),
    )


def _create(client, **extra):
    body = {
        "kind": "inspection",
        "priority": 3,
        "title": "Check lorry LT ABC123",
        "latitude": 54.5395,
        "longitude": 25.6536,
        **extra,
    }
    return client.post(reverse("api:task-list"), body, format="json")


def test_a_dispatcher_creates_a_task_and_it_is_audited(api_client_for, dispatcher):
    response = _create(api_client_for(dispatcher), description="Tip from the border post")

    assert response.status_code == 201, response.json()
    task = Task.objects.get(pk=response.json()["id"])
    assert task.location is not None
    assert (task.status, task.priority, task.location.x) == ("new", 3, 25.6536)
    assert response.json()["status_label"] == "New"
    assert AuditRecord.objects.filter(object_id=str(task.pk), action="create").exists()


def test_a_task_placed_by_area_gets_its_centroid_as_location(api_client_for, dispatcher):
    area = {
        "type": "Polygon",
        "coordinates": [[[25.0, 54.0], [25.2, 54.0], [25.2, 54.2], [25.0, 54.2], [25.0, 54.0]]],
    }
    response = api_client_for(dispatcher).post(
        reverse("api:task-list"),
        {"kind": "patrol", "title": "Patrol the forest road", "area": area},
        format="json",
    )

    assert response.status_code == 201, response.json()
    task = Task.objects.get(pk=response.json()["id"])
    assert task.area is not None
    assert task.location is not None
    assert round(task.location.x, 3) == 25.1
    assert response.json()["area"]["type"] == "Polygon"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"latitude": 95}, "latitude"),
        ({"latitude": True}, "latitude"),
        ({"longitude": False}, "longitude"),
        ({"latitude": None}, "latitude"),
        ({"area": {"type": "Point", "coordinates": [25, 54]}}, "area"),
        (
            {
                "window_start": "2026-11-23T12:00:00Z",
                "window_end": "2026-11-23T10:00:00Z",
            },
            "window_end",
        ),
        ({"violation": 999999}, "violation"),
    ],
)
def test_bad_task_input_names_the_field_and_creates_nothing(
    api_client_for, dispatcher, extra, field
):
    # None leaves the key out: a task with a latitude and no longitude.
    body = {"kind": "inspection", "title": "Check", "latitude": 54.5, "longitude": 25.6, **extra}
    body = {key: value for key, value in body.items() if value is not None}
    response = api_client_for(dispatcher).post(reverse("api:task-list"), body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not Task.objects.exists()


def test_an_officer_may_not_create_tasks(api_client_for, officer):
    response = _create(api_client_for(officer))

    assert response.status_code == 403
    assert not Task.objects.exists()


def test_assign_then_the_unit_moves_the_task_along(api_client_for, dispatcher, officer, unit):
    task_id = _create(api_client_for(dispatcher)).json()["id"]
    url = reverse("api:task-transition", kwargs={"pk": task_id})

    assigned = api_client_for(dispatcher).post(
        url, {"status": "assigned", "unit": unit.pk, "expected_status": "new"}, format="json"
    )
    acknowledged = api_client_for(officer).post(url, {"status": "acknowledged"}, format="json")

    assert assigned.status_code == 200, assigned.json()
    assert assigned.json()["unit"] == "MU-A1"
    assert acknowledged.status_code == 200, acknowledged.json()
    assert [e["to_status"] for e in acknowledged.json()["events"]] == ["assigned", "acknowledged"]
    unit.refresh_from_db()
    assert unit.status == UnitStatus.BUSY


def test_an_illegal_move_is_refused_with_a_message(api_client_for, dispatcher, officer, unit):
    task_id = _create(api_client_for(dispatcher)).json()["id"]
    url = reverse("api:task-transition", kwargs={"pk": task_id})
    api_client_for(dispatcher).post(url, {"status": "assigned", "unit": unit.pk}, format="json")

    response = api_client_for(officer).post(url, {"status": "completed"}, format="json")

    assert response.status_code == 400
    assert "status" in response.json()["errors"]
    assert Task.objects.get(pk=task_id).status == TaskStatus.ASSIGNED


def test_a_stale_screen_does_not_move_a_task(api_client_for, dispatcher, unit, other_unit):
    task_id = _create(api_client_for(dispatcher)).json()["id"]
    url = reverse("api:task-transition", kwargs={"pk": task_id})
    api_client_for(dispatcher).post(url, {"status": "assigned", "unit": unit.pk}, format="json")

    # A second dispatcher still sees the task as new and assigns another unit.
    response = api_client_for(dispatcher).post(
        url, {"status": "assigned", "unit": other_unit.pk, "expected_status": "new"}, format="json"
    )

    assert response.status_code == 400
    assert Task.objects.get(pk=task_id).unit == unit


def test_officers_see_only_their_own_units_tasks(
    api_client_for, dispatcher, officer, officer_b, unit, other_unit
):
    client = api_client_for(dispatcher)
    mine = _create(client, title="For A").json()["id"]
    theirs = _create(client, title="For B").json()["id"]
    for task_id, target in ((mine, unit), (theirs, other_unit)):
        client.post(
            reverse("api:task-transition", kwargs={"pk": task_id}),
            {"status": "assigned", "unit": target.pk},
            format="json",
        )

    listed = api_client_for(officer).get(reverse("api:task-list"), {"open": "true"}).json()
    other = api_client_for(officer).get(reverse("api:task-detail", kwargs={"pk": theirs}))
    move = api_client_for(officer_b).post(
        reverse("api:task-transition", kwargs={"pk": mine}),
        {"status": "acknowledged"},
        format="json",
    )

    assert [t["title"] for t in listed["results"]] == ["For A"]
    assert other.status_code == 404
    assert move.status_code == 404
    assert Task.objects.get(pk=mine).status == TaskStatus.ASSIGNED


def test_polling_with_changed_since_returns_only_changed_tasks(api_client_for, dispatcher):
    client = api_client_for(dispatcher)
    _create(client, title="Old")
    Task.objects.update(updated_at=timezone.now() - timedelta(minutes=5))
    cursor = (timezone.now() - timedelta(minutes=1)).isoformat()
    _create(client, title="Fresh")

    listed = client.get(reverse("api:task-list"), {"changed_since": cursor}).json()

    assert [t["title"] for t in listed["results"]] == ["Fresh"]


def test_recommendations_list_available_units_nearest_first(
    api_client_for, dispatcher, unit, other_unit
):
    task_id = _create(api_client_for(dispatcher)).json()["id"]
    MobileUnit.objects.filter(pk=other_unit.pk).update(status=UnitStatus.OFF_DUTY)

    response = api_client_for(dispatcher).get(
        reverse("api:task-recommendations", kwargs={"pk": task_id})
    )

    assert response.status_code == 200
    assert [r["call_sign"] for r in response.json()] == ["MU-A1"]
    assert 3_500 < response.json()[0]["distance_m"] < 3_800  # 3.6 km on the spheroid


def _assigned(client, unit, **extra):
    task_id = _create(client, **extra).json()["id"]
    client.post(
        reverse("api:task-transition", kwargs={"pk": task_id}),
        {"status": "assigned", "unit": unit.pk},
        format="json",
    )
    return task_id


def _violation_of(user):
    from cases.models import ViolationCategory
    from cases.services.violations import ViolationInput, violation_create

    violation, _created = violation_create(
        actor=user,
        data=ViolationInput(
            occurred_at=timezone.now() - timedelta(minutes=5),
            category=ViolationCategory.objects.get(code="other"),
            location=Point(25.6536, 54.5395, srid=4326),
            location_source="map",
        ),
    )
    return violation


def test_the_linked_violation_is_named_only_to_those_who_may_open_it(
    api_client_for, dispatcher, officer, officer_b, unit
):
    foreign = _violation_of(officer_b)
    task_id = _assigned(api_client_for(dispatcher), unit, violation=foreign.pk)
    detail = reverse("api:task-detail", kwargs={"pk": task_id})

    as_officer = api_client_for(officer).get(detail).json()
    listed = api_client_for(officer).get(reverse("api:task-list")).json()["results"]
    as_dispatcher = api_client_for(dispatcher).get(detail).json()

    assert (as_officer["violation"], as_officer["violation_reference"]) == (None, None)
    assert (listed[0]["violation"], listed[0]["violation_reference"]) == (None, None)
    assert foreign.reference not in str(listed)
    assert as_dispatcher["violation"] == foreign.pk
    assert as_dispatcher["violation_reference"] == foreign.reference


def test_cancelling_without_a_reason_is_refused_and_changes_nothing(
    api_client_for, dispatcher, unit
):
    client = api_client_for(dispatcher)
    task_id = _assigned(client, unit)
    url = reverse("api:task-transition", kwargs={"pk": task_id})

    refused = client.post(url, {"status": "cancelled", "note": " "}, format="json")
    cancelled = client.post(url, {"status": "cancelled", "note": "Duplicate"}, format="json")

    assert refused.status_code == 400
    assert refused.json()["errors"] == {"note": ["Give the reason for cancelling."]}
    assert cancelled.status_code == 200, cancelled.json()
    assert cancelled.json()["events"][-1]["note"] == "Duplicate"
    assert Task.objects.get(pk=task_id).status == TaskStatus.CANCELLED


def _area(ring):
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.mark.parametrize(
    ("area", "message"),
    [
        # Two corners and no closing one: GEOS cannot make a ring of it.
        (_area([[25.0, 54.0], [25.2, 54.0]]), "at least three corners"),
        (_area([[25.0, 54.0], [25.2, 540.0], [25.2, 54.2], [25.0, 54.0]]), "off the globe"),
        (_area([[25.0, 54.0], [25.2, 54.2], [25.2, 54.0], [25.0, 54.2]]), "crosses itself"),
        (_area([[25.0, 54.0], [25.00001, 54.0], [25.00001, 54.00001]]), "smaller than 100 m²"),
        (_area([[25.0, 54.0], ["east", 54.0], [25.2, 54.2]]), "not valid"),
        ({"type": "Polygon", "coordinates": 5}, "three corners"),
        ("[" * 5000, "not readable"),
    ],
)
def test_a_task_area_that_is_not_a_sensible_outline_is_refused(
    api_client_for, dispatcher, area, message
):
    response = api_client_for(dispatcher).post(
        reverse("api:task-list"),
        {"kind": "patrol", "title": "Patrol the forest road", "area": area},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()["errors"]["area"])
    assert not Task.objects.exists()


def test_an_open_ring_is_closed_for_the_dispatcher(api_client_for, dispatcher):
    ring = [[25.0, 54.0], [25.2, 54.0], [25.2, 54.2], [25.0, 54.2]]

    response = api_client_for(dispatcher).post(
        reverse("api:task-list"),
        {"kind": "patrol", "title": "Patrol the forest road", "area": _area(ring)},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["area"]["coordinates"][0][-1] == [25.0, 54.0]


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:10", "0001-01-01T00:10:00Z", "9999-12-31T23:59:59+05:00"]
)
def test_a_task_window_outside_the_supported_years_is_refused(api_client_for, dispatcher, moment):
    response = _create(api_client_for(dispatcher), window_start=moment)

    assert response.status_code == 400
    assert response.json()["errors"]["window_start"] == [
        "Give a date between the years 2000 and 2100."
    ]
    assert not Task.objects.exists()


def test_polling_from_year_one_is_refused_clearly(api_client_for, dispatcher):
    response = api_client_for(dispatcher).get(
        reverse("api:task-list"), {"changed_since": "0001-01-01T00:00"}
    )

    assert response.status_code == 400
    assert "changed_since" in response.json()["errors"]


def test_the_task_list_of_an_unknown_unit_is_refused(api_client_for, dispatcher, unit):
    client = api_client_for(dispatcher)
    _assigned(client, unit)

    response = client.get(reverse("api:task-list"), {"unit": 999999})

    assert response.status_code == 400
    assert response.json()["errors"] == {"unit": ["No such unit."]}


def test_the_task_list_of_a_unit_lists_its_tasks_only(api_client_for, dispatcher, unit):
    client = api_client_for(dispatcher)
    _assigned(client, unit, title="For A")
    _create(client, title="Not assigned")

    listed = client.get(reverse("api:task-list"), {"unit": unit.pk}).json()["results"]

    assert [task["title"] for task in listed] == ["For A"]


def test_the_task_history_costs_the_same_queries_however_long(
    api_client_for, dispatcher, officer, unit, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_client_for(dispatcher)
    short = _assigned(client, unit)
    long = _assigned(client, unit)
    for target in ("acknowledged", "en_route", "on_scene"):
        api_client_for(officer).post(
            reverse("api:task-transition", kwargs={"pk": long}), {"status": target}, format="json"
        )

    with CaptureQueriesContext(connection) as one_event:
        client.get(reverse("api:task-detail", kwargs={"pk": short}))
    with CaptureQueriesContext(connection) as four_events:
        response = client.get(reverse("api:task-detail", kwargs={"pk": long}))

    assert [event["by"] for event in response.json()["events"]] == [
        dispatcher.get_full_name(),
        *[officer.get_full_name()] * 3,
    ]
    assert len(four_events) == len(one_event)


def test_a_json_body_nested_beyond_reason_is_a_parse_error(api_client_for, dispatcher):
    response = api_client_for(dispatcher).generic(
        "POST", reverse("api:task-list"), "[" * 100_000, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "type": "parse_error",
        "detail": "The JSON body is nested too deeply.",
    }
    assert not Task.objects.exists()


def test_an_officer_may_not_reassign_their_task_and_is_told_so(
    api_client_for, dispatcher, officer, unit, other_unit
):
    task_id = _assigned(api_client_for(dispatcher), unit)

    response = api_client_for(officer).post(
        reverse("api:task-transition", kwargs={"pk": task_id}),
        {"status": "assigned", "unit": other_unit.pk},
        format="json",
    )

    assert response.status_code == 403
    assert response.json() == {
        "type": "permission_denied",
        "detail": "You may not make this change of status.",
    }
    assert Task.objects.get(pk=task_id).unit == unit


def test_the_refusal_to_create_keeps_the_one_error_shape(api_client_for, officer):
    response = _create(api_client_for(officer))

    assert response.json() == {"type": "permission_denied", "detail": "You may not create tasks."}


def test_each_task_tells_its_response_times_once_reached(api_client_for, dispatcher, unit):
    client = api_client_for(dispatcher)
    answered = _assigned(client, unit, title="Answered")
    _assigned(client, unit, title="Waiting")
    sent = timezone.now() - timedelta(hours=1)
    Task.objects.filter(pk=answered).update(
        assigned_at=sent,
        acknowledged_at=sent + timedelta(seconds=95),
        en_route_at=sent + timedelta(seconds=120),
        on_scene_at=sent + timedelta(seconds=750),
    )

    detail = client.get(reverse("api:task-detail", kwargs={"pk": answered})).json()
    listed = {t["title"]: t for t in client.get(reverse("api:task-list")).json()["results"]}

    assert (detail["seconds_to_acknowledge"], detail["seconds_to_arrive"]) == (95.0, 750.0)
    assert listed["Answered"]["seconds_to_arrive"] == 750.0
    assert listed["Waiting"]["seconds_to_acknowledge"] is None
    assert listed["Waiting"]["seconds_to_arrive"] is None


def test_a_task_answers_a_zone_alert(api_client_for, dispatcher, unit):
    from dispatch.models import GeofenceAlert, PatrolZone, Shift

    zone = PatrolZone.objects.create(
        name="Strip",
        area=Polygon(((25.5, 54.5), (25.7, 54.5), (25.7, 54.6), (25.5, 54.6), (25.5, 54.5))),
    )
    now = timezone.now()
    shift = Shift.objects.create(
        unit=unit, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1), zone=zone
    )
    alert = GeofenceAlert.objects.create(
        unit=unit, shift=shift, zone=zone, left_at=now, position=Point(25.9, 54.7), distance_m=9e3
    )

    linked = _create(api_client_for(dispatcher), alert=alert.pk)
    unknown = _create(api_client_for(dispatcher), alert=alert.pk + 1000)

    assert linked.status_code == 201, linked.json()
    assert linked.json()["alert"] == alert.pk
    assert list(alert.tasks.values_list("pk", flat=True)) == [linked.json()["id"]]
    assert unknown.status_code == 400
    assert "alert" in unknown.json()["errors"]


def test_a_description_over_4000_characters_is_refused_and_no_task_is_made(
    api_client_for, dispatcher
):
    response = _create(api_client_for(dispatcher), description="x" * 4001)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["description"]
    assert "4000" in response.json()["errors"]["description"][0]
    assert not Task.objects.exists()


def test_the_description_limit_holds_for_every_path_through_the_service(dispatcher):
    data = TaskInput(kind="inspection", title="Check", description="x" * 4001)

    with pytest.raises(ValidationError) as refused:
        task_create(actor=dispatcher, data=data)

    assert refused.value.message_dict == {
        "description": ["At most 4000 characters; this text has 4001."]
    }
    assert not Task.objects.exists()


def test_an_outcome_over_2000_characters_is_refused_and_the_task_stays_open(
    api_client_for, dispatcher, unit
):
    client = api_client_for(dispatcher)
    task_id = _assigned(client, unit)

    response = client.post(
        reverse("api:task-transition", kwargs={"pk": task_id}),
        {"status": "cancelled", "note": "x" * 2001},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["note"]
    assert Task.objects.get(pk=task_id).status == TaskStatus.ASSIGNED
