"""Documents uploaded to a case for their text: each format read (PDF, Word, e-mail and
Outlook message with their attachments, plain text in Windows-1257), a zip of many with
its paths sanitised, the originals kept unaltered with their SHA-256, every hostile
upload refused with its message and nothing written, the case's reach and rights, and a
cancel."""

import hashlib
import zipfile
from pathlib import Path
from typing import cast

import pytest
from django.urls import reverse

from cases.models import CaseDocument, DocumentSuggestion, DocumentText, ExtractionStatus
from cases.services.case_content import case_document_add
from cases.services.documents import run as run_module
from cases.services.documents.run import document_extract_job
from cases.services.documents.upload import case_document_read_start
from cases.services.investigations import (
    CaseInput,
    case_create,
    case_member_add,
    case_member_remove,
)
from portal.job_kinds import job_kind_get
from portal.models import AuditRecord, Job, JobStatus, User
from portal.services.jobs import JobCancelled, JobContext, job_run
from tests.cases.document_support import (
    PHONE_SENTENCE,
    docx_bytes,
    eml_bytes,
    pdf_bytes,
    upload_of,
    zip_bytes,
)
from tests.cases.msg_support import msg_bytes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(analyst):
    return case_create(actor=analyst, data=CaseInput(title="Cigarettes by truck"))


def upload_url(case) -> str:
    return reverse("investigations:case-document-upload", kwargs={"pk": case.pk})


def upload(client, case, name: str, content: bytes, description: str = ""):
    return client.post(
        upload_url(case), {"file": upload_of(name, content), "description": description}
    )


def uploaded_and_read(client, case, name: str, content: bytes) -> list[CaseDocument]:
    response = upload(client, case, name, content)
    assert response.status_code == 302, response.context["form"].errors
    job = Job.objects.latest("pk")
    assert response["Location"] == reverse("portal:job-detail", kwargs={"pk": job.pk})
    assert (job.kind, job.queue) == ("cases.document_extract", "imports")
    assert job_run(job_id=job.pk) == JobStatus.SUCCEEDED
    return list(CaseDocument.objects.filter(case=case).select_related("extraction"))


def text_of(document: CaseDocument) -> str:
    record = DocumentText.objects.get(document=document)
    assert record.status == ExtractionStatus.DONE, record.message
    return record.text


def test_a_pdf_is_kept_unaltered_and_its_text_read_with_the_phone_offered(
    client_for, analyst, case
):
    content = pdf_bytes("Report of the border guard.", PHONE_SENTENCE)

    [document] = uploaded_and_read(client_for(analyst), case, "report.pdf", content)

    assert document.content_type == "application/pdf"
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    with document.file.open("rb") as stream:
        assert stream.read() == content
    assert PHONE_SENTENCE in text_of(document)
    phone = DocumentSuggestion.objects.get(document=document, kind="phone")
    assert (phone.value, phone.sentence) == ("+37061234567", PHONE_SENTENCE)
    job = Job.objects.get(kind="cases.document_extract")
    assert job.progress_percent == 100
    assert any("report.pdf" in line.message for line in job.log_lines.all())
    assert AuditRecord.objects.filter(
        object_id=str(case.pk), changes__documents_added__0__name="report.pdf"
    ).exists()


def test_a_word_document_is_read(client_for, analyst, case):
    [document] = uploaded_and_read(
        client_for(analyst), case, "pazyma.docx", docx_bytes("Pažyma.", PHONE_SENTENCE)
    )

    assert "Pažyma." in text_of(document)
    assert document.content_type.endswith("wordprocessingml.document")


