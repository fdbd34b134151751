"""The case extract for another agency: the preview lists what is left out (the policy's
fields and what the analyst marks), the bundle a real worker builds leaves it out of
every file, its manifest's hashes are the files', its FtM parses, and need-to-know
holds for what goes and for who starts it."""

import hashlib
import io
import json
import time
import zipfile
from typing import cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from followthemoney import model

from cases.models import AssistanceRequest, Entity, Relation
from cases.services.case_content import case_document_add
from cases.services.extract import masked
from cases.services.investigations import CaseInput, case_create, case_entity_link
from portal.models import AuditAction, AuditRecord, Job, JobStatus, User
from tests.factories import UserFactory

ID_NUMBER = "38501011234"
BIRTH_DATE = "1985-01-01"
NOTE = "Informant Jonas met him at the border"
REGISTRATION = "300111222"
SOURCE = "https://intranet.example/officer-petraitis"
ORDER_SECRET = "Side Person Kazlauskas"
HIDDEN = "Hidden Witness Vilkas"


@pytest.fixture
def outside_analyst(db):
    return UserFactory(username="analyst_out", roles=["analyst"])


@pytest.fixture
def birch(analyst):
    """A case of ``analyst``: a person with an id number, birth date and notes, a company
    with its registration number and our source, their directorship, a side person
    owning the company, and a request for assistance. Beside it, a restricted case of
    another team holds a witness linked to the person."""
    case = case_create(actor=analyst, data=CaseInput(title="Operation Birch"))
    person = Entity.objects.create(
        kind="Person",
        label="Secret Smuggler",
        properties={
            "name": ["Secret Smuggler"],
            "idNumber": [ID_NUMBER],
            "birthDate": [BIRTH_DATE],
            "notes": [NOTE],
            "nationality": ["lt"],
        },
    )
    company = Entity.objects.create(
        kind="Company",
        label="Birch Timber UAB",
        properties={
            "name": ["Birch Timber UAB"],
            "registrationNumber": [REGISTRATION],
            "sourceUrl": [SOURCE],
            "country": ["lt"],
        },
    )
    side = Entity.objects.create(
        kind="Person", label=ORDER_SECRET, properties={"name": [ORDER_SECRET]}
    )
    Relation.objects.create(source=person, target=company, kind="Directorship")
    Relation.objects.create(source=side, target=company, kind="Ownership")
    for entity, why in ((person, "Organiser"), (company, "Front"), (side, "Owner")):
        case_entity_link(actor=analyst, case=case, entity=entity, reason=why)
    other_lead = cast(User, UserFactory(username="analyst_other", roles=["analyst"]))
    hidden_case = case_create(
        actor=other_lead, data=CaseInput(title="Operation Wolf", restricted=True)
    )
    witness = Entity.objects.create(kind="Person", label=HIDDEN, properties={"name": [HIDDEN]})
    case_entity_link(actor=other_lead, case=hidden_case, entity=witness, reason="Witness")
    Relation.objects.create(source=witness, target=person, kind="Associate")
    AssistanceRequest.objects.create(
        case=case,
        direction="outgoing",
        agency="customs",
        agency_name="Latvian customs",
        legal_basis="Naples II Convention, Art. 10",
        subject="Timber company owners",
        their_reference="LV-2026-17",
        created_by=analyst,
    )
    case.test_entities = {"person": person, "company": company, "side": side}  # type: ignore[attr-defined]
    return case


def extract_url(case) -> str:
    return reverse("investigations:case-extract", kwargs={"pk": case.pk})


def test_the_preview_lists_the_policy_fields_masked_with_their_reason(birch, analyst, client_for):
    page = client_for(analyst).get(extract_url(birch)).content.decode()

    left_out = page[page.index('id="extract-left-out"') :]
    assert masked(ID_NUMBER) in left_out
    assert masked(BIRTH_DATE) in left_out
    assert "A personal identification number never leaves the service." in left_out
    assert "A date or place of birth never leaves the service." in left_out
    assert "Our internal notes never leave the service." in left_out
    assert "Where and from whom we learned it never leaves the service." in left_out
    # The values themselves are nowhere on the page.
    for value in (ID_NUMBER, BIRTH_DATE, NOTE, SOURCE):
        assert value not in page
    # What goes is offered to be left out too; what another team keeps is not there.
    assert "Leave this entity out" in page
    assert REGISTRATION in page
    assert HIDDEN not in page
    # The preview is a consultation of the case.
    assert AuditRecord.objects.filter(
        object_type="cases.case", object_id=str(birch.pk), changes__consulted="extract preview"
    ).exists()


