"""Jobs that survive failures, on a real Celery worker process: transient failures
retried with backoff and logged, a job that keeps failing ends failed without blocking
its queue, and a periodic schedule made on its page runs its kind with its parameters.
tests/portal/test_jobs_kill.py kills a worker mid-job."""

import json

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from portal.celery import app
from portal.models import Job, JobSchedule, JobStatus
from tests.portal.test_jobs import grant_test_kinds
from tests.portal.test_jobs_worker import start, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def finished(job: Job) -> Job:
    wait_until(lambda: Job.objects.get(pk=job.pk).finished, f"job #{job.pk} finishes on the worker")
    job.refresh_from_db()
    return job


def log_of(job: Job) -> list[str]:
    return list(job.log_lines.order_by("id").values_list("message", flat=True))


def test_a_transient_failure_is_retried_with_backoff_and_each_attempt_is_logged(
    celery_worker_process, analyst, api_client_for
):
    client = api_client_for(grant_test_kinds(analyst))

    job = finished(start(client, "tests.flaky", {"failures": 2, "error": "retry"}))

    assert job.status == JobStatus.SUCCEEDED
    assert job.queue == "analytics"
    assert (job.attempts, job.max_attempts) == (3, 3)
    assert job.counts == {"read": 1}
    log = log_of(job)
    assert (
        "Attempt 1 of 3 failed: The remote register did not answer. Attempt 2 of 3 in 0.5 s."
    ) in log
    assert (
        "Attempt 2 of 3 failed: The remote register did not answer. Attempt 3 of 3 in 1 s." in log
    )
    assert "Attempt 3 of 3." in log
    assert log[-1] == "The remote register answered."
    body = client.get(reverse("api:job-detail", kwargs={"pk": job.pk})).json()
    assert (body["attempts"], body["max_attempts"], body["queue"]) == (3, 3, "analytics")


def test_a_lost_database_connection_is_a_transient_failure(
    celery_worker_process, analyst, api_client_for
):
    client = api_client_for(grant_test_kinds(analyst))

    job = finished(start(client, "tests.flaky", {"failures": 1, "error": "database"}))

    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 2
    assert any(
        line.startswith("Attempt 1 of 3 failed: OperationalError: server closed the connection")
        for line in log_of(job)
    )


def test_a_job_that_keeps_failing_ends_failed_with_its_reason_and_the_queue_goes_on(
    celery_worker_process, analyst, api_client_for
):
    client = api_client_for(grant_test_kinds(analyst))

    job = finished(start(client, "tests.flaky", {"failures": 10, "error": "retry"}))

    assert job.status == JobStatus.FAILED
    assert job.attempts == 3
    assert job.error == "Failed after 3 attempts: The remote register did not answer"
    assert log_of(job)[-1] == job.error
    # The next job of the same queue runs: the failing one blocks nothing.
    after = finished(start(client, "tests.flaky", {"failures": 0, "error": "retry"}))
    assert after.status == JobStatus.SUCCEEDED
    assert after.attempts == 1


def test_a_schedule_made_on_its_page_runs_its_kind_with_its_parameters(
    celery_worker_process, administrator, client_for, step_rows_table
):
    admin = grant_test_kinds(administrator)
    client = client_for(admin)

    response = client.post(
        reverse("portal:job-schedule-create"),
        {
            "name": "Nightly steps",
            "kind": "tests.stepped",
            "owner": admin.pk,
            "schedule_type": "crontab",
            "crontab": "30 2 * * 1-5",
            "parameters": '{"steps": 2, "rows_per_step": 3}',
            "enabled": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    schedule = JobSchedule.objects.get(name="Nightly steps")
    task = PeriodicTask.objects.get(pk=schedule.periodic_task_id)
    assert task.enabled
    assert task.task == "portal.job_schedule_run"
    cron = task.crontab
    assert cron is not None
    assert (cron.minute, cron.hour, cron.day_of_week, str(cron.timezone)) == (
        "30",
        "2",
        "1-5",
        "Europe/Vilnius",
    )
    # Beat sends the periodic task as it is stored; the worker starts the job.
    app.send_task(task.task, kwargs=json.loads(task.kwargs), queue=task.queue)
    wait_until(lambda: Job.objects.filter(schedule=schedule).exists(), "the schedule starts a job")
    job = finished(Job.objects.get(schedule=schedule))
    assert job.status == JobStatus.SUCCEEDED
    assert job.kind == "tests.stepped"
    assert job.owner == admin
    assert job.parameters == {"steps": 2, "rows_per_step": 3, "pause_s": None}
    assert job.counts == {"read": 6, "valid": 6, "created": 6}