def test_an_email_is_read_and_its_attachment_becomes_a_document_linked_to_it(
    client_for, analyst, case
):
    attached = pdf_bytes("Invoice to LT12 1000 0111 0100 1000.")
    content = eml_bytes(PHONE_SENTENCE, [("sąskaita.pdf", attached, "application/pdf")])

    documents = uploaded_and_read(client_for(analyst), case, "message.eml", content)

    message, attachment = documents
    assert message.content_type == "message/rfc822"
    assert "Subject: Krovinys per Medininkus" in text_of(message)
    assert PHONE_SENTENCE in text_of(message)
    assert attachment.original_name == "sąskaita.pdf"
    assert attachment.sha256 == hashlib.sha256(attached).hexdigest()
    assert DocumentText.objects.get(document=attachment).parent == message
    assert "LT12 1000 0111 0100 1000" in text_of(attachment)
    assert DocumentSuggestion.objects.filter(document=attachment, kind="iban").exists()
    page = client_for(analyst).get(
        reverse(
            "investigations:case-document-detail",
            kwargs={"pk": case.pk, "document_id": message.pk},
        )
    )
    assert "sąskaita.pdf" in page.content.decode()


def test_an_outlook_message_is_read_and_its_attachment_becomes_a_document(
    client_for, analyst, case
):
    note = b"Container CSQU3054383 was sealed at Klaipeda. " * 100  # over the mini stream
    content = msg_bytes(
        subject="Krovinys per Medininkus",
        sender="Rimas Informantas <rimas@example.lt>",
        to="analitikai@muitine.example",
        body=PHONE_SENTENCE,
        attachments=[("konteineris.txt", note)],
    )

    message, attachment = uploaded_and_read(client_for(analyst), case, "laiskas.msg", content)

    assert message.content_type == "application/vnd.ms-outlook"
    assert message.sha256 == hashlib.sha256(content).hexdigest()
    assert "Subject: Krovinys per Medininkus" in text_of(message)
    assert DocumentSuggestion.objects.get(document=message, kind="phone").sentence == (
        PHONE_SENTENCE
    )
    assert attachment.original_name == "konteineris.txt"
    assert DocumentText.objects.get(document=attachment).parent == message
    assert DocumentSuggestion.objects.filter(
        document=attachment, kind="container", value="CSQU3054383"
    ).exists()


def test_plain_text_in_windows_1257_is_read_as_lithuanian(client_for, analyst, case):
    content = "Vairuotojas Žydrūnas iš Šiaulių. Tel. 8 612 34567.".encode("cp1257")

    [document] = uploaded_and_read(client_for(analyst), case, "pastaba.txt", content)

    assert text_of(document).startswith("Vairuotojas Žydrūnas iš Šiaulių.")
    assert DocumentSuggestion.objects.filter(value="+37061234567").exists()


def test_a_zip_of_many_keeps_each_file_with_its_path_made_safe(client_for, analyst, case):
    content = zip_bytes(
        {
            "reports/report.pdf": pdf_bytes(PHONE_SENTENCE),
            "../../etc/notes.txt": b"Container CSQU3054383 seen.",
            "word/pazyma.docx": docx_bytes("Pažyma apie krovinį."),
        }
    )

    documents = uploaded_and_read(client_for(analyst), case, "bylos.zip", content)

    assert sorted(d.original_name for d in documents) == ["notes.txt", "pazyma.docx", "report.pdf"]
    assert all(text_of(d) for d in documents)
    assert DocumentSuggestion.objects.filter(kind="container", value="CSQU3054383").exists()


def _bomb() -> bytes:
    return zip_bytes({"zeros.txt": b"0" * (8 * 2**20)})


def _nested() -> bytes:
    return zip_bytes({"inner.zip": zip_bytes({"a.txt": b"hello"})})


def _many() -> bytes:
    return zip_bytes({f"note{i}.txt": f"Note {i}".encode() for i in range(4)})


