"""What a document's text offers the case: identifiers checked by the registry's own
validators (a wrong check digit is not offered), HS codes of the nomenclature, dates,
names of registry entities; accepting links or creates the entity of the right schema
with the document as provenance, rejecting is remembered; both audited; the extracted
text found by the search within the case's need-to-know."""

from typing import cast

import pytest
from django.urls import reverse

from cases.lib.document_entities import identifiers_find
from cases.models import (
    CaseEntity,
    CaseEvent,
    CaseNote,
    DocumentSuggestion,
    Entity,
    SuggestionStatus,
)
from cases.services.documents.suggest import suggestion_accept, suggestions_find
from cases.services.documents.upload import case_documents_upload
from cases.services.investigations import CaseInput, case_create, case_member_add
from portal.models import AuditRecord, User
from portal.services.jobs import job_run
from tests.cases.document_support import PHONE_SENTENCE, pdf_bytes, upload_of
from tests.cases.registry_support import registry_generated
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "The truck ABC 123 carried container CSQU3054383; its papers named CSQU3054384. "
    "Payment went to LT12 1000 0111 0100 1000, not LT13 1000 0111 0100 1000. "
    "Declaration 24LT00000000000017 (not 24LT00000000000018) of 14.03.2026, HS code 2402.20. "
    "Write to jonas@example.lt or call +370 612 34567, never +370 612 3456. "
    "They met on 2026-02-30 and on 2026-03-01."
)


def found(text: str) -> set[tuple[str, str]]:
    return {(item.kind, item.value) for item in identifiers_find(text)}


def test_valid_identifiers_are_found_and_wrong_check_digits_are_not():
    assert found(TEXT) == {
        ("plate", "LT:ABC123"),
        ("container", "CSQU3054383"),
        ("iban", "LT121000011101001000"),
        ("mrn", "24LT00000000000017"),
        ("date", "2026-03-14"),
        ("hs_code", "240220"),
        ("email", "jonas@example.lt"),
        ("phone", "+37061234567"),
        ("date", "2026-03-01"),
    }


def test_each_value_keeps_the_sentence_it_came_from():
    by_kind = {item.kind: item.sentence for item in identifiers_find(TEXT)}

    assert by_kind["iban"] == (
        "Payment went to LT12 1000 0111 0100 1000, not LT13 1000 0111 0100 1000."
    )
    assert by_kind["phone"].startswith("Write to jonas@example.lt")


@pytest.fixture
def case(analyst):
    return case_create(actor=analyst, data=CaseInput(title="Cigarettes by truck"))


def read(analyst, case, name: str, content: bytes):
    [document], job = case_documents_upload(
        actor=analyst, case=case, upload=upload_of(name, content)
    )
    job_run(job_id=job.pk)
    return document


def suggestion(document, kind: str) -> DocumentSuggestion:
    return DocumentSuggestion.objects.get(document=document, kind=kind)


def answer(client, suggestion: DocumentSuggestion, verb: str):
    return client.post(
        reverse(
            f"investigations:document-suggestion-{verb}",
            kwargs={
                "pk": suggestion.case_id,
                "document_id": suggestion.document_id,
                "suggestion_id": suggestion.pk,
            },
        )
    )


def test_hs_codes_are_offered_only_when_the_nomenclature_has_them(analyst, case):
    document = read(analyst, case, "a.txt", b"Goods under HS code 2402.20 and TARIC 2402.99.")

    assert list(
        DocumentSuggestion.objects.filter(document=document, kind="hs_code").values_list(
            "value", flat=True
        )
    ) == ["240220"]


def test_a_registry_name_in_the_text_is_offered_as_that_entity(analyst, case):
    person = Entity.objects.create(kind="Person", label="Žydrūnas Čiurlionis")
    document = read(
        analyst, case, "a.txt", "Vairuotojas Žydrūnas Čiurlionis vežė cigaretes.".encode()
    )

    name = suggestion(document, "name")
    assert name.entity == person
    assert name.sentence == "Vairuotojas Žydrūnas Čiurlionis vežė cigaretes."


