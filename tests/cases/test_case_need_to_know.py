"""Need-to-know: a restricted case and what only it holds reach its team and
administrators alone, in lists, counts, the API, the register, document downloads and
the entity registry; others finding one of its entities learn only whom to contact."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import Entity
from cases.selectors.entities import entity_scope_for_user, restricted_case_matches_for_user
from cases.services.case_content import case_document_add, case_note_add
from cases.services.case_work import AssistanceInput, assistance_request_create
from cases.services.investigations import (
    CaseInput,
    case_create,
    case_entity_link,
    case_member_add,
)
from portal.models import AuditRecord
from tests.factories import UserFactory


@pytest.fixture
def team_analyst(analyst):
    analyst.first_name, analyst.last_name = "Jonas", "Jankauskas"
    analyst.save()
    return analyst


@pytest.fixture
def outside_analyst(db):
    return UserFactory(username="analyst_out", roles=["analyst"])


@pytest.fixture
def secret(team_analyst):
    """A restricted case with a document, a note, a request and an entity only it holds."""
    case = case_create(actor=team_analyst, data=CaseInput(title="Operation Birch", restricted=True))
    smuggler = Entity.objects.create(kind="Person", label="Secret Smuggler")
    case_entity_link(actor=team_analyst, case=case, entity=smuggler, reason="Organiser")
    document = case_document_add(
        actor=team_analyst,
        case=case,
        upload=SimpleUploadedFile("informant.pdf", b"%PDF-1.4 informant report"),
    )
    case_note_add(actor=team_analyst, case=case, body="Informant says Tuesday")
    today = timezone.localdate()
    assistance_request_create(
        actor=team_analyst,
        case=case,
        data=AssistanceInput(
            direction="outgoing",
            agency="customs",
            agency_name="Polish customs",
            legal_basis="Naples II",
            subject="Crossings of the truck",
            sent_on=today - timedelta(days=20),
            due_on=today - timedelta(days=1),
            status="sent",
        ),
    )
    return {"case": case, "entity": smuggler, "document": document}


@pytest.fixture
def open_case(outside_analyst):
    return case_create(actor=outside_analyst, data=CaseInput(title="Open matter"))


def test_the_team_and_administrators_list_the_restricted_case_others_do_not(
    secret, open_case, team_analyst, outside_analyst, administrator, client_for
):
    url = reverse("investigations:case-list")
    for user in (team_analyst, administrator):
        page = client_for(user).get(url).content.decode()
        assert "Operation Birch" in page
        assert "Open matter" in page
        assert "2 cases" in page
    page = client_for(outside_analyst).get(url).content.decode()
    assert "Operation Birch" not in page
    assert secret["case"].number not in page
    assert "1 case" in page


def test_an_outsider_gets_404_on_the_restricted_case_page_and_its_document(
    secret, outside_analyst, client_for
):
    client = client_for(outside_analyst)
    case = secret["case"]
    assert client.get(reverse("investigations:case-detail", args=[case.pk])).status_code == 404
    download = reverse(
        "investigations:case-document-download", args=[case.pk, secret["document"].pk]
    )
    assert client.get(download).status_code == 404
    api = reverse("api:case-document-download", args=[case.pk, secret["document"].pk])
    assert client.get(api).status_code == 404


def test_the_api_lists_and_shows_restricted_cases_to_the_team_only(
    secret, open_case, team_analyst, outside_analyst, api_client_for
):
    numbers = {
        row["number"]
        for row in api_client_for(outside_analyst).get(reverse("api:case-list")).json()["results"]
    }
    assert numbers == {open_case.number}
    detail = reverse("api:case-detail", args=[secret["case"].pk])
    assert api_client_for(outside_analyst).get(detail).status_code == 404
    shown = api_client_for(team_analyst).get(detail).json()
    assert shown["notes"][0]["body"] == "Informant says Tuesday"
    assert shown["documents"][0]["sha256"] == secret["document"].sha256


def test_the_register_hides_the_requests_of_restricted_cases_from_outsiders(
    secret, team_analyst, outside_analyst, client_for, api_client_for
):
    url = reverse("investigations:assistance-register")
    assert "Polish customs" in client_for(team_analyst).get(url).content.decode()
    assert "Polish customs" not in client_for(outside_analyst).get(url).content.decode()
    api = api_client_for(outside_analyst).get(reverse("api:assistance-register"))
    assert api.json()["results"] == []


def test_the_register_marks_what_is_overdue(secret, team_analyst, client_for):
    page = client_for(team_analyst).get(
        reverse("investigations:assistance-register"), {"overdue": "on"}
    )
    assert b"data-overdue" in page.content
    assert b"Overdue" in page.content


def test_an_entity_only_a_restricted_case_holds_is_out_of_the_outsiders_reach(
    secret, team_analyst, outside_analyst
):
    entity = secret["entity"]
    assert entity_scope_for_user(user=team_analyst).filter(pk=entity.pk).exists()
    assert not entity_scope_for_user(user=outside_analyst).filter(pk=entity.pk).exists()


def test_an_entity_also_linked_in_an_open_case_stays_in_reach(secret, open_case, outside_analyst):
    entity = secret["entity"]
    case_entity_link(actor=outside_analyst, case=open_case, entity=entity, reason="Seen too")
    assert entity_scope_for_user(user=outside_analyst).filter(pk=entity.pk).exists()
    # ... and the outsider learns whom to ask about the restricted case, nothing more.
    assert restricted_case_matches_for_user(user=outside_analyst, entities=[entity]) == {
        entity.pk: ["Jonas Jankauskas"]
    }


def test_the_team_has_no_restricted_match_to_be_told_of(secret, team_analyst):
    assert restricted_case_matches_for_user(user=team_analyst, entities=[secret["entity"]]) == {}


def test_the_entity_search_of_a_case_says_whom_to_contact_and_nothing_else(
    secret, open_case, outside_analyst, client_for
):
    response = client_for(outside_analyst).get(
        reverse("investigations:case-entity-link", args=[open_case.pk]), {"q": "Secret Smug"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "A match exists in a restricted case; contact Jonas Jankauskas." in page
    assert "Secret Smuggler" not in page
    assert "Operation Birch" not in page
    assert secret["case"].number not in page


def test_joining_the_team_opens_the_case(secret, team_analyst, outside_analyst, client_for):
    case_member_add(actor=team_analyst, case=secret["case"], user=outside_analyst, role="viewer")
    response = client_for(outside_analyst).get(
        reverse("investigations:case-detail", args=[secret["case"].pk])
    )
    assert response.status_code == 200
    # A viewer reads only: no forms to add.
    assert reverse("investigations:case-note-add", args=[secret["case"].pk]) not in (
        response.content.decode()
    )


def test_every_consultation_is_audited(secret, team_analyst, client_for, api_client_for):
    case = secret["case"]
    before = AuditRecord.objects.filter(object_type="cases.case", object_id=str(case.pk))
    count = before.count()
    client_for(team_analyst).get(reverse("investigations:case-detail", args=[case.pk]))
    api_client_for(team_analyst).get(reverse("api:case-detail", args=[case.pk]))
    client_for(team_analyst).get(
        reverse("investigations:case-document-download", args=[case.pk, secret["document"].pk])
    )
    actions = list(before.order_by("id").values_list("action", flat=True))[count:]
    assert actions == ["view", "view", "download"]


@pytest.mark.parametrize("role", ["officer", "dispatcher"])
def test_officers_and_dispatchers_do_not_open_cases(role, secret, personas, client_for):
    client = client_for(personas[role])
    assert client.get(reverse("investigations:case-list")).status_code == 403
    assert (
        client.get(reverse("investigations:case-detail", args=[secret["case"].pk])).status_code
        == 403
    )


def test_the_home_page_shows_my_cases(secret, team_analyst, client_for):
    page = client_for(team_analyst).get(reverse("portal:dashboard")).content.decode()
    assert "My cases" in page
    assert secret["case"].number in page


def test_the_registry_search_api_hides_an_entity_only_a_restricted_case_holds(
    secret, team_analyst, outside_analyst, api_client_for
):
    url = reverse("api:entity-search")
    outsider = api_client_for(outside_analyst).get(url, {"q": "Secret Smug"}).json()
    member = api_client_for(team_analyst).get(url, {"q": "Secret Smug"}).json()
    rows = lambda body: body["results"] if isinstance(body, dict) else body  # noqa: E731
    assert [row["label"] for row in rows(member)] == ["Secret Smuggler"]
    assert rows(outsider) == []
