"""The API of documents read for their text: a zip of a real press release (shared/data)
as PDF and Word uploaded and read by the same job as the page's, the case's documents
with the state of their text, a document's suggestions answered; the same refusals and
messages as the page, writing nothing; the case's reach and rights as the pages'."""

import csv
from pathlib import Path
from typing import cast

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from cases.models import (
    CaseDocument,
    CaseEntity,
    DocumentSuggestion,
    DocumentText,
    Entity,
    SuggestionStatus,
)
from cases.services.investigations import CaseInput, case_create, case_member_add
from portal.models import AuditRecord, Job, JobStatus, User
from portal.services.jobs import job_run
from tests.cases.document_support import (
    PHONE_SENTENCE,
    docx_bytes,
    pdf_bytes,
    upload_of,
    zip_bytes,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PRESS_RELEASES = (
    Path(django_settings.BASE_DIR).parent
    / "shared"
    / "data"
    / "08-press-releases"
    / "gendarmeria_argentina_press_releases_tire_contraband_2023-06-07.csv"
)


@pytest.fixture
def press_release() -> str:
    """The first press release of the shared sample (an openly published text)."""
    assert PRESS_RELEASES.is_file(), f"the shared press releases are expected at {PRESS_RELEASES}"
    with PRESS_RELEASES.open(encoding="utf-8-sig") as stream:
        first = next(csv.DictReader(stream))
    return first["title"] + "\n\n" + first["text"]


@pytest.fixture
def case(analyst):
    return case_create(actor=analyst, data=CaseInput(title="Tyres by truck"))


def list_url(case) -> str:
    return reverse("api:case-document-list", kwargs={"pk": case.pk})


def post_file(client, case, name: str, content: bytes, **extra: str):
    return client.post(list_url(case), {"file": upload_of(name, content), **extra})


def nothing_written(settings) -> None:
    assert not CaseDocument.objects.exists()
    assert not DocumentText.objects.exists()
    assert not Job.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("case-documents/*/*"))


def test_a_zip_is_uploaded_read_by_the_job_and_listed_with_its_state(
    api_client_for, analyst, case, press_release
):
    client = api_client_for(analyst)
    content = zip_bytes(
        {
            "nota/comunicado.pdf": pdf_bytes(*press_release.split("\n\n"), PHONE_SENTENCE),
            "comunicado.docx": docx_bytes(*press_release.split("\n\n")),
        }
    )

    response = post_file(client, case, "gendarmeria.zip", content, description="Press")

    assert response.status_code == 201, response.json()
    body = response.json()
    job = Job.objects.get()
    assert body["job"] == {"id": job.pk, "url": reverse("api:job-detail", kwargs={"pk": job.pk})}
    assert (job.kind, job.parameters["case"]) == ("cases.document_extract", case.pk)
    assert [d["original_name"] for d in body["documents"]] == ["comunicado.pdf", "comunicado.docx"]
    assert {d["extraction"]["status"] for d in body["documents"]} == {"pending"}
    assert {d["description"] for d in body["documents"]} == {"Press"}
    assert AuditRecord.objects.filter(
        object_id=str(case.pk), changes__from="gendarmeria.zip"
    ).exists()

    assert job_run(job_id=job.pk) == JobStatus.SUCCEEDED
    listed = client.get(list_url(case)).json()
    assert [(d["original_name"], d["extraction"]["status"]) for d in listed] == [
        ("comunicado.pdf", "done"),
        ("comunicado.docx", "done"),
    ]
    assert "182 cubiertas" in DocumentText.objects.get(document_id=listed[1]["id"]).text
    assert AuditRecord.objects.filter(
        object_id=str(case.pk), changes__consulted="api documents"
    ).exists()