def test_what_the_analyst_marks_is_listed_with_the_relations_it_takes_along(
    birch, analyst, client_for
):
    side, company = birch.test_entities["side"], birch.test_entities["company"]

    page = (
        client_for(analyst)
        .post(
            extract_url(birch),
            {
                "action": "preview",
                "agency": "",
                "leave_entity": [side.pk],
                "leave_property": [f"{company.pk}:registrationNumber"],
            },
        )
        .content.decode()
    )

    left_out = page[page.index('id="extract-left-out"') :]
    assert "You marked this entity to be left out." in left_out
    assert ORDER_SECRET in left_out
    assert "You marked this property to be left out." in left_out
    assert masked(REGISTRATION) in left_out
    assert "One of its ends is left out or not in the extract." in left_out
    assert "Name the receiving agency." not in page  # a preview judges nothing yet


def test_marks_changed_since_the_preview_are_shown_before_anything_is_built(
    birch, analyst, client_for
):
    side = birch.test_entities["side"]

    response = client_for(analyst).post(
        extract_url(birch),
        {
            "action": "build",
            "agency": "Latvian customs",
            "previewed": "",
            "leave_entity": [side.pk],
        },
    )

    assert response.status_code == 200
    assert "You changed what is left out" in response.content.decode()
    assert not Job.objects.exists()


def test_building_asks_for_the_agency(birch, analyst, client_for):
    response = client_for(analyst).post(
        extract_url(birch), {"action": "build", "agency": "  ", "previewed": ""}
    )

    assert response.status_code == 400
    assert "Name the receiving agency." in response.content.decode()
    assert not Job.objects.exists()


def test_an_analyst_outside_the_team_and_a_viewer_cannot_start_an_extract(
    birch, outside_analyst, client_for, api_client_for
):
    assert client_for(outside_analyst).get(extract_url(birch)).status_code == 403
    refused = api_client_for(outside_analyst).post(
        reverse("api:job-list"),
        {"kind": "cases.case_extract", "parameters": {"case": birch.pk, "agency": "LV"}},
        format="json",
    )
    assert refused.status_code == 400
    assert "parameters.case" in refused.content.decode()
    assert not Job.objects.exists()


def test_a_restricted_case_is_not_even_found_by_an_outsider(analyst, outside_analyst, client_for):
    hidden = case_create(actor=analyst, data=CaseInput(title="Operation Oak", restricted=True))

    assert client_for(outside_analyst).get(extract_url(hidden)).status_code == 404


def test_an_administrator_sees_the_preview(birch, administrator, client_for):
    page = client_for(administrator).get(extract_url(birch))

    assert page.status_code == 200
    assert masked(ID_NUMBER) in page.content.decode()


def test_the_case_page_offers_the_extract_to_its_team_only(
    birch, analyst, outside_analyst, client_for
):
    assert extract_url(birch) in client_for(analyst).get(birch.get_absolute_url()).content.decode()
    outsider_page = client_for(outside_analyst).get(birch.get_absolute_url()).content.decode()
    assert extract_url(birch) not in outsider_page


WAIT_S = 60