def _lying_header() -> bytes:
    """A zip whose member says it unpacks to 10 bytes but holds 2 MB: read no further
    than it says, it fails its CRC."""
    content = bytearray(zip_bytes({"a.txt": b"A" * (2 * 2**20)}, zipfile.ZIP_STORED))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = content.find(signature)
        content[at + offset : at + offset + 4] = (10).to_bytes(4, "little")
    return bytes(content)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.pdf", b"", "The submitted file is empty."),
        ("program.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "is not a PDF, a Word document"),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "is not a PDF, a Word document"),
        (
            "sheet.xlsx",
            zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
            "sheet.xlsx is not a PDF, a Word document",
        ),
        ("bomb.zip", _bomb(), "it is refused as a zip bomb"),
        ("nested.zip", _nested(), "inner.zip is a zip inside the zip"),
        ("many.zip", _many(), "holds 4 files; a zip may hold at most 3"),
        ("lying.zip", _lying_header(), "lying.zip is not a zip that can be read: Bad CRC"),
        ("broken.zip", b"PK\x03\x04" + b"\x00" * 40, "is not a zip that can be read"),
        ("twice.zip", zip_bytes({"a.txt": b"same", "b/a.txt": b"same"}), "are the same file"),
    ],
)
def test_a_hostile_upload_is_refused_with_its_message_and_nothing_written(
    client_for, analyst, case, settings, name, content, message
):
    settings.DOCUMENT_ZIP_MAX_MEMBERS = 3

    response = upload(client_for(analyst), case, name, content)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert not CaseDocument.objects.exists()
    assert not DocumentText.objects.exists()
    assert not Job.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("case-documents/*/*"))


def test_an_upload_over_the_size_limit_is_refused(client_for, analyst, case, settings):
    settings.DOCUMENT_UPLOAD_MAX_BYTES = 1000

    response = upload(client_for(analyst), case, "big.txt", b"word " * 400)

    assert response.status_code == 400
    assert "larger than" in response.context["form"].errors["file"][0]
    assert not CaseDocument.objects.exists()


def test_a_file_already_in_the_case_is_refused_naming_it(client_for, analyst, case):
    client = client_for(analyst)
    uploaded_and_read(client, case, "first.txt", b"Seen at the border.")

    response = upload(client, case, "again.txt", b"Seen at the border.")

    assert response.status_code == 400
    assert "already in the case, as first.txt" in response.context["form"].errors["file"][0]
    assert CaseDocument.objects.count() == 1


def test_outside_the_team_a_restricted_case_is_not_found_and_a_viewer_may_not_upload(
    client_for, analyst
):
    secret = case_create(actor=analyst, data=CaseInput(title="Birch", restricted=True))
    outsider = UserFactory(username="analyst_out", roles=["analyst"])
    viewer = cast(User, UserFactory(username="analyst_viewer", roles=["analyst"]))
    case_member_add(actor=analyst, case=secret, user=viewer, role="viewer")
    officer = UserFactory(username="officer_x", roles=["officer"])

    for user, status in ((outsider, 404), (viewer, 403), (officer, 403)):
        response = upload(client_for(user), secret, "a.txt", b"Secret text")
        assert response.status_code == status, user
    assert not CaseDocument.objects.exists()


def test_the_document_page_shows_the_text_beside_a_download_of_the_original(
    client_for, analyst, case
):
    client = client_for(analyst)
    [document] = uploaded_and_read(client, case, "report.pdf", pdf_bytes(PHONE_SENTENCE))

    page = client.get(
        reverse(
            "investigations:case-document-detail",
            kwargs={"pk": case.pk, "document_id": document.pk},
        )
    )

    body = page.content.decode()
    assert PHONE_SENTENCE in body
    assert document.sha256 in body
    download = reverse(
        "investigations:case-document-download",
        kwargs={"pk": case.pk, "document_id": document.pk},
    )
    assert download in body
    assert b"".join(client.get(download).streaming_content) == document.file.open("rb").read()


def test_a_cancel_asked_while_the_job_runs_stops_it_before_the_next_file(client_for, analyst, case):
    response = upload(client_for(analyst), case, "a.txt", b"Call +370 612 34567.")
    assert response.status_code == 302
    job = Job.objects.get()
    # As a worker's claim leaves it, then the analyst's cancel.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, cancel_requested=True)
    context = JobContext(
        job_id=job.pk,
        kind=job_kind_get("cases.document_extract"),
        parameters=job.parameters,
        owner=analyst,
    )

    with pytest.raises(JobCancelled):
        document_extract_job(context)

    assert DocumentText.objects.get().status == ExtractionStatus.PENDING
    assert not DocumentSuggestion.objects.exists()