def test_a_document_added_without_its_text_is_listed_without_a_state(api_client_for, analyst, case):
    from cases.services.case_content import case_document_add

    case_document_add(actor=analyst, case=case, upload=upload_of("plan.pdf", pdf_bytes("Plan")))

    [listed] = api_client_for(analyst).get(list_url(case)).json()

    assert listed["extraction"] is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "The submitted file is empty."),
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" * 50, "is not a PDF, a Word document"),
        ("nested.zip", zip_bytes({"inner.zip": zip_bytes({"a.txt": b"a"})}), "a zip inside"),
        ("many.zip", zip_bytes({f"{n}.txt": f"text {n}".encode() for n in range(5)}), "at most 3"),
        ("broken.zip", b"PK\x03\x04 not really a zip at all", "is not a zip that can be read"),
    ],
)
def test_bad_input_is_refused_with_its_message_and_nothing_written(
    api_client_for, analyst, case, settings, name, content, message
):
    settings.DOCUMENT_ZIP_MAX_MEMBERS = 3

    response = post_file(api_client_for(analyst), case, name, content)

    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"]["file"]), response.json()
    nothing_written(settings)


def test_no_file_or_a_too_long_description_is_refused(api_client_for, analyst, case, settings):
    client = api_client_for(analyst)

    missing = client.post(list_url(case), {"description": "no file"})
    too_long = post_file(client, case, "a.txt", b"Some text.", description="x" * 5000)

    assert missing.status_code == too_long.status_code == 400
    assert "file" in missing.json()["errors"]
    assert "description" in too_long.json()["errors"]
    nothing_written(settings)


def test_an_upload_over_the_size_limit_or_already_in_the_case_is_refused(
    api_client_for, analyst, case, settings
):
    client = api_client_for(analyst)
    assert post_file(client, case, "first.txt", b"Seen at the border.").status_code == 201
    settings.DOCUMENT_UPLOAD_MAX_BYTES = 1000

    again = post_file(client, case, "again.txt", b"Seen at the border.")
    big = post_file(client, case, "big.txt", b"word " * 400)

    assert again.status_code == big.status_code == 400
    assert "already in the case, as first.txt" in again.json()["errors"]["file"][0]
    assert "larger than" in big.json()["errors"]["file"][0]
    assert CaseDocument.objects.count() == 1


def test_who_may_list_and_upload_is_as_on_the_pages(
    api_client_for, analyst, administrator, officer
):
    secret = case_create(actor=analyst, data=CaseInput(title="Birch", restricted=True))
    outsider = UserFactory(username="analyst_out", roles=["analyst"])
    viewer = cast(User, UserFactory(username="analyst_viewer", roles=["analyst"]))
    case_member_add(actor=analyst, case=secret, user=viewer, role="viewer")

    for user, listing, upload in (
        (analyst, 200, 201),
        (viewer, 200, 403),
        (administrator, 200, 403),
        (outsider, 404, 404),
        (officer, 403, 403),
        (None, 401, 401),
    ):
        client = api_client_for(user)
        assert client.get(list_url(secret)).status_code == listing, user
        name = f"{getattr(user, 'username', 'anonymous')}.txt"
        response = post_file(client, secret, name, f"Secret text of {name}".encode())
        assert response.status_code == upload, (user, response.content)
    assert list(CaseDocument.objects.values_list("original_name", flat=True)) == ["analyst.txt"]


def read(client, case, name: str, content: bytes) -> int:
    response = post_file(client, case, name, content)
    assert response.status_code == 201, response.json()
    job_run(job_id=response.json()["job"]["id"])
    return response.json()["documents"][0]["id"]


def suggestions_url(case, document_id: int) -> str:
    return reverse(
        "api:document-suggestion-list", kwargs={"pk": case.pk, "document_id": document_id}
    )


def answer_url(suggestion: DocumentSuggestion, action: str) -> str:
    return reverse(
        f"api:document-suggestion-{action}",
        kwargs={
            "pk": suggestion.case_id,
            "document_id": suggestion.document_id,
            "suggestion_id": suggestion.pk,
        },
    )


