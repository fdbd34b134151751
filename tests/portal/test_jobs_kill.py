"""A worker killed with kill -9 in the middle of a job: the reaper finds the job by its
stale heartbeat and queues it again, a new worker resumes it from its checkpoint, and
it finishes once, every row written exactly once. The workers are this test's own (no
module worker), so that the one killed is the one running the job."""

import pytest
from django.db import connection
from django.urls import reverse

from portal.models import Job, JobStatus
from portal.services.job_reaper import jobs_reap
from tests.conftest import worker_environment, worker_start, worker_stop
from tests.portal.test_jobs import grant_test_kinds
from tests.portal.test_jobs_worker import heartbeat_stale_wait, start, wait_until, worker_kill

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

STEPS, ROWS_PER_STEP = 12, 50


def written_rows(job: Job) -> list[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT step, row FROM tests_job_step_rows WHERE job_id = %s ORDER BY step, row",
            [job.pk],
        )
        return [tuple(row) for row in cursor.fetchall()]


def test_a_job_whose_worker_is_killed_mid_way_finishes_once_with_every_row_once(
    analyst, api_client_for, step_rows_table, worker_anchor_file, worker_media_root
):
    env = worker_environment(worker_anchor_file, worker_media_root)
    client = api_client_for(grant_test_kinds(analyst))
    first = worker_start(env, name="doomed")
    try:
        job = start(
            client,
            "tests.stepped",
            {"steps": STEPS, "rows_per_step": ROWS_PER_STEP, "pause_s": 0.3},
        )
        wait_until(
            lambda: Job.objects.get(pk=job.pk).items_done >= 4 * ROWS_PER_STEP,
            "the job is a third of the way",
        )
        # Mid-way, the page's JSON tells the rate, the time left and the counts.
        body = client.get(reverse("api:job-detail", kwargs={"pk": job.pk})).json()
        assert body["status"] == "running"
        assert body["queue"] == "imports"
        assert body["items_total"] == STEPS * ROWS_PER_STEP
        assert body["rate_per_second"] > 0
        assert body["eta_seconds"] is not None
        assert body["eta_seconds"] > 0
        assert body["counts"]["created"] == body["items_done"]

        worker_kill(first)
    finally:
        if first.poll() is None:
            worker_stop(first)

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    done_when_killed = job.items_done
    assert 0 < done_when_killed < STEPS * ROWS_PER_STEP
    heartbeat_stale_wait(job)
    assert jobs_reap().requeued == [job.pk]
    # A second reaper finds nothing more to do.
    assert jobs_reap().requeued == []

    second = worker_start(env, name="survivor")
    try:
        wait_until(lambda: Job.objects.get(pk=job.pk).finished, "the job finishes on a new worker")
    finally:
        worker_stop(second)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 2
    expected = [(step, row) for step in range(STEPS) for row in range(ROWS_PER_STEP)]
    assert written_rows(job) == expected
    assert job.counts == {"read": len(expected), "valid": len(expected), "created": len(expected)}
    assert job.checkpoint == {"next_step": STEPS}
    log = list(job.log_lines.order_by("id").values_list("message", flat=True))
    assert "Its worker stopped while running it: sent back to the queue." in log
    assert "Attempt 2 of 5. Resuming from its last checkpoint." in log
    assert log.count("Starting at step 1 of 12.") == 1
    assert any(
        line.startswith("Starting at step ") and line != "Starting at step 1 of 12." for line in log
    )
