"""A real import whose worker is killed with kill -9 in the middle of writing: the
reaper queues it again, a new worker resumes it from its last checkpoint (the batch
after the last one that committed) and it finishes once: every row written exactly once,
no entity, relation or provenance record twice, none lost. Modelled on
tests/portal/test_jobs_kill.py; the workers are this test's own, so that the one killed
is the one running the import."""

import csv
import io
import time
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.urls import reverse

from cases.models import DataImport, Entity, ImportedRecord, ImportStatus, Relation
from portal.models import Job, JobStatus
from portal.services.job_reaper import jobs_reap
from tests.cases.import_support import COLUMNS, declarations_mapping
from tests.conftest import worker_environment, worker_start, worker_stop
from tests.portal.test_jobs_worker import heartbeat_stale_wait, wait_until, worker_kill

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROWS = 400
BATCH_ROWS = 10
SYLLABLES = ["ka", "ro", "mi", "le", "tu", "sa", "no", "vi", "da", "pe", "lu", "ge", "zo"]


def person_name(index: int) -> tuple[str, str]:
    """Names that differ in sound, so that no two drivers are one person."""
    first = SYLLABLES[index % 13] + SYLLABLES[(index // 13) % 13] + "s"
    last = SYLLABLES[(index // 169) % 13] + SYLLABLES[(index * 7) % 13] + "itis"
    return first.capitalize(), last.capitalize()


def plate(index: int) -> str:
    letters = "".join(chr(65 + (index // 1000 // 26**power) % 26) for power in (2, 1, 0))
    return f"{letters}{index % 1000:03d}"


def declarations(rows: int) -> bytes:
    """One carrier; per row a truck and a driver of their own, each linked to it."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(COLUMNS)
    for index in range(rows):
        first, last = person_name(index)
        born = date(1950, 1, 1) + timedelta(days=index)
        writer.writerow(
            [
                *(f"D-{index}", "Šiaurės krovinys UAB", "302123455", "LT", plate(index), "LT"),
                *(first, last, born.isoformat(), ""),
            ]
        )
    return text.getvalue().encode()


def test_an_import_whose_worker_is_killed_mid_way_finishes_once_with_every_row_once(
    analyst, api_client_for, worker_anchor_file, worker_media_root
):
    settings.MEDIA_ROOT = worker_media_root  # where the worker reads the upload
    env = dict(
        worker_environment(worker_anchor_file, worker_media_root),
        ENTITY_IMPORT_BATCH_ROWS=str(BATCH_ROWS),
    )
    client = api_client_for(analyst)
    first = worker_start(env, name="doomed")
    try:
        response = client.post(
            reverse("api:entity-import-create"),
            {
                "file": SimpleUploadedFile("declarations.csv", declarations(ROWS)),
                "mapping": declarations_mapping().pk,
                "dataset": "Declarations",
            },
            format="multipart",
        )
        assert response.status_code == 201, response.content
        data_import = DataImport.objects.get(pk=response.json()["id"])
        job = data_import.job
        assert job is not None
        wait_until(
            lambda: DataImport.objects.get(pk=data_import.pk).entities_created >= 60,
            "the import is writing its rows",
        )
        # Mid-way, the job's API tells the stage counts, the rate and the time left.
        body = client.get(reverse("api:job-detail", kwargs={"pk": job.pk})).json()
        assert body["status"] == "running"
        assert body["queue"] == "imports"
        assert body["counts"]["read"] == body["counts"]["valid"] == ROWS
        assert body["counts"]["created"] > 0
        assert body["items_total"] == 2 * ROWS
        assert ROWS < body["items_done"] < 2 * ROWS
        assert body["rate_per_second"] > 0
        assert body["eta_seconds"] is not None
        worker_kill(first)
    finally:
        if first.poll() is None:
            worker_stop(first)

    job.refresh_from_db()
    data_import.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert data_import.status == ImportStatus.RUNNING
    resume_at = job.checkpoint["next_row"]
    assert 2 < resume_at < ROWS + 1
    assert 0 < data_import.entities_created < 2 * ROWS + 1
    heartbeat_stale_wait(job)
    # The new worker first (a worker busy with the import answers no ping), then the
    # reaper sends the job to it.
    second = worker_start(env, name="survivor")
    try:
        assert jobs_reap().requeued == [job.pk]
        deadline = time.monotonic() + 180  # a loaded machine writes slowly
        while not Job.objects.get(pk=job.pk).finished:
            assert time.monotonic() < deadline, "the import did not finish within 180 s"
            time.sleep(0.1)
    finally:
        worker_stop(second)

    job.refresh_from_db()
    data_import.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 2
    assert data_import.status == ImportStatus.DONE
    # One carrier, and per row one truck, one driver and their two links: once each.
    assert Entity.objects.filter(kind="Company").count() == 1
    assert Entity.objects.filter(kind="Vehicle").count() == ROWS
    assert Entity.objects.filter(kind="Person").count() == ROWS
    assert set(Entity.objects.filter(kind="Vehicle").values_list("label", flat=True)) == {
        plate(index) for index in range(ROWS)
    }
    assert Relation.objects.count() == 2 * ROWS
    assert (
        not Relation.objects.values("source", "target", "kind")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    # Provenance: each row's three entities and two links recorded once, every row.
    records = ImportedRecord.objects.filter(sha256=data_import.sha256)
    assert records.count() == 5 * ROWS
    assert set(records.values_list("row", flat=True)) == set(range(2, ROWS + 2))
    assert not records.values("row").annotate(n=Count("id")).exclude(n=5)
    # The counts on the import and the job's counters agree, across the two workers.
    assert (data_import.rows_read, data_import.rows_valid, data_import.rows_invalid) == (
        ROWS,
        ROWS,
        0,
    )
    assert (data_import.entities_created, data_import.entities_matched) == (
        2 * ROWS + 1,
        ROWS - 1,
    )
    assert (data_import.relations_created, data_import.rows_skipped) == (2 * ROWS, 0)
    assert job.counts == {
        "read": ROWS,
        "valid": ROWS,
        "invalid": 0,
        "created": 2 * ROWS + 1,
        "matched": ROWS - 1,
        "relations": 2 * ROWS,
        "skipped": 0,
    }
    log = list(job.log_lines.order_by("id").values_list("message", flat=True))
    assert "Attempt 2 of 5. Resuming from its last checkpoint." in log
    assert f"Writing again from row {resume_at}." in log
    assert log.count(f"{ROWS} rows read: {ROWS} valid, 0 with problems.") == 1