def test_a_registry_name_is_found_whatever_the_case_of_its_letters(analyst, case):
    shouting = Entity.objects.create(kind="Person", label="JONAS PETRAITIS")
    quiet = Entity.objects.create(kind="Company", label="Medžio Pjūklas")
    document = read(
        analyst,
        case,
        "a.txt",
        "Jonas Petraitis dirba MEDŽIO PJŪKLAS įmonėje.".encode(),
    )

    assert set(
        DocumentSuggestion.objects.filter(document=document, kind="name").values_list(
            "entity", flat=True
        )
    ) == {shouting.pk, quiet.pk}


def test_accepting_a_name_merged_twice_since_it_was_found_links_the_surviving_entity(analyst, case):
    from cases.services.resolution import entity_merge

    found = Entity.objects.create(kind="Person", label="Žydrūnas Čiurlionis")
    document = read(analyst, case, "a.txt", "Žydrūnas Čiurlionis vežė.".encode())
    middle = Entity.objects.create(kind="Person", label="Zydrunas Ciurlionis")
    last = Entity.objects.create(kind="Person", label="Ž. Čiurlionis")
    entity_merge(actor=analyst, kept=middle, absorbed=found)
    entity_merge(actor=analyst, kept=last, absorbed=middle)

    accepted = suggestion_accept(actor=analyst, suggestion=suggestion(document, "name"))

    assert accepted.entity == last
    assert CaseEntity.objects.filter(case=case, entity=last).exists()
    assert not CaseEntity.objects.filter(case=case, entity__in=[found, middle]).exists()


def test_the_registry_names_are_looked_up_through_the_index_of_upper_case_names(analyst, case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Entity.objects.create(kind="Person", label="JONAS PETRAITIS")
    document = read(analyst, case, "a.txt", b"Nothing to say.")
    with CaptureQueriesContext(connection) as captured:
        suggestions_find(document=document, text="Jonas Petraitis vairavo.")
    [lookup] = [q["sql"] for q in captured.captured_queries if "UPPER(" in q["sql"]]

    # A registry of 40,000 people, analysed: on a table of two rows the planner picks any
    # index (merged_into_id IS NULL matched them all, one run in a few).
    registry_generated(kind="Person", label="PERSON ")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + lookup)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "entity_label_upper" in plan, plan


def test_accepting_a_phone_creates_the_phone_entity_and_links_it_with_the_document_as_provenance(
    client_for, analyst, case
):
    document = read(analyst, case, "report.pdf", pdf_bytes(PHONE_SENTENCE))
    phone = suggestion(document, "phone")

    response = answer(client_for(analyst), phone, "accept")

    assert response.status_code == 302
    phone.refresh_from_db()
    assert phone.status == SuggestionStatus.ACCEPTED
    assert phone.decided_by == analyst
    entity = Entity.objects.get(kind="Phone", key="+37061234567")
    assert phone.entity == entity
    assert entity.provenance == f"document {case.number} report.pdf sha256:{document.sha256[:16]}"
    link = CaseEntity.objects.get(case=case, entity=entity)
    assert PHONE_SENTENCE in link.reason
    assert AuditRecord.objects.filter(
        object_id=str(case.pk), changes__suggestion_accepted__value="+37061234567"
    ).exists()


def test_accepting_an_identifier_the_registry_holds_links_that_entity(client_for, analyst, case):
    existing = Entity.objects.create(kind="BankAccount", key="LT121000011101001000", label="LT12")
    document = read(analyst, case, "a.txt", b"Paid to LT12 1000 0111 0100 1000.")

    answer(client_for(analyst), suggestion(document, "iban"), "accept")

    assert Entity.objects.filter(kind="BankAccount").count() == 1
    assert CaseEntity.objects.filter(case=case, entity=existing).exists()


def test_accepting_a_plate_creates_a_vehicle_and_a_container_a_container(client_for, analyst, case):
    document = read(analyst, case, "a.txt", b"Truck ABC 123 towed CSQU 305438 3.")
    client = client_for(analyst)

    answer(client, suggestion(document, "plate"), "accept")
    answer(client, suggestion(document, "container"), "accept")

    assert Entity.objects.filter(kind="Vehicle", key="LT:ABC123").exists()
    assert Entity.objects.filter(kind="Container", key="CSQU3054383").exists()
    assert CaseEntity.objects.filter(case=case).count() == 2


