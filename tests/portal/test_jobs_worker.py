"""Jobs run by a real Celery worker process (tests/conftest.py starts it on the test
broker and the test database): to success with progress and a result file, to failure
with the reason, and stopped by a cancel while running."""

import hashlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from celery.result import AsyncResult
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.models import Job, JobStatus
from tests.portal.test_jobs import grant_test_kinds

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WAIT_S = 30


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll the database until ``condition`` holds (the worker commits as it goes)."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Not within {WAIT_S} s: {what}")
        time.sleep(0.05)


def worker_kill(process: subprocess.Popen[bytes]) -> None:
    """kill -9, as a machine losing its power would: no shutdown, no acknowledgement."""
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def heartbeat_stale_wait(job: Job) -> None:
    """Until the killed worker's heartbeat on ``job`` is old enough for the reaper."""
    stale_after = timedelta(seconds=settings.JOB_STALE_AFTER_S)
    wait_until(
        lambda: Job.objects.filter(
            pk=job.pk, heartbeat_at__lt=timezone.now() - stale_after
        ).exists(),
        "the killed worker's heartbeat goes stale",
    )


def start(client, kind: str, parameters: dict | None = None) -> Job:
    response = client.post(
        reverse("api:job-list"), {"kind": kind, "parameters": parameters or {}}, format="json"
    )
    assert response.status_code == 201, response.content
    return Job.objects.get(pk=response.json()["id"])


def outcome(job: Job) -> str:
    """What the worker's task returned for the job (its Celery result)."""
    wait_until(lambda: bool(Job.objects.get(pk=job.pk).task_id), "the job is sent")
    job.refresh_from_db()
    return AsyncResult(job.task_id).get(timeout=WAIT_S)


@pytest.fixture
def media_of_the_worker(settings, worker_media_root):
    """Read the files the worker wrote where it wrote them."""
    settings.MEDIA_ROOT = worker_media_root
    return worker_media_root


def test_the_worker_verifies_the_audit_trail_with_progress_and_a_report(
    celery_worker_process, media_of_the_worker, administrator, api_client_for
):
    from portal.services.audit import audit_record

    for _ in range(3):
        audit_record(actor=administrator, action="view", obj=administrator)
    client = api_client_for(administrator)

    job = start(client, "portal.audit_verify")

    assert outcome(job) == JobStatus.SUCCEEDED
    body = client.get(reverse("api:job-detail", kwargs={"pk": job.pk})).json()
    assert body["status"] == "succeeded"
    assert body["progress_percent"] == 100
    assert body["progress_message"] == "The audit chain is intact"
    assert body["started_at"]
    assert body["finished_at"]
    messages = [line["message"] for line in body["log"]]
    assert messages[0].startswith("Verifying ")
    assert messages[-1] == "The audit chain is intact."
    (result,) = body["results"]
    download = client.get(result["download_url"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == result["sha256"]
    assert len(content) == result["size"]
    assert b"Result: the audit chain is intact." in content


def test_a_failing_kind_ends_failed_with_its_reason_on_the_worker(
    celery_worker_process, analyst, api_client_for
):
    client = api_client_for(grant_test_kinds(analyst))

    job = start(client, "tests.failing")

    assert outcome(job) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "The source file cannot be read: it is not UTF-8."
    assert job.finished_at is not None
    # The worker goes on to the next job: one bad job never blocks the queue.
    assert outcome(start(client, "tests.crashing")) == JobStatus.FAILED


def test_cancelling_a_running_job_stops_it_at_its_next_check(
    celery_worker_process, media_of_the_worker, analyst, api_client_for, tmp_path
):
    client = api_client_for(grant_test_kinds(analyst))
    gate = tmp_path / "never-opened"

    job = start(client, "tests.gated", {"gate": str(gate)})
    wait_until(
        lambda: Job.objects.filter(pk=job.pk, status="running", progress_percent=50).exists(),
        "the job runs and waits at its gate",
    )
    response = client.post(reverse("api:job-cancel", kwargs={"pk": job.pk}))

    assert response.status_code == 200
    assert response.json()["cancel_requested"] is True
    assert outcome(job) == JobStatus.CANCELLED
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert job.progress_message == "Cancelled."
    assert job.log_lines.latest("id").message == "Cancelled."
    assert not job.results.exists()


def test_a_job_cancelled_before_the_worker_takes_it_is_never_run(celery_worker_process, analyst):
    from portal.services.jobs import job_cancel, job_start

    runner = grant_test_kinds(analyst)
    # Started and cancelled in one transaction: the task is sent on commit, after the cancel.
    with transaction.atomic():
        job = job_start(actor=runner, kind_name="tests.failing", parameters={})
        job_cancel(actor=runner, job=job)

    assert outcome(job) == "skipped"
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert job.started_at is None
