"""The operations centre corrects a task (what it says, where, when, which violation)
while it is open, and withdraws one created by mistake before its unit acts on it:
audited, in the task's history, shown to the unit, and left out of every figure."""

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from dispatch.models import MobileUnit, Task, TaskEvent, TaskStatus, UnitStatus
from dispatch.selectors.stats import unit_month_stats_read
from dispatch.selectors.tasks import unit_tasks_for_officer
from dispatch.services.tasks import TaskInput, task_create, task_transition, task_withdraw
from portal.models import AuditRecord

pytestmark = pytest.mark.django_db

MEDININKAI = Point(25.6536, 54.5395, srid=4326)
FEED = reverse("dispatch:my-tasks-feed")


@pytest.fixture
def unit(unit_a):
    return MobileUnit.objects.create(
        org_unit=unit_a,
        call_sign="MU-A1",
        status=UnitStatus.AVAILABLE,
        last_position=Point(25.60, 54.55, srid=4326),
    )


def new_task(dispatcher) -> Task:
    data = TaskInput(kind="inspection", title="Check lorry LT ABC123", location=MEDININKAI)
    return task_create(actor=dispatcher, data=data)


def assigned(dispatcher, unit) -> Task:
    return task_transition(
        actor=dispatcher, task=new_task(dispatcher), target="assigned", unit=unit
    )


def edit(client, task, **body):
    return client.patch(reverse("api:task-detail", args=[task.pk]), body, format="json")


def withdraw(client, task, **body):
    return client.post(reverse("api:task-withdraw", args=[task.pk]), body, format="json")


# ---------------------------------------------------------------------------- editing


def test_a_dispatcher_corrects_title_description_and_priority(api_client_for, dispatcher):
    task = new_task(dispatcher)

    response = edit(
        api_client_for(dispatcher),
        task,
        title="Check lorry LT ABC124",
        description="The plate was mistyped.",
        priority=4,
    )

    assert response.status_code == 200, response.json()
    task.refresh_from_db()
    assert (task.title, task.description, task.priority) == (
        "Check lorry LT ABC124",
        "The plate was mistyped.",
        4,
    )
    assert task.kind == "inspection"  # what was not sent stays
    assert task.edited_at is not None
    body = response.json()
    assert body["edited_at"] is not None
    assert body["events"][-1]["kind"] == "edit"
    assert body["events"][-1]["note"] == "priority,title,description"
    record = AuditRecord.objects.filter(object_id=str(task.pk), action="update").latest("id")
    assert record.changes["title"] == ["Check lorry LT ABC123", "Check lorry LT ABC124"]
    assert record.changes["priority"] == [2, 4]


def test_a_new_point_replaces_an_area_and_an_area_moves_the_point(api_client_for, dispatcher):
    client = api_client_for(dispatcher)
    area = {
        "type": "Polygon",
        "coordinates": [[[25.0, 54.0], [25.2, 54.0], [25.2, 54.2], [25.0, 54.2], [25.0, 54.0]]],
    }
    task = new_task(dispatcher)

    assert edit(client, task, area=area).status_code == 200
    task.refresh_from_db()
    assert task.area is not None
    assert task.location is not None
    assert round(task.location.x, 3) == 25.1

    assert edit(client, task, latitude=54.7, longitude=25.3).status_code == 200
    task.refresh_from_db()
    assert task.area is None
    assert task.location is not None
    assert (task.location.x, task.location.y) == (25.3, 54.7)
    assert TaskEvent.objects.filter(task=task, kind="edit").last().note == "place"


def test_an_edit_that_changes_nothing_leaves_no_trace(api_client_for, dispatcher):
    task = new_task(dispatcher)
    records = AuditRecord.objects.count()

    response = edit(api_client_for(dispatcher), task, title=task.title)

    assert response.status_code == 200
    task.refresh_from_db()
    assert task.edited_at is None
    assert AuditRecord.objects.count() == records
    assert not TaskEvent.objects.filter(task=task, kind="edit").exists()


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"title": ""}, "title", "blank"),
        ({"latitude": 54.7}, "latitude", "both latitude and longitude"),
        ({"latitude": True, "longitude": 25.3}, "latitude", "number"),
        ({"description": "x" * 4001}, "description", "4000"),
        (
            {"window_start": "2026-12-03T12:00:00Z", "window_end": "2026-12-03T11:00:00Z"},
            "window_end",
            "ends before it starts",
        ),
        ({"violation": 987654}, "violation", "No such violation"),
        (
            {"expected_updated_at": "2020-01-01T00:00:00Z", "title": "New"},
            "updated_at",
            "changed while you were editing",
        ),
    ],
)
def test_a_bad_edit_names_its_field_and_changes_nothing(
    api_client_for, dispatcher, body, field, words
):
    task = new_task(dispatcher)
    before = (task.title, task.description, str(task.location), task.window_end)

    response = edit(api_client_for(dispatcher), task, **body)

    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert words.lower() in " ".join(errors[field]).lower(), errors
    task.refresh_from_db()
    assert (task.title, task.description, str(task.location), task.window_end) == before
    assert task.edited_at is None


