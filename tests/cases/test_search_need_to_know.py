"""Need-to-know in the search: a restricted case, its notes, documents and events, and
an entity only it holds are found and counted by its team and administrators alone;
an open case's are found by every analyst; officers and dispatchers cannot search."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import Entity, SearchEntry
from cases.services.case_content import case_document_add, case_event_add, case_note_add
from cases.services.investigations import CaseInput, case_create, case_entity_link, case_update
from cases.services.search import search_index_refresh
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = reverse("api:search")
PURPOSE = "Operation Birch"


@pytest.fixture
def outside_analyst(db):
    return UserFactory(username="analyst_out", roles=["analyst"])


@pytest.fixture
def secret(analyst):
    """A restricted case led by ``analyst`` with a note, a document, an event and an
    entity only it holds, all mentioning "birch"."""
    case = case_create(
        actor=analyst,
        data=CaseInput(title="Operation Birch", summary="Birch timber lorries", restricted=True),
    )
    smuggler = Entity.objects.create(kind="Person", label="Birchwood Smuggler")
    search_index_refresh(kind="entity", ids=[smuggler.pk])
    case_entity_link(actor=analyst, case=case, entity=smuggler, reason="Organiser")
    case_note_add(actor=analyst, case=case, body="Informant says the birch load moves Tuesday")
    case_document_add(
        actor=analyst,
        case=case,
        upload=SimpleUploadedFile("birch-informant.pdf", b"%PDF-1.4 informant report"),
        description="Informant report on the birch lorries",
    )
    case_event_add(
        actor=analyst,
        case=case,
        title="Birch lorry crossed at Medininkai",
        starts_at=timezone.now() - timedelta(days=1),
    )
    return case


@pytest.fixture
def open_case(analyst):
    return case_create(
        actor=analyst, data=CaseInput(title="Birch furniture fraud", restricted=False)
    )


def found(client, q: str = "birch") -> dict:
    response = client.get(API, {"q": q, "purpose": PURPOSE})
    assert response.status_code == 200, response.content
    return response.json()


def kinds(body: dict) -> dict[str, int]:
    return {v["value"]: v["count"] for v in body["facets"]["kind"]}


def test_the_team_finds_the_restricted_case_and_all_it_holds(
    api_client_for, analyst, secret, open_case
):
    body = found(api_client_for(analyst))

    assert kinds(body) == {
        "case": 2,
        "case_note": 1,
        "case_document": 1,
        "case_event": 1,
        "entity": 1,
    }
    assert body["matches"] == 6
    note = next(hit for hit in body["hits"] if hit["kind"] == "case_note")
    assert note["url"] == reverse("investigations:case-detail", kwargs={"pk": secret.pk})


def test_an_analyst_outside_the_team_finds_nothing_of_it_not_even_in_the_counts(
    api_client_for, outside_analyst, secret, open_case
):
    body = found(api_client_for(outside_analyst))

    assert kinds(body) == {"case": 1}
    assert [hit["object_id"] for hit in body["hits"]] == [open_case.pk]
    assert found(api_client_for(outside_analyst), "Birchwood")["matches"] == 0
    assert found(api_client_for(outside_analyst), "informant")["matches"] == 0


def test_an_administrator_finds_every_case_but_no_violations_or_entities_they_cannot_read(
    api_client_for, administrator, secret, open_case
):
    body = found(api_client_for(administrator))

    assert kinds(body) == {"case": 2, "case_note": 1, "case_document": 1, "case_event": 1}


@pytest.mark.parametrize("role", ["officer", "dispatcher"])
def test_officers_and_dispatchers_may_not_search(api_client_for, personas, secret, role):
    response = api_client_for(personas[role]).get(API, {"q": "birch", "purpose": PURPOSE})

    assert response.status_code == 403


def test_lifting_the_restriction_opens_its_entries_to_every_analyst(
    api_client_for, analyst, outside_analyst, secret
):
    case_update(
        actor=analyst,
        case=secret,
        data=CaseInput(title=secret.title, summary=secret.summary, restricted=False),
    )

    body = found(api_client_for(outside_analyst))

    assert kinds(body) == {
        "case": 1,
        "case_note": 1,
        "case_document": 1,
        "case_event": 1,
        "entity": 1,
    }
    assert not SearchEntry.objects.exclude(restricted_case_ids=[]).exists()


def test_an_entity_also_in_an_open_case_is_everyones(
    api_client_for, analyst, outside_analyst, secret, open_case
):
    smuggler = Entity.objects.get(label="Birchwood Smuggler")
    case_entity_link(actor=analyst, case=open_case, entity=smuggler, reason="Same man")

    body = found(api_client_for(outside_analyst), "Birchwood")

    assert [hit["object_id"] for hit in body["hits"]] == [smuggler.pk]
