"""The case report (PDF) and the evidence bundle, run by a real Celery worker: what
they hold, that the manifest's hashes are the files', and that need-to-know holds for
who starts, who downloads and what a report shows."""

import csv
import hashlib
import io
import time
import zipfile
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from cases.models import Entity, Relation
from cases.services.case_content import case_document_add, case_note_add
from cases.services.evidence import evidence_add
from cases.services.investigations import (
    CaseInput,
    case_create,
    case_entity_link,
    case_violation_link,
)
from cases.services.violations import violation_submit
from portal.models import AuditRecord, Job, JobStatus
from tests.cases.support import draft_of, jpeg_photo, upload
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True)]

WAIT_S = 60


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Not within {WAIT_S} s: {what}")
        time.sleep(0.1)


def finished(job: Job) -> Job:
    wait_until(
        lambda: (
            Job.objects.get(pk=job.pk).status
            in {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED}
        ),
        "the job ends",
    )
    job.refresh_from_db()
    return job


def start(client, kind: str, case_id: int):
    return client.post(
        reverse("api:job-list"), {"kind": kind, "parameters": {"case": case_id}}, format="json"
    )


def download(client, job: Job) -> bytes:
    body = client.get(reverse("api:job-detail", kwargs={"pk": job.pk})).json()
    (result,) = body["results"]
    response = client.get(result["download_url"])
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == result["sha256"]
    return content


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def media_of_the_worker(settings, worker_media_root):
    settings.MEDIA_ROOT = worker_media_root
    return worker_media_root


@pytest.fixture
def outside_analyst(db):
    return UserFactory(username="analyst_out", roles=["analyst"])


@pytest.fixture
def birch(analyst, officer, media_of_the_worker):
    """A restricted case of ``analyst`` with two related entities, a note, a document and
    a violation with a photo."""
    case = case_create(
        actor=analyst,
        data=CaseInput(title="Operation Birch", summary="Cigarettes in timber", restricted=True),
    )
    smuggler = Entity.objects.create(kind="Person", label="Secret Smuggler")
    company = Entity.objects.create(kind="Company", label="Birch Timber UAB")
    Relation.objects.create(source=smuggler, target=company, kind="Directorship")
    case_entity_link(actor=analyst, case=case, entity=smuggler, reason="Organiser")
    case_entity_link(actor=analyst, case=case, entity=company, reason="Front company")
    case_note_add(actor=analyst, case=case, body="Informant says Tuesday")
    case_document_add(
        actor=analyst,
        case=case,
        upload=SimpleUploadedFile("informant.pdf", b"%PDF-1.4 informant report"),
    )
    violation = draft_of(officer)
    evidence_add(actor=officer, violation=violation, upload=upload("truck.jpg", jpeg_photo()))
    violation_submit(actor=officer, violation=violation)
    case_violation_link(actor=analyst, case=case, violation=violation)
    return case


@pytest.mark.worker
def test_the_team_gets_a_pdf_report_of_the_restricted_case_with_its_content(
    celery_worker_process, birch, analyst, api_client_for
):
    client = api_client_for(analyst)

    response = start(client, "cases.case_report", birch.pk)

    assert response.status_code == 201, response.content
    job = finished(Job.objects.get(pk=response.json()["id"]))
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.progress_percent == 100
    text = pdf_text(download(client, job))
    assert birch.number in text
    assert "Operation Birch" in text
    assert "Secret Smuggler" in text
    assert "Birch Timber UAB" in text
    assert "Informant says Tuesday" in text
    assert "informant.pdf" in text
    # The report is a consultation of the case, in the case's audit trail.
    assert AuditRecord.objects.filter(
        object_type="cases.case", object_id=str(birch.pk), changes__consulted="report"
    ).exists()


@pytest.mark.worker
def test_the_report_is_written_in_lithuanian_for_a_lithuanian_reader(
    celery_worker_process, birch, analyst, api_client_for
):
    client = api_client_for(analyst)

    response = client.post(
        reverse("api:job-list"),
        {"kind": "cases.case_report", "parameters": {"case": birch.pk}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="lt",
    )

    job = finished(Job.objects.get(pk=response.json()["id"]))
    assert job.status == JobStatus.SUCCEEDED, job.error
    text = pdf_text(download(client, job))
    assert "Susieti subjektai" in text


@pytest.mark.worker
def test_the_evidence_bundle_holds_every_file_with_the_hashes_of_its_manifest(
    celery_worker_process, birch, analyst, api_client_for
):
    client = api_client_for(analyst)

    response = start(client, "cases.evidence_bundle", birch.pk)

    job = finished(Job.objects.get(pk=response.json()["id"]))
    assert job.status == JobStatus.SUCCEEDED, job.error
    bundle = zipfile.ZipFile(io.BytesIO(download(client, job)))
    names = set(bundle.namelist())
    assert {"manifest.csv", "report.pdf", "SHA256SUMS"} <= names
    manifest_bytes = bundle.read("manifest.csv")
    rows = list(csv.DictReader(io.StringIO(manifest_bytes.decode("utf-8"))))
    assert len(rows) == 2  # the document and the photo
    assert any(row["path"].startswith("documents/") for row in rows)
    assert any(row["path"].startswith("evidence/") for row in rows)
    for row in rows:
        content = bundle.read(row["path"])
        assert hashlib.sha256(content).hexdigest() == row["sha256"]
        assert int(row["size"]) == len(content)
        assert row["recorded_sha256_matches"] == "yes"
    manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
    assert f"{manifest_sha}  manifest.csv" in bundle.read("SHA256SUMS").decode()
    report = pdf_text(bundle.read("report.pdf"))
    assert manifest_sha[:16] in report.replace("\n", "")


@pytest.mark.worker
def test_an_outsider_can_neither_start_a_report_of_a_restricted_case_nor_download_one(
    celery_worker_process, birch, analyst, outside_analyst, api_client_for
):
    outsider = api_client_for(outside_analyst)

    refused = start(outsider, "cases.case_report", birch.pk)

    assert refused.status_code == 400
    assert "parameters.case" in refused.content.decode()
    assert not Job.objects.filter(owner=outside_analyst).exists()
    team = api_client_for(analyst)
    job = finished(Job.objects.get(pk=start(team, "cases.case_report", birch.pk).json()["id"]))
    result = job.results.get()
    download_url = team.get(reverse("api:job-detail", kwargs={"pk": job.pk})).json()["results"][0][
        "download_url"
    ]
    assert outsider.get(download_url).status_code in {403, 404}
    assert outsider.get(reverse("api:job-detail", kwargs={"pk": job.pk})).status_code in {
        403,
        404,
    }
    assert result.size > 0


def test_a_member_taken_off_the_team_before_the_job_runs_gets_nothing(
    birch, analyst, api_client_for, monkeypatch
):
    """Need-to-know is re-checked in the job: it waits queued (not sent to a worker here)
    while the case's reach changes; then it runs."""
    from portal.services.jobs import job_run

    monkeypatch.setattr("portal.services.jobs._enqueue", lambda job_id, queue: None)
    job_response = start(api_client_for(analyst), "cases.case_report", birch.pk)
    job = Job.objects.get(pk=job_response.json()["id"])
    # The lead analyst is someone else now and the analyst is off the team.
    other = UserFactory(username="analyst_new_lead", roles=["analyst"])
    type(birch).objects.filter(pk=birch.pk).update(lead_analyst=other)
    birch.members.filter(user=analyst).delete()

    assert job_run(job_id=job.pk) == JobStatus.FAILED

    job.refresh_from_db()
    assert job.error == "There is no such case within your reach."
    assert not job.results.exists()