def test_suggestions_are_listed_accepted_and_rejected_through_the_services(
    api_client_for, analyst, case
):
    client = api_client_for(analyst)
    document_id = read(
        client, case, "note.txt", b"Call +370 612 34567. The truck ABC 123 crossed on 14.03.2026."
    )

    listed = client.get(suggestions_url(case, document_id)).json()

    by_kind = {s["kind"]: s for s in listed}
    assert {k: (s["value"], s["display_value"]) for k, s in by_kind.items()} == {
        "phone": ("+37061234567", "+37061234567"),
        "plate": ("LT:ABC123", "ABC123"),
        "date": ("2026-03-14", "2026-03-14"),
    }
    assert {s["status"] for s in listed} == {"offered"}
    phone = DocumentSuggestion.objects.get(pk=by_kind["phone"]["id"])
    plate = DocumentSuggestion.objects.get(pk=by_kind["plate"]["id"])

    accepted = client.post(answer_url(phone, "accept"))
    rejected = client.post(answer_url(plate, "reject"))

    assert accepted.status_code == rejected.status_code == 200
    entity = Entity.objects.get(kind="Phone")
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["entity"] == entity.pk
    assert CaseEntity.objects.filter(case=case, entity=entity).exists()
    assert rejected.json()["status"] == "rejected"
    plate.refresh_from_db()
    assert (plate.status, plate.decided_by) == (SuggestionStatus.REJECTED, analyst)
    assert AuditRecord.objects.filter(
        object_id=str(case.pk), changes__suggestion_accepted__kind="phone"
    ).exists()
    assert AuditRecord.objects.filter(
        object_id=str(case.pk), changes__suggestion_rejected__kind="plate"
    ).exists()

    again = client.post(answer_url(phone, "reject"))

    assert again.status_code == 400
    assert again.json()["errors"]["non_field_errors"] == [
        "This suggestion has already been answered."
    ]
    phone.refresh_from_db()
    assert phone.status == SuggestionStatus.ACCEPTED


def test_outsiders_and_viewers_may_not_answer_and_a_suggestion_of_another_document_is_not_found(
    api_client_for, analyst
):
    secret = case_create(actor=analyst, data=CaseInput(title="Birch", restricted=True))
    viewer = cast(User, UserFactory(username="analyst_viewer", roles=["analyst"]))
    case_member_add(actor=analyst, case=secret, user=viewer, role="viewer")
    outsider = UserFactory(username="analyst_out", roles=["analyst"])
    client = api_client_for(analyst)
    first = read(client, secret, "a.txt", b"Call +370 612 34567.")
    second = read(client, secret, "b.txt", b"Write to jonas@example.lt.")
    phone = DocumentSuggestion.objects.get(document_id=first, kind="phone")

    assert api_client_for(outsider).get(suggestions_url(secret, first)).status_code == 404
    assert api_client_for(viewer).get(suggestions_url(secret, first)).status_code == 200
    assert api_client_for(outsider).post(answer_url(phone, "accept")).status_code == 404
    assert api_client_for(viewer).post(answer_url(phone, "reject")).status_code == 403
    elsewhere = reverse(
        "api:document-suggestion-accept",
        kwargs={"pk": secret.pk, "document_id": second, "suggestion_id": phone.pk},
    )
    assert client.post(elsewhere).status_code == 404
    phone.refresh_from_db()
    assert phone.status == SuggestionStatus.OFFERED


def test_the_schema_describes_the_document_operations(api_client_for, analyst):
    response = api_client_for(analyst).get(reverse("api-schema"), {"format": "json"})

    paths = response.json()["paths"] if response.status_code == 200 else {}
    documents = paths["/api/v1/cases/{id}/documents/"]
    assert "multipart/form-data" in documents["post"]["requestBody"]["content"]
    assert {"200"} <= set(documents["get"]["responses"])
    assert "201" in documents["post"]["responses"]
    assert "/api/v1/cases/{id}/documents/{document_id}/suggestions/{suggestion_id}/accept/" in (
        paths
    )