def test_a_second_run_of_the_same_job_reads_nothing_twice(client_for, analyst, case):
    [document] = uploaded_and_read(client_for(analyst), case, "a.txt", b"Call +370 612 34567.")
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)

    job_run(job_id=job.pk)

    assert DocumentSuggestion.objects.filter(document=document).count() == 1
    assert CaseDocument.objects.count() == 1


def test_a_document_added_before_is_read_on_request(client_for, analyst, case):
    document = case_document_add(
        actor=analyst, case=case, upload=upload_of("old.pdf", pdf_bytes(PHONE_SENTENCE))
    )
    client = client_for(analyst)
    url = reverse(
        "investigations:case-document-read", kwargs={"pk": case.pk, "document_id": document.pk}
    )

    response = client.post(url)

    job = Job.objects.get(kind="cases.document_extract")
    assert response["Location"] == reverse("portal:job-detail", kwargs={"pk": job.pk})
    job_run(job_id=job.pk)
    assert PHONE_SENTENCE in text_of(document)
    again = client.post(url, follow=True)
    assert "already read or being read" in again.content.decode()
    assert Job.objects.count() == 1


def test_a_broken_pdf_is_marked_unreadable_and_the_others_are_still_read(client_for, analyst, case):
    content = zip_bytes(
        {"broken.pdf": b"%PDF-1.7\n" + b"\x00garbage" * 50, "note.txt": b"Call +370 612 34567."}
    )

    broken, note = sorted(
        uploaded_and_read(client_for(analyst), case, "two.zip", content),
        key=lambda d: d.original_name,
    )

    record = DocumentText.objects.get(document=broken)
    assert record.status == ExtractionStatus.FAILED
    assert "could not be read" in record.message
    assert "+370 612 34567" in text_of(note)


@pytest.mark.parametrize(
    "access_lost",
    ["taken off the team", "made a viewer", "no longer an analyst"],
)
def test_a_starter_who_loses_the_case_while_the_job_runs_stops_it_before_the_next_file(
    client_for, analyst, case, monkeypatch, access_lost
):
    colleague = cast(User, UserFactory(username="analyst_colleague", roles=["analyst"]))
    member = case_member_add(actor=analyst, case=case, user=colleague, role="analyst")
    content = zip_bytes({"a.txt": b"Call +370 612 34567.", "b.txt": b"Call +370 612 76543."})
    response = upload(client_for(colleague), case, "two.zip", content)
    assert response.status_code == 302
    job = Job.objects.get(kind="cases.document_extract")
    read = run_module.document_read

    def read_then_lose_access(*args, **kwargs):
        # While the first file is read, the lead changes the team (or an administrator
        # the account).
        if access_lost == "taken off the team":
            case_member_remove(actor=analyst, case=case, member=member)
        elif access_lost == "made a viewer":
            case_member_add(actor=analyst, case=case, user=colleague, role="viewer")
        else:
            colleague.groups.clear()
        return read(*args, **kwargs)

    monkeypatch.setattr(run_module, "document_read", read_then_lose_access)

    assert job_run(job_id=job.pk) == JobStatus.FAILED

    job.refresh_from_db()
    assert "may no longer work on this case" in job.error
    assert "1 of 2 documents were read" in job.error
    assert job.log_lines.filter(level="error", message=job.error).exists()
    first, second = CaseDocument.objects.filter(case=case).order_by("pk")
    assert DocumentText.objects.get(document=first).status == ExtractionStatus.DONE
    unread = DocumentText.objects.get(document=second)
    assert unread.status == ExtractionStatus.FAILED
    assert unread.message == job.error
    assert not DocumentSuggestion.objects.filter(document=second).exists()
    # A member of the team may read it again.
    case_document_read_start(actor=analyst, document=second)
    assert DocumentText.objects.get(document=second).status == ExtractionStatus.PENDING