def finished(job: Job) -> Job:
    deadline = time.monotonic() + WAIT_S
    while Job.objects.get(pk=job.pk).status not in {
        JobStatus.SUCCEEDED,
        JobStatus.FAILED,
        JobStatus.CANCELLED,
    }:
        if time.monotonic() > deadline:
            raise AssertionError("The job did not end in time")
        time.sleep(0.1)
    job.refresh_from_db()
    return job


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_a_bundle_without_what_is_left_out_and_with_true_hashes(
    celery_worker_process, worker_media_root, settings, birch, analyst, client_for
):
    settings.MEDIA_ROOT = worker_media_root
    case_document_add(
        actor=analyst,
        case=birch,
        upload=SimpleUploadedFile("seizure.pdf", b"%PDF-1.4 seizure record"),
    )
    side, company = birch.test_entities["side"], birch.test_entities["company"]
    marks = {"leave_entity": [side.pk], "leave_property": [f"{company.pk}:registrationNumber"]}
    client = client_for(analyst)
    preview = client.post(extract_url(birch), {"action": "preview", "agency": "", **marks})
    previewed = preview.context["previewed"]
    request_id = AssistanceRequest.objects.get(case=birch).pk

    response = client.post(
        extract_url(birch),
        {
            "action": "build",
            "agency": "Latvian State Revenue Service",
            "assistance_request": request_id,
            "documents": "on",
            "previewed": previewed,
            **marks,
        },
    )

    job = Job.objects.get(owner=analyst, kind="cases.case_extract")
    assert response["Location"] == reverse("portal:job-detail", kwargs={"pk": job.pk})
    job = finished(job)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.progress_percent == 100
    result = job.results.get()
    download_url = reverse(
        "portal:job-result-download", kwargs={"pk": job.pk, "result_id": result.pk}
    )
    download = client.get(download_url)
    assert download.status_code == 200
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = set(bundle.namelist())
    assert {"entities.ftm.jsonl", "manifest.json", "SHA256SUMS", "documents/seizure.pdf"} <= names

    # Nothing left out is in any file of the zip.
    for name in names:
        content = bundle.read(name).decode("utf-8", errors="replace")
        for value in (ID_NUMBER, BIRTH_DATE, NOTE, SOURCE, REGISTRATION, ORDER_SECRET, HIDDEN):
            assert value not in content, (value, name)

    # The FtM is valid, and the relations left are between entities of the file.
    proxies = [
        model.get_proxy(json.loads(line), cleaned=False)
        for line in bundle.read("entities.ftm.jsonl").decode().splitlines()
    ]
    ids = {proxy.id for proxy in proxies}
    assert {proxy.schema.name for proxy in proxies} == {"Person", "Company", "Directorship"}
    (directorship,) = [proxy for proxy in proxies if proxy.schema.edge]
    assert set(directorship.get("director") + directorship.get("organization")) <= ids
    person = next(proxy for proxy in proxies if proxy.schema.name == "Person")
    assert person.get("nationality") == ["lt"]

    # The manifest's hashes are the files', and SHA256SUMS the manifest's too.
    manifest_bytes = bundle.read("manifest.json")
    manifest = json.loads(manifest_bytes)
    assert manifest["case"] == birch.number
    assert manifest["receiving_agency"] == "Latvian State Revenue Service"
    assert manifest["assistance_request"]["their_reference"] == "LV-2026-17"
    assert manifest["prepared_by"] == "analyst"
    assert manifest["counts"] == {"entities": 2, "relations": 1, "documents": 1}
    assert manifest["left_out"] == {
        "marked-entity": 1,
        "marked-property": 1,
        "policy-birth-date": 1,
        "policy-internal-notes": 1,
        "policy-personal-identifier": 1,
        "policy-provenance": 1,
        "relation-end-left-out": 1,
    }
    for item in manifest["files"]:
        kept = bundle.read(item["path"])
        assert hashlib.sha256(kept).hexdigest() == item["sha256"]
        assert len(kept) == item["size"]
    sums: dict[str, str] = {}
    for line in bundle.read("SHA256SUMS").decode().splitlines():
        digest, name = line.split("  ", 1)
        sums[name] = digest
    assert sums["manifest.json"] == hashlib.sha256(manifest_bytes).hexdigest()
    for name in names - {"SHA256SUMS"}:
        assert sums[name] == hashlib.sha256(bundle.read(name)).hexdigest()

    # Audited as an export of the case, and only its owner downloads it.
    record = AuditRecord.objects.get(
        action=AuditAction.EXPORT, object_type="cases.case", object_id=str(birch.pk)
    )
    assert record.changes["extract"] == "Latvian State Revenue Service"
    assert record.changes["left_out"]["marked-entity"] == 1
    other = UserFactory(username="analyst_other2", roles=["analyst"])
    forbidden = client_for(other).get(download_url)
    assert forbidden.status_code in {403, 404}