def test_the_editor_who_saw_the_current_version_may_save(api_client_for, dispatcher):
    task = new_task(dispatcher)
    client = api_client_for(dispatcher)
    seen = client.get(reverse("api:task-detail", args=[task.pk])).json()["updated_at"]

    response = edit(client, task, title="Corrected", expected_updated_at=seen)

    assert response.status_code == 200, response.json()


def test_a_closed_task_is_not_edited(api_client_for, dispatcher, unit):
    task = assigned(dispatcher, unit)
    task_transition(actor=dispatcher, task=task, target="cancelled", note="Not needed")

    response = edit(api_client_for(dispatcher), task, title="Too late")

    assert response.status_code == 400
    assert "closed task" in " ".join(response.json()["errors"]["status"])
    task.refresh_from_db()
    assert task.title == "Check lorry LT ABC123"


@pytest.mark.parametrize("role", ["officer", "analyst"])
def test_only_the_operations_centre_edits(api_client_for, dispatcher, unit, personas, role):
    task = assigned(dispatcher, unit)

    response = edit(api_client_for(personas[role]), task, title="Mine now")

    assert response.status_code == 403
    task.refresh_from_db()
    assert task.title == "Check lorry LT ABC123"


def test_the_officer_sees_the_change_announced_on_the_card(
    client_for, api_client_for, dispatcher, officer, unit
):
    task = assigned(dispatcher, unit)
    client = client_for(officer)
    etag = client.get(FEED)["ETag"]

    assert edit(api_client_for(dispatcher), task, title="Check lorry LT ABC124").status_code == 200

    changed = client.get(FEED, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    page = changed.content.decode()
    assert "Check lorry LT ABC124" in page
    assert "Changed by the operations centre at" in page
    assert 'data-edited="' in page


# ---------------------------------------------------------------------------- withdrawing


def test_a_task_created_by_mistake_is_withdrawn_and_the_unit_is_free_again(
    api_client_for, dispatcher, unit
):
    task = assigned(dispatcher, unit)
    unit.refresh_from_db()
    assert unit.status == UnitStatus.BUSY

    response = withdraw(api_client_for(dispatcher), task, reason="Duplicate of task 12")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["withdrawn_at"] is not None) == ("cancelled", True)
    assert body["events"][-1]["kind"] == "withdraw"
    assert body["events"][-1]["note"] == "Duplicate of task 12"
    unit.refresh_from_db()
    assert unit.status == UnitStatus.AVAILABLE
    record = AuditRecord.objects.filter(object_id=str(task.pk)).latest("id")
    assert record.changes["withdrawn"] is True
    assert record.reason == "Duplicate of task 12"


def test_a_withdrawn_task_leaves_the_officers_page_and_every_figure(dispatcher, unit):
    kept = assigned(dispatcher, unit)
    mistake = assigned(dispatcher, unit)
    task_withdraw(actor=dispatcher, task=mistake, reason="Wrong unit")

    shown = unit_tasks_for_officer(unit=unit)
    assert [task.pk for task in shown.open] == [kept.pk]
    assert shown.closed_today == []
    month = timezone.localdate().replace(day=1)
    row = next(row for row in unit_month_stats_read(month=month) if row.unit_id == unit.pk)
    assert (row.tasks_assigned, row.tasks_cancelled) == (1, 0)


@pytest.mark.parametrize("step", ["acknowledged", "completed"])
def test_work_begun_is_cancelled_not_withdrawn(api_client_for, dispatcher, officer, unit, step):
    task = assigned(dispatcher, unit)
    task_transition(actor=officer, task=task, target="acknowledged")
    if step == "completed":
        for target in ("en_route", "on_scene"):
            task_transition(actor=officer, task=task, target=target)
        task_transition(actor=officer, task=task, target="completed", note="Nothing found")

    response = withdraw(api_client_for(dispatcher), task, reason="Oops")

    assert response.status_code == 400
    assert "Cancel it with a reason instead" in " ".join(response.json()["errors"]["status"])
    task.refresh_from_db()
    assert task.withdrawn_at is None


def test_withdrawing_needs_a_reason(api_client_for, dispatcher):
    task = new_task(dispatcher)

    response = withdraw(api_client_for(dispatcher), task, reason="   ")

    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    task.refresh_from_db()
    assert task.status == TaskStatus.NEW


def test_withdrawing_a_stale_screen_is_refused(api_client_for, dispatcher, unit):
    task = assigned(dispatcher, unit)

    response = withdraw(
        api_client_for(dispatcher), task, reason="Wrong place", expected_status="new"
    )

    assert response.status_code == 400
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED


def test_the_service_refuses_those_without_the_right(officer, dispatcher):
    task = new_task(dispatcher)
    with pytest.raises(PermissionDenied):
        task_withdraw(actor=officer, task=task, reason="Not mine")
    with pytest.raises(ValidationError):
        task_withdraw(actor=dispatcher, task=task, reason="")
    assert Task.objects.get(pk=task.pk).status == TaskStatus.NEW
