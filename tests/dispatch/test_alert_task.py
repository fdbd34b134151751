"""A task answering a zone alert: the task's detail says which alert (to those who may
see zone alerts), the live feed tells which open task answers an alert, and the alert
list offers "Send a task" to dispatchers."""

from datetime import datetime, timedelta

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dispatch.models import GeofenceAlert, MobileUnit, PatrolZone, Shift, Task, UnitStatus
from dispatch.services.tasks import TaskInput, task_create, task_transition
from portal.models import AuditRecord

pytestmark = pytest.mark.django_db

LEFT_AT = timezone.now().replace(microsecond=0) - timedelta(minutes=20)


@pytest.fixture
def unit(unit_a):
    return MobileUnit.objects.create(
        org_unit=unit_a,
        call_sign="VLN-1",
        status=UnitStatus.AVAILABLE,
        last_position=Point(25.9, 54.7, srid=4326),
    )


@pytest.fixture
def alert(unit):
    zone = PatrolZone.objects.create(
        name="Medininkai strip",
        area=Polygon(((25.5, 54.5), (25.7, 54.5), (25.7, 54.6), (25.5, 54.6), (25.5, 54.5))),
    )
    shift = Shift.objects.create(
        unit=unit,
        starts_at=LEFT_AT - timedelta(hours=1),
        ends_at=LEFT_AT + timedelta(hours=6),
        zone=zone,
    )
    return GeofenceAlert.objects.create(
        unit=unit,
        shift=shift,
        zone=zone,
        left_at=LEFT_AT,
        position=Point(25.9, 54.7, srid=4326),
        distance_m=9_000,
    )


def _answer(dispatcher, alert, title="Return to patrol zone Medininkai strip"):
    return task_create(
        actor=dispatcher,
        data=TaskInput(kind="patrol", title=title, location=alert.position, alert_id=alert.pk),
    )


def _detail(client, task):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("api:task-detail", kwargs={"pk": task.pk}))
    assert response.status_code == 200
    return response.json(), len(queries.captured_queries)


def test_the_creation_is_audited_with_the_alert_and_the_violation_it_answers(
    dispatcher, officer, alert
):
    from cases.models import ViolationCategory
    from cases.services.violations import ViolationInput, violation_create

    violation, _created = violation_create(
        actor=officer,
        data=ViolationInput(
            occurred_at=timezone.now() - timedelta(minutes=5),
            category=ViolationCategory.objects.get(code="other"),
            location=Point(25.6536, 54.5395, srid=4326),
            location_source="map",
        ),
    )
    task = task_create(
        actor=dispatcher,
        data=TaskInput(
            kind="patrol",
            title="Back to the zone",
            location=alert.position,
            alert_id=alert.pk,
            violation_id=violation.pk,
        ),
    )
    plain = task_create(
        actor=dispatcher,
        data=TaskInput(kind="patrol", title="Patrol", location=Point(25.6, 54.55, srid=4326)),
    )

    def created(of):
        return AuditRecord.objects.get(
            object_type="dispatch.task", object_id=str(of.pk), action="create"
        ).changes

    assert created(task) == {
        "kind": "patrol",
        "title": "Back to the zone",
        "alert": alert.pk,
        "violation": violation.pk,
    }
    assert (created(plain)["alert"], created(plain)["violation"]) == (None, None)


