"""Cross-case hits: on a dossier and on a case's page, every other case and violation where
the same entity, one merged with it or one sharing an identifier appears, with
need-to-know (a restricted case out of reach only as whom to contact)."""

import pytest
from django.urls import reverse

from cases.models import Entity, EntityKind
from cases.services.entities import violation_entity_link
from cases.services.investigations import (
    CaseInput,
    case_create,
    case_entity_link,
    case_member_add,
    case_violation_link,
)
from tests.cases.support import draft_of, open_dossier
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PHONE = "phone:+37061234567"


@pytest.fixture
def lead(db):
    return UserFactory(username="lead_r", first_name="Rūta", last_name="Rimkutė", roles=["analyst"])


@pytest.fixture
def world(analyst, lead, violation_of_officer):
    """The analyst's case holds Jonas; a phone twin of Jonas sits in an open case of
    another lead, in the officer's violation and in that lead's restricted case; an
    absorbed duplicate of Jonas sits in a third case; an unrelated person elsewhere."""
    jonas = Entity.objects.create(kind=EntityKind.PERSON, label="Jonas Šimkus", identifiers=[PHONE])
    twin = Entity.objects.create(kind=EntityKind.PERSON, label="J. Simkus", identifiers=[PHONE])
    absorbed = Entity.objects.create(
        kind=EntityKind.PERSON, label="Йонас Шимкус", merged_into=jonas
    )
    stranger = Entity.objects.create(kind=EntityKind.PERSON, label="Ona Stranger")
    mine = case_create(actor=analyst, data=CaseInput(title="Cigarettes in timber"))
    case_entity_link(actor=analyst, case=mine, entity=jonas, reason="Driver")
    theirs = case_create(actor=lead, data=CaseInput(title="Phone cluster"))
    case_entity_link(actor=lead, case=theirs, entity=twin, reason="Caller")
    merged_case = case_create(actor=lead, data=CaseInput(title="Old courier file"))
    case_entity_link(actor=lead, case=merged_case, entity=absorbed, reason="Courier")
    secret = case_create(actor=lead, data=CaseInput(title="Operation Birch", restricted=True))
    case_entity_link(actor=lead, case=secret, entity=twin, reason="Organiser")
    unrelated = case_create(actor=lead, data=CaseInput(title="Unrelated matter"))
    case_entity_link(actor=lead, case=unrelated, entity=stranger, reason="Witness")
    violation_entity_link(actor=lead, violation=violation_of_officer, entity=twin, role="driver")
    return {
        "jonas": jonas,
        "mine": mine,
        "theirs": theirs,
        "merged_case": merged_case,
        "secret": secret,
        "unrelated": unrelated,
        "violation": violation_of_officer,
    }


def test_the_dossier_lists_hits_through_a_shared_identifier_and_a_merge(analyst, client_for, world):
    response = open_dossier(client_for(analyst), world["jonas"])

    hits = response.context["hits"]
    assert {hit.case.pk: hit.via for hit in hits.cases} == {
        world["theirs"].pk: "identifier",
        world["merged_case"].pk: "merged",
    }
    assert [hit.involvement.violation.pk for hit in hits.violations] == [world["violation"].pk]
    body = response.content.decode()
    assert f"J. Simkus shares the identifier {PHONE} with Jonas Šimkus" in body
    assert "Йонас Шимкус, merged with Jonas Šimkus" in body
    assert world["unrelated"].number not in body
    assert world["secret"].number not in body
    assert "Operation Birch" not in body
    assert "A match exists in a restricted case; contact Rūta Rimkutė." in body


def test_the_case_page_lists_other_cases_and_violations_not_itself(analyst, client_for, world):
    response = client_for(analyst).get(world["mine"].get_absolute_url())

    hits = response.context["hits"]
    numbers = {hit.case.number for hit in hits.cases}
    assert numbers == {world["theirs"].number, world["merged_case"].number}
    assert [hit.involvement.violation.pk for hit in hits.violations] == [world["violation"].pk]
    assert hits.restricted_leads == ["Rūta Rimkutė"]
    body = response.content.decode()
    assert world["secret"].number not in body
    assert "A match exists in a restricted case; contact Rūta Rimkutė." in body


def test_the_restricted_case_team_sees_the_restricted_hit_itself(lead, client_for, world):
    case_entity_link(actor=lead, case=world["unrelated"], entity=world["jonas"], reason="Seen")

    response = client_for(lead).get(world["unrelated"].get_absolute_url())

    hits = response.context["hits"]
    assert world["secret"].number in {hit.case.number for hit in hits.cases}
    assert hits.restricted_leads == []


def test_an_administrator_sees_every_hit_and_no_contact_message(administrator, client_for, world):
    response = client_for(administrator).get(world["mine"].get_absolute_url())

    hits = response.context["hits"]
    assert world["secret"].number in {hit.case.number for hit in hits.cases}
    assert hits.restricted_leads == []
    assert "A match exists in a restricted case" not in response.content.decode()


def test_an_analyst_outside_a_restricted_case_cannot_reach_its_page_for_hits(
    analyst, client_for, world
):
    response = client_for(analyst).get(
        reverse("investigations:case-detail", args=[world["secret"].pk])
    )

    assert response.status_code == 404


@pytest.fixture
def roadside(analyst, officer, world):
    """The analyst's case that links no entity, only the officer's violation (where the
    phone twin of Jonas was the driver); the twin was also caught in a second violation."""
    case = case_create(actor=analyst, data=CaseInput(title="Roadside check"))
    case_violation_link(actor=analyst, case=case, violation=world["violation"], reason="Same lorry")
    twin = Entity.objects.get(label="J. Simkus")
    again = draft_of(officer, narrative="The same driver, a month later.")
    violation_entity_link(actor=officer, violation=again, entity=twin, role="driver")
    return {"case": case, "again": again}


def test_the_case_page_starts_from_its_violations_subjects_too(
    analyst, client_for, world, roadside
):
    response = client_for(analyst).get(roadside["case"].get_absolute_url())

    hits = response.context["hits"]
    assert {hit.case.pk: hit.via for hit in hits.cases} == {
        world["theirs"].pk: "same",
        world["mine"].pk: "identifier",
    }
    assert [hit.involvement.violation.pk for hit in hits.violations] == [roadside["again"].pk]
    assert hits.restricted_leads == ["Rūta Rimkutė"]
    body = response.content.decode()
    assert f"J. Simkus itself (on linked violation {world['violation'].reference})" in body
    assert world["secret"].number not in body
    assert "Operation Birch" not in body
    assert "A match exists in a restricted case; contact Rūta Rimkutė." in body


def test_the_violations_subjects_hits_show_the_restricted_case_to_its_team(
    lead, client_for, world, roadside
):
    case_member_add(
        actor=roadside["case"].lead_analyst, case=roadside["case"], user=lead, role="viewer"
    )

    response = client_for(lead).get(roadside["case"].get_absolute_url())

    hits = response.context["hits"]
    assert world["secret"].pk in {hit.case.pk for hit in hits.cases}
    assert hits.restricted_leads == []