def test_accepting_an_hs_code_writes_a_note_and_a_date_an_event(client_for, analyst, case):
    document = read(analyst, case, "a.txt", b"Seized on 14.03.2026 under HS code 2402.20.")
    client = client_for(analyst)

    answer(client, suggestion(document, "hs_code"), "accept")
    answer(client, suggestion(document, "date"), "accept")

    assert "2402.20 (Cigarettes; containing tobacco)" in CaseNote.objects.get(case=case).body
    event = CaseEvent.objects.get(case=case)
    assert event.starts_at.date().isoformat() == "2026-03-14"


def test_a_rejected_value_is_remembered_and_not_offered_again(client_for, analyst, case):
    first = read(analyst, case, "first.txt", b"Call +370 612 34567.")
    response = answer(client_for(analyst), suggestion(first, "phone"), "reject")
    assert response.status_code == 302

    second = read(analyst, case, "second.txt", b"Again: +370 612 34567 answered.")

    assert not DocumentSuggestion.objects.filter(document=second).exists()
    assert DocumentSuggestion.objects.get(case=case).status == SuggestionStatus.REJECTED
    assert not Entity.objects.filter(kind="Phone").exists()
    assert AuditRecord.objects.filter(
        object_id=str(case.pk), changes__suggestion_rejected__value="+37061234567"
    ).exists()
    page = client_for(analyst).get(
        reverse(
            "investigations:case-document-detail",
            kwargs={"pk": case.pk, "document_id": first.pk},
        )
    )
    assert "Accept" not in page.content.decode()


def test_an_answered_suggestion_is_not_answered_twice(client_for, analyst, case):
    document = read(analyst, case, "a.txt", b"Call +370 612 34567.")
    phone = suggestion(document, "phone")
    client = client_for(analyst)
    answer(client, phone, "reject")

    response = answer(client, phone, "accept")

    assert response.status_code == 302
    assert not Entity.objects.filter(kind="Phone").exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("already been answered" in m for m in messages)


def test_outsiders_and_viewers_may_not_answer(client_for, analyst):
    secret = case_create(actor=analyst, data=CaseInput(title="Birch", restricted=True))
    viewer = cast(User, UserFactory(username="analyst_viewer", roles=["analyst"]))
    case_member_add(actor=analyst, case=secret, user=viewer, role="viewer")
    outsider = UserFactory(username="analyst_out", roles=["analyst"])
    phone = suggestion(read(analyst, secret, "a.txt", b"Call +370 612 34567."), "phone")

    assert answer(client_for(outsider), phone, "accept").status_code == 404
    assert answer(client_for(viewer), phone, "reject").status_code == 403
    phone.refresh_from_db()
    assert phone.status == SuggestionStatus.OFFERED


def test_the_search_finds_document_text_within_the_case_need_to_know(api_client_for, analyst):
    secret = case_create(actor=analyst, data=CaseInput(title="Birch", restricted=True))
    outsider = UserFactory(username="analyst_out", roles=["analyst"])
    document = read(
        analyst, secret, "informant.pdf", pdf_bytes("The sawmill at Varėna hides the cigarettes.")
    )

    def search(user) -> dict:
        response = api_client_for(user).get(
            reverse("api:search"), {"q": "sawmill Varena", "purpose": "Operation Birch"}
        )
        assert response.status_code == 200, response.content
        return response.json()

    mine = search(analyst)
    assert [(h["kind"], h["object_id"]) for h in mine["hits"]] == [("case_document", document.pk)]
    assert mine["hits"][0]["url"] == reverse(
        "investigations:case-document-detail",
        kwargs={"pk": secret.pk, "document_id": document.pk},
    )
    theirs = search(outsider)
    assert theirs["matches"] == 0
    assert theirs["facets"]["kind"] == [] or all(f["count"] == 0 for f in theirs["facets"]["kind"])