def test_a_second_open_task_for_one_alert_is_refused(
    api_client_for, dispatcher, officer, unit, alert
):
    first = _answer(dispatcher, alert, title="Back to Medininkai")
    task_transition(actor=dispatcher, task=first, target="assigned", unit=unit)

    with pytest.raises(ValidationError) as refused:
        _answer(dispatcher, alert, title="Back, again")
    response = api_client_for(dispatcher).post(
        reverse("api:task-list"),
        {
            "kind": "patrol",
            "title": "Back, once more",
            "latitude": 54.7,
            "longitude": 25.9,
            "alert": alert.pk,
        },
        format="json",
    )

    message = "A task already answers this zone alert: Back to Medininkai."
    assert refused.value.message_dict == {"alert": [message]}
    assert response.status_code == 400
    assert response.json()["errors"]["alert"] == [message]
    assert list(Task.objects.values_list("title", flat=True)) == ["Back to Medininkai"]

    # Done with, the alert may get another task.
    for step in ("acknowledged", "en_route", "on_scene"):
        task_transition(actor=officer, task=first, target=step)
    task_transition(actor=officer, task=first, target="completed", note="Back in the zone")
    assert _answer(dispatcher, alert, title="Back, again").alert == alert


def test_the_detail_of_a_task_names_the_alert_it_answers(api_client_for, dispatcher, alert):
    task = _answer(dispatcher, alert)
    plain = task_create(
        actor=dispatcher,
        data=TaskInput(kind="patrol", title="Patrol", location=Point(25.6, 54.55, srid=4326)),
    )
    client = api_client_for(dispatcher)
    client.get(reverse("api:task-list"))  # the session's own first-time queries

    detail, cost = _detail(client, task)
    _, plain_cost = _detail(client, plain)

    # The alert, its unit and zone: one query more than a task without an alert.
    assert cost == plain_cost + 1

    assert detail["alert"] == alert.pk
    assert detail["alert_summary"] == {
        "id": alert.pk,
        "unit": "VLN-1",
        "zone": "Medininkai strip",
        "left_at": detail["alert_summary"]["left_at"],
        "returned_at": None,
    }
    left_at = detail["alert_summary"]["left_at"].replace("Z", "+00:00")
    assert datetime.fromisoformat(left_at) == LEFT_AT


