"""Periodic jobs through the API (/api/v1/job-schedules/): administrators list, create,
read, change and delete them through the pages' services, so that beat's PeriodicTask
follows and every change is audited; bad input is refused by field with nothing
written; everyone else is refused."""

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask, PeriodicTasks

from portal.models import AuditRecord, JobSchedule
from tests.portal.test_jobs import grant_test_kinds

pytestmark = pytest.mark.django_db

LIST = reverse("api:job-schedule-list")
NIGHTLY = {
    "name": "Audit check at night",
    "kind": "portal.audit_verify",
    "owner": "administrator",
    "schedule_type": "crontab",
    "crontab": "30 2 * * *",
}


def detail(schedule_id: int) -> str:
    return reverse("api:job-schedule-detail", kwargs={"pk": schedule_id})


def schedule_audit(action: str):
    return AuditRecord.objects.filter(object_type="portal.jobschedule", action=action)


def beat_tasks():
    return PeriodicTask.objects.filter(task="portal.job_schedule_run")


@pytest.fixture
def admin_api(administrator, api_client_for):
    return api_client_for(administrator)


@pytest.fixture
def nightly(admin_api) -> dict:
    response = admin_api.post(LIST, NIGHTLY, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


# --- Each operation ---------------------------------------------------------------------
def test_an_administrator_creates_a_schedule_with_its_beat_task_and_an_audit_record(
    administrator, admin_api
):
    response = admin_api.post(LIST, NIGHTLY, format="json")

    assert response.status_code == 201
    body = response.json()
    schedule = JobSchedule.objects.get(pk=body["id"])
    task = PeriodicTask.objects.get(pk=schedule.periodic_task_id)
    assert body["periodic_task"] == task.name == f"job-schedule-{schedule.pk}"
    assert (body["kind_label"], body["owner"], body["enabled"]) == (
        "Verify the audit trail",
        "administrator",
        True,
    )
    assert (body["parameters"], body["every_minutes"], body["last_run_at"]) == ({}, None, None)
    assert task.kwargs == f'{{"schedule_id": {schedule.pk}}}'
    assert (task.crontab.minute, task.crontab.hour, task.interval, task.enabled) == (
        "30",
        "2",
        None,
        True,
    )
    record = schedule_audit("create").get()
    assert (record.actor, record.object_id) == (administrator, str(schedule.pk))
    assert record.changes["crontab"] == "30 2 * * *"
    assert record.changes["owner"] == administrator.pk


def test_an_administrator_lists_and_reads_the_schedules(admin_api, nightly):
    listed = admin_api.get(LIST)
    read = admin_api.get(detail(nightly["id"]))

    assert listed.status_code == 200
    assert [row["name"] for row in listed.json()["results"]] == ["Audit check at night"]
    assert read.status_code == 200
    assert read.json() == nightly
    assert admin_api.get(detail(nightly["id"] + 1000)).status_code == 404


def test_a_patch_to_an_interval_moves_the_beat_task_and_audits_only_what_changed(
    administrator, admin_api, nightly
):
    response = admin_api.patch(
        detail(nightly["id"]),
        {"schedule_type": "interval", "every_minutes": 15, "enabled": False},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["schedule_type"], body["every_minutes"], body["crontab"]) == ("interval", 15, "")
    assert (body["name"], body["kind"], body["owner"]) == (
        nightly["name"],
        nightly["kind"],
        "administrator",
    )
    task = beat_tasks().get()
    assert (task.enabled, task.crontab) == (False, None)
    assert (task.interval.every, task.interval.period) == (15, "minutes")
    change = schedule_audit("update").get()
    assert change.actor == administrator
    assert change.changes == {
        "schedule_type": "interval",
        "every_minutes": 15,
        "crontab": "",
        "enabled": False,
    }


def test_a_patch_of_the_name_alone_keeps_the_rest(admin_api, nightly):
    response = admin_api.patch(detail(nightly["id"]), {"name": "Nightly check"}, format="json")

    assert response.status_code == 200
    schedule = JobSchedule.objects.get()
    assert (schedule.name, schedule.crontab, schedule.enabled) == (
        "Nightly check",
        "30 2 * * *",
        True,
    )
    assert beat_tasks().get().crontab.hour == "2"
    assert schedule_audit("update").get().changes == {"name": "Nightly check"}


def test_an_empty_patch_or_one_that_changes_nothing_writes_nothing(admin_api, nightly):
    task_before = beat_tasks().get()
    beat_changed_before = PeriodicTasks.last_change()

    empty = admin_api.patch(detail(nightly["id"]), {}, format="json")
    same = admin_api.patch(
        detail(nightly["id"]), {"name": nightly["name"], "crontab": "30 2 * * *"}, format="json"
    )

    assert (empty.status_code, same.status_code) == (200, 200)
    assert empty.json() == same.json() == admin_api.get(detail(nightly["id"])).json()
    assert not schedule_audit("update").exists()
    task = beat_tasks().get()
    assert task.date_changed == task_before.date_changed
    assert PeriodicTasks.last_change() == beat_changed_before


def test_deleting_a_schedule_through_the_api_deletes_its_beat_task(admin_api, nightly):
    response = admin_api.delete(detail(nightly["id"]))

    assert response.status_code == 204
    assert not JobSchedule.objects.exists()
    assert not beat_tasks().exists()
    record = schedule_audit("delete").get()
    assert record.changes["name"] == "Audit check at night"
    assert admin_api.delete(detail(nightly["id"])).status_code == 404


# --- Bad input --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"crontab": "61 2 * * *"}, "crontab", "This crontab is not valid"),
        (
            {"crontab": "30 2 *"},
            "crontab",
            "Give five fields: minute, hour, day of month, month, day of week.",
        ),
        ({"schedule_type": "interval"}, "every_minutes", "Give how many minutes apart"),
        ({"schedule_type": "interval", "every_minutes": 0}, "every_minutes", "greater than or"),
        ({"schedule_type": "weekly"}, "schedule_type", "is not a valid choice"),
        ({"parameters": [1, 2]}, "parameters", "Give the parameters as an object"),
        ({"kind": "no.such"}, "kind", "There is no job of this kind."),
        ({"owner": "nobody"}, "owner", "There is no active person with this username."),
        ({"owner": "analyst"}, "owner", "This person may not start this kind of job."),
        ({"name": ""}, "name", "This field may not be blank."),
    ],
)
def test_a_schedule_the_api_refuses_says_why_by_field_and_writes_nothing(
    admin_api, analyst, changes, field, message
):
    response = admin_api.post(LIST, {**NIGHTLY, **changes}, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert message in " ".join(errors[field]), errors
    assert not JobSchedule.objects.exists()
    assert not beat_tasks().exists()
    assert not schedule_audit("create").exists()


def test_the_kinds_own_form_checks_the_parameters(administrator, admin_api):
    grant_test_kinds(administrator)

    response = admin_api.post(
        LIST, {**NIGHTLY, "kind": "tests.stepped", "parameters": {"steps": 0}}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"]["parameters"] == [
        "Steps: Ensure this value is greater than or equal to 1.",
        "Rows per step: This field is required.",
    ]
    assert not JobSchedule.objects.exists()


def test_a_refused_patch_leaves_the_schedule_and_its_beat_task_as_they_were(admin_api, nightly):
    admin_api.post(LIST, {**NIGHTLY, "name": "Other"}, format="json")
    before = beat_tasks().get(name=f"job-schedule-{nightly['id']}")

    taken = admin_api.patch(detail(nightly["id"]), {"name": "Other"}, format="json")
    bad_cron = admin_api.patch(
        detail(nightly["id"]), {"crontab": "99 * * * *", "enabled": False}, format="json"
    )
    no_interval = admin_api.patch(
        detail(nightly["id"]), {"schedule_type": "interval"}, format="json"
    )

    assert taken.status_code == bad_cron.status_code == no_interval.status_code == 400
    assert taken.json()["errors"] == {"name": ["Another schedule has this name."]}
    assert "This crontab is not valid" in bad_cron.json()["errors"]["crontab"][0]
    assert no_interval.json()["errors"] == {
        "every_minutes": ["Give how many minutes apart the jobs start."]
    }
    schedule = JobSchedule.objects.get(pk=nightly["id"])
    assert (schedule.name, schedule.crontab, schedule.enabled) == (
        "Audit check at night",
        "30 2 * * *",
        True,
    )
    after = beat_tasks().get(pk=before.pk)
    assert (after.crontab_id, after.interval_id, after.enabled) == (before.crontab_id, None, True)
    assert not schedule_audit("update").exists()


# --- Who may ----------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["officer", "dispatcher", "analyst"])
def test_nobody_but_administrators_reaches_the_schedules(
    role, personas, admin_api, nightly, api_client_for
):
    client = api_client_for(personas[role])

    answers = [
        client.get(LIST),
        client.post(LIST, {**NIGHTLY, "name": "Mine"}, format="json"),
        client.get(detail(nightly["id"])),
        client.patch(detail(nightly["id"]), {"enabled": False}, format="json"),
        client.delete(detail(nightly["id"])),
    ]

    assert [answer.status_code for answer in answers] == [403] * 5
    assert {answer.json()["type"] for answer in answers} == {"permission_denied"}
    schedule = JobSchedule.objects.get()
    assert (schedule.name, schedule.enabled) == ("Audit check at night", True)
    assert beat_tasks().get().enabled is True
    assert schedule_audit("create").count() == 1
    assert not schedule_audit("update").exists()
    assert not schedule_audit("delete").exists()


def test_an_anonymous_caller_is_refused_as_by_the_rest_of_the_api(
    api_client_for, admin_api, nightly
):
    client = api_client_for(None)

    answers = [
        client.get(LIST),
        client.post(LIST, NIGHTLY, format="json"),
        client.patch(detail(nightly["id"]), {"enabled": False}, format="json"),
        client.delete(detail(nightly["id"])),
    ]

    assert [answer.status_code for answer in answers] == [401] * 4
    assert JobSchedule.objects.get().enabled is True
