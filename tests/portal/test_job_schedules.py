"""Periodic jobs managed in the portal (the schedule's page, its PeriodicTask, the
audit trail) and the parts of surviving jobs that need no worker: the reaper, the claim
and its token, the rate and the time left, the administrators' filters."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask, PeriodicTasks

from portal.models import AuditRecord, Job, JobSchedule, JobStatus
from portal.selectors.jobs import job_speed
from portal.services import jobs as job_services
from portal.services.job_reaper import jobs_reap
from portal.services.job_schedules import job_schedule_run
from portal.services.jobs import JobContext, JobLost, _claim
from tests.portal.test_jobs import grant_test_kinds

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Audit check at night",
    "kind": "portal.audit_verify",
    "schedule_type": "crontab",
    "crontab": "30 2 * * *",
    "parameters": "",
    "enabled": "on",
}


@pytest.fixture
def sent(monkeypatch) -> list[tuple[int, str]]:
    """The jobs sent to a queue (instead of the broker)."""
    calls: list[tuple[int, str]] = []
    monkeypatch.setattr(
        job_services, "_enqueue", lambda job_id, queue, countdown=0: calls.append((job_id, queue))
    )
    return calls


def post_schedule(client, **changes):
    return client.post(reverse("portal:job-schedule-create"), {**FORM, **changes}, follow=False)


# --- Schedules --------------------------------------------------------------------------
def test_a_schedule_saved_on_its_page_makes_its_periodic_task_and_is_audited(
    administrator, client_for
):
    response = post_schedule(client_for(administrator), owner=administrator.pk)

    assert response.status_code == 302
    schedule = JobSchedule.objects.get()
    task = PeriodicTask.objects.get(pk=schedule.periodic_task_id)
    assert task.name == f"job-schedule-{schedule.pk}"
    assert task.kwargs == f'{{"schedule_id": {schedule.pk}}}'
    assert task.crontab is not None
    assert (task.crontab.minute, task.crontab.hour) == ("30", "2")
    assert task.interval is None
    record = AuditRecord.objects.get(object_type="portal.jobschedule")
    assert (record.action, record.actor) == ("create", administrator)
    assert record.changes["crontab"] == "30 2 * * *"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"crontab": "61 2 * * *"}, "This crontab is not valid"),
        (
            {"crontab": "30 2 *"},
            "Give five fields: minute, hour, day of month, month, day of week.",
        ),
        ({"schedule_type": "interval", "every_minutes": ""}, "Give how many minutes apart"),
        ({"parameters": "{not json"}, "This is not JSON"),
        ({"parameters": "[1, 2]"}, "Give the parameters as an object"),
    ],
)
def test_a_schedule_the_form_refuses_says_why_and_makes_nothing(
    administrator, client_for, changes, message
):
    response = post_schedule(client_for(administrator), owner=administrator.pk, **changes)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not JobSchedule.objects.exists()
    assert not PeriodicTask.objects.filter(task="portal.job_schedule_run").exists()


def test_the_parameters_are_validated_by_the_kinds_own_form_for_its_owner(
    administrator, analyst, client_for
):
    admin = grant_test_kinds(administrator)
    client = client_for(admin)

    refused = post_schedule(client, kind="tests.stepped", owner=admin.pk, parameters='{"steps": 0}')
    not_allowed = post_schedule(client, owner=analyst.pk)

    assert refused.status_code == 400
    assert "Steps: Ensure this value is greater than or equal to 1." in refused.content.decode()
    assert "Rows per step: This field is required." in refused.content.decode()
    assert not_allowed.status_code == 400
    assert "This person may not start this kind of job." in not_allowed.content.decode()
    assert not JobSchedule.objects.exists()


def test_changing_a_schedule_to_an_interval_and_disabling_it_follows_on_its_task(
    administrator, client_for
):
    client = client_for(administrator)
    post_schedule(client, owner=administrator.pk)
    schedule = JobSchedule.objects.get()

    response = client.post(
        reverse("portal:job-schedule-edit", kwargs={"pk": schedule.pk}),
        {
            **{name: value for name, value in FORM.items() if name != "enabled"},
            "owner": administrator.pk,
            "schedule_type": "interval",
            "every_minutes": 15,
        },
    )

    assert response.status_code == 302
    task = PeriodicTask.objects.get(pk=schedule.periodic_task_id)
    assert task.enabled is False
    assert task.crontab is None
    assert task.interval is not None
    assert (task.interval.every, task.interval.period) == (15, "minutes")
    change = AuditRecord.objects.filter(object_type="portal.jobschedule", action="update").get()
    assert change.changes == {
        "schedule_type": "interval",
        "every_minutes": 15,
        "crontab": "",
        "enabled": False,
    }
    assert job_schedule_run(schedule_id=schedule.pk) is None  # disabled: starts nothing


def test_a_schedule_saved_on_its_page_without_a_change_writes_nothing(administrator, client_for):
    client = client_for(administrator)
    post_schedule(client, owner=administrator.pk)
    schedule = JobSchedule.objects.get()
    task_before = PeriodicTask.objects.get(pk=schedule.periodic_task_id)
    beat_changed_before = PeriodicTasks.last_change()

    response = client.post(
        reverse("portal:job-schedule-edit", kwargs={"pk": schedule.pk}),
        {**FORM, "owner": administrator.pk},
    )

    assert response.status_code == 302
    assert not AuditRecord.objects.filter(object_type="portal.jobschedule", action="update")
    task = PeriodicTask.objects.get(pk=schedule.periodic_task_id)
    assert task.date_changed == task_before.date_changed
    assert PeriodicTasks.last_change() == beat_changed_before


def test_deleting_a_schedule_deletes_its_task_and_keeps_its_jobs(administrator, client_for, sent):
    client = client_for(administrator)
    post_schedule(client, owner=administrator.pk)
    schedule = JobSchedule.objects.get()
    job = job_schedule_run(schedule_id=schedule.pk)
    assert job is not None
    assert job.schedule == schedule

    response = client.post(reverse("portal:job-schedule-delete", kwargs={"pk": schedule.pk}))

    assert response.status_code == 302
    assert not JobSchedule.objects.exists()
    assert not PeriodicTask.objects.filter(name=f"job-schedule-{schedule.pk}").exists()
    job.refresh_from_db()
    assert job.schedule is None
    assert AuditRecord.objects.filter(object_type="portal.jobschedule", action="delete").exists()


def test_the_schedules_page_lists_them_for_administrators(administrator, client_for):
    client = client_for(administrator)
    post_schedule(client, owner=administrator.pk)

    page = client.get(reverse("portal:job-schedule-list")).content.decode()

    assert "Audit check at night" in page
    assert "Verify the audit trail" in page
    assert "30 2 * * *" in page


# --- The reaper and the claim -----------------------------------------------------------
def running_job(owner, *, beat_seconds_ago: float, **fields) -> Job:
    now = timezone.now()
    values = {
        "kind": "portal.audit_verify",
        "owner": owner,
        "status": JobStatus.RUNNING,
        "started_at": now - timedelta(minutes=5),
        "heartbeat_at": now - timedelta(seconds=beat_seconds_ago),
        "run_token": "a" * 32,
        "attempts": 1,
        "queue": "reports",
    }
    return Job.objects.create(**{**values, **fields})


def test_the_reaper_queues_again_a_job_whose_worker_stopped_beating(administrator, sent):
    stale = running_job(administrator, beat_seconds_ago=60)
    fresh = running_job(administrator, beat_seconds_ago=0)

    report = jobs_reap()

    assert report.requeued == [stale.pk]
    assert sent == [(stale.pk, "reports")]
    stale.refresh_from_db()
    assert (stale.status, stale.run_token) == (JobStatus.QUEUED, "")
    assert stale.log_lines.get().message == (
        "Its worker stopped while running it: sent back to the queue."
    )
    fresh.refresh_from_db()
    assert fresh.status == JobStatus.RUNNING


def test_the_reaper_ends_a_stale_job_that_spent_its_attempts_or_was_cancelled(administrator, sent):
    spent = running_job(administrator, beat_seconds_ago=60, attempts=5, max_attempts=5)
    cancelled = running_job(administrator, beat_seconds_ago=60, cancel_requested=True)

    report = jobs_reap()

    assert (report.failed, report.cancelled, sent) == ([spent.pk], [cancelled.pk], [])
    spent.refresh_from_db()
    assert spent.status == JobStatus.FAILED
    assert spent.error == "Failed after 5 attempts: its worker stopped while running it."
    cancelled.refresh_from_db()
    assert cancelled.status == JobStatus.CANCELLED


def test_the_reaper_sends_a_queued_job_that_never_reached_the_broker(administrator, sent):
    job = Job.objects.create(kind="portal.audit_verify", owner=administrator, queue="reports")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    just_made = Job.objects.create(kind="portal.audit_verify", owner=administrator)

    assert jobs_reap().resent == [job.pk]
    assert just_made.pk not in [job_id for job_id, _queue in sent]


def test_a_job_is_claimed_once_and_a_run_that_lost_it_writes_nothing(administrator):
    job = running_job(administrator, beat_seconds_ago=0)
    assert _claim(job.pk) is None  # running, beating: a second delivery is skipped

    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=1))
    token = _claim(job.pk)

    assert token is not None
    job.refresh_from_db()
    assert (job.run_token, job.attempts) == (token, 2)
    old_run = JobContext(
        job_id=job.pk,
        kind=None,  # type: ignore[arg-type]
        parameters={},
        owner=administrator,
        run_token="a" * 32,
    )
    with pytest.raises(JobLost):
        old_run.progress(80, "Still here")
    job.refresh_from_db()
    assert job.progress_percent == 0


def test_the_rate_and_time_left_come_from_the_items_of_the_current_attempt(administrator):
    now = timezone.now()
    job = running_job(administrator, beat_seconds_ago=0, items_done=700, items_total=1000)
    job.items_at_start = 200
    job.started_at = now - timedelta(seconds=100)

    speed = job_speed(job, now=now)

    assert speed.rate_per_second == 5.0  # 500 items in 100 s
    assert speed.eta_seconds == 60  # 300 left at 5 per second
    job.items_done = job.items_at_start = 0
    job.items_total = None
    job.progress_percent = 25
    assert job_speed(job, now=now).eta_seconds == 300  # a quarter in 100 s
    job.status = JobStatus.SUCCEEDED
    assert job_speed(job, now=now).rate_per_second is None


def test_administrators_filter_every_job_by_kind_and_owner(
    administrator, analyst, client_for, api_client_for
):
    mine = Job.objects.create(kind="portal.audit_verify", owner=administrator)
    theirs = Job.objects.create(kind="portal.audit_export", owner=analyst)

    page = client_for(administrator).get(
        reverse("portal:job-list"), {"owner": analyst.pk, "kind": "portal.audit_export"}
    )
    api = api_client_for(administrator).get(reverse("api:job-list"), {"owner": "administrator"})
    analysts_page = client_for(analyst).get(reverse("portal:job-list"))

    assert [job.pk for job in page.context["page"]] == [theirs.pk]
    assert [row["id"] for row in api.json()["results"]] == [mine.pk]
    assert 'name="owner"' not in analysts_page.content.decode()