def test_creating_through_the_api_answers_with_the_alert_summary(api_client_for, dispatcher, alert):
    response = api_client_for(dispatcher).post(
        reverse("api:task-list"),
        {
            "kind": "patrol",
            "title": "Return to patrol zone Medininkai strip",
            "latitude": 54.7,
            "longitude": 25.9,
            "alert": alert.pk,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["alert"] == alert.pk
    assert response.json()["alert_summary"]["unit"] == "VLN-1"


def test_a_task_without_an_alert_has_no_summary(api_client_for, dispatcher):
    task = task_create(
        actor=dispatcher,
        data=TaskInput(kind="patrol", title="Patrol", location=Point(25.6, 54.55, srid=4326)),
    )

    detail = api_client_for(dispatcher).get(reverse("api:task-detail", kwargs={"pk": task.pk}))

    assert detail.json()["alert"] is None
    assert detail.json()["alert_summary"] is None


def test_the_unit_sees_its_task_but_not_the_alert_summary(
    api_client_for, dispatcher, officer, unit, alert
):
    # Officers may not read zone alerts: neither the alert's id nor its words.
    task = _answer(dispatcher, alert)
    task_transition(actor=dispatcher, task=task, target="assigned", unit=unit)
    client = api_client_for(officer)

    detail = client.get(reverse("api:task-detail", kwargs={"pk": task.pk}))
    [listed] = client.get(reverse("api:task-list")).json()["results"]

    assert detail.status_code == 200
    assert detail.json()["alert"] is None
    assert detail.json()["alert_summary"] is None
    assert listed["id"] == task.pk
    assert listed["alert"] is None


def test_the_analyst_reads_the_summary_too(api_client_for, dispatcher, analyst, alert):
    task = _answer(dispatcher, alert)

    detail = api_client_for(analyst).get(reverse("api:task-detail", kwargs={"pk": task.pk}))
    listed = api_client_for(analyst).get(reverse("api:task-list")).json()["results"]

    assert detail.json()["alert"] == alert.pk
    assert [row["alert"] for row in listed] == [alert.pk]
    assert detail.json()["alert_summary"]["zone"] == "Medininkai strip"


def test_the_summary_says_when_the_unit_came_back(api_client_for, dispatcher, alert):
    task = _answer(dispatcher, alert)
    alert.returned_at = LEFT_AT + timedelta(minutes=12)
    alert.save(update_fields=["returned_at"])

    detail = api_client_for(dispatcher).get(reverse("api:task-detail", kwargs={"pk": task.pk}))

    assert detail.json()["alert_summary"]["returned_at"] is not None


def test_the_live_feed_names_the_open_task_answering_an_alert(api_client_for, dispatcher, alert):
    client = api_client_for(dispatcher)

    def feed_alert():
        [row] = client.get(reverse("api:live-feed")).json()["alerts"]
        return row

    assert feed_alert()["task_id"] is None
    task = _answer(dispatcher, alert)
    assert feed_alert()["task_id"] == task.pk

    # Cancelled, it answers no more: the alert may get another task.
    task_transition(actor=dispatcher, task=task, target="cancelled", note="Wrong zone")
    assert feed_alert()["task_id"] is None
    again = _answer(dispatcher, alert, title="Back to the zone, again")
    assert feed_alert()["task_id"] == again.pk


def test_the_alert_list_offers_a_task_to_dispatchers_only(client_for, dispatcher, analyst, alert):
    live = reverse("dispatch:live-map")
    link = f'href="{live}?alert={alert.pk}"'

    for_dispatcher = client_for(dispatcher).get(reverse("dispatch:alert-list"))
    for_analyst = client_for(analyst).get(reverse("dispatch:alert-list"))

    assert for_dispatcher.status_code == 200
    assert link in for_dispatcher.content.decode()
    assert 'aria-label="Send a task for VLN-1 · ' in for_dispatcher.content.decode()
    assert for_analyst.status_code == 200
    assert link not in for_analyst.content.decode()


def test_the_alert_list_shows_the_task_answering_an_alert(client_for, dispatcher, analyst, alert):
    task = _answer(dispatcher, alert, title="Back to Medininkai")
    client = client_for(dispatcher)
    client.get(reverse("dispatch:alert-list"))

    page = client.get(reverse("dispatch:alert-list")).content.decode()
    seen_by_analyst = client_for(analyst).get(reverse("dispatch:alert-list")).content.decode()

    assert f'data-alert-task="{task.pk}">Back to Medininkai<' in page
    assert "?alert=" not in page  # an open task answers it: no second one offered
    assert "Back to Medininkai" in seen_by_analyst

    task_transition(actor=dispatcher, task=task, target="cancelled", note="Unit back")
    page = client.get(reverse("dispatch:alert-list")).content.decode()
    assert "Cancelled" in page
    assert 'aria-label="Send another task for VLN-1 · ' in page


def test_the_alert_list_reads_the_tasks_of_a_page_in_one_query(
    client_for, dispatcher, alert, unit_b, django_assert_num_queries
):
    _answer(dispatcher, alert)
    client = client_for(dispatcher)
    client.get(reverse("dispatch:alert-list"))
    with CaptureQueriesContext(connection) as without_more:
        client.get(reverse("dispatch:alert-list"))
    # A second alert with its own task costs no further query.
    other = MobileUnit.objects.create(org_unit=unit_b, call_sign="VLN-2")
    second = GeofenceAlert.objects.create(
        unit=other,
        shift=Shift.objects.create(
            unit=other, starts_at=LEFT_AT, ends_at=LEFT_AT + timedelta(hours=2), zone=alert.zone
        ),
        zone=alert.zone,
        left_at=LEFT_AT,
        position=Point(25.8, 54.7, srid=4326),
        distance_m=5_000,
    )
    _answer(dispatcher, second, title="Back, VLN-2")
    with django_assert_num_queries(len(without_more.captured_queries)):
        page = client.get(reverse("dispatch:alert-list")).content.decode()
    assert "Back, VLN-2" in page
