"""Documents read by the real Celery worker process (the imports queue): an e-mail with
a PDF attached is uploaded on the case's page; the worker reads both, keeps the
attachment as a document of its own and offers the phone number it names."""

import pytest
from django.urls import reverse

from cases.models import CaseDocument, DocumentSuggestion, DocumentText, ExtractionStatus
from cases.services.investigations import CaseInput, case_create
from portal.models import Job, JobStatus
from tests.cases.document_support import PHONE_SENTENCE, eml_bytes, pdf_bytes, upload_of
from tests.portal.test_jobs_worker import outcome

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_reads_an_email_and_its_attached_pdf(
    celery_worker_process, settings, worker_media_root, analyst, client_for
):
    settings.MEDIA_ROOT = worker_media_root  # where the worker reads the originals
    case = case_create(actor=analyst, data=CaseInput(title="Cigarettes by truck"))
    content = eml_bytes(
        "See the report attached.", [("report.pdf", pdf_bytes(PHONE_SENTENCE), "application/pdf")]
    )

    response = client_for(analyst).post(
        reverse("investigations:case-document-upload", kwargs={"pk": case.pk}),
        {"file": upload_of("message.eml", content)},
    )

    assert response.status_code == 302
    job = Job.objects.get(kind="cases.document_extract")
    assert outcome(job) == JobStatus.SUCCEEDED
    job.refresh_from_db()
    assert (job.queue, job.progress_percent, job.items_done, job.items_total) == (
        "imports",
        100,
        2,
        2,
    )
    attachment = CaseDocument.objects.get(case=case, original_name="report.pdf")
    assert DocumentText.objects.get(document=attachment).status == ExtractionStatus.DONE
    phone = DocumentSuggestion.objects.get(document=attachment, kind="phone")
    assert phone.sentence == PHONE_SENTENCE
