"""The entity registry's list and an entity's dossier, through the front door: what
each persona sees, what is audited, and bad input."""

import json
from datetime import date

import pytest
from django.urls import reverse

from cases.models import EntityKind
from cases.services.entities import entity_resolve, relation_add, violation_entity_link
from cases.services.ftm import ftm_import
from portal.models import AuditRecord
from tests.cases.support import open_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def smuggler(analyst, violation_of_officer):
    """A man met at the officer's violation, director of a company since 2019."""
    man, _new = entity_resolve(
        actor=analyst,
        kind=EntityKind.PERSON,
        values={"first_name": "Jonas", "last_name": "Šimkus"},
        properties={"birthDate": ["1975-06-01"], "nationality": ["lt"]},
        provenance="violation V-1",
    )
    company, _new = entity_resolve(
        actor=analyst, kind=EntityKind.COMPANY, values={"name": "Tabakas UAB"}
    )
    relation = relation_add(
        actor=analyst,
        source=man,
        target=company,
        kind="Directorship",
        provenance="Registrų centras extract",
        provenance_kind="document",
        confidence=80,
        valid_from=date(2019, 3, 1),
    )
    violation_entity_link(actor=analyst, violation=violation_of_officer, entity=man, role="driver")
    return {"man": man, "company": company, "relation": relation}


def test_the_dossier_shows_properties_relations_violations_and_timeline(
    analyst, client_for, smuggler, violation_of_officer
):
    man = smuggler["man"]
    response = open_dossier(client_for(analyst), man.pk)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Birth date" in body
    assert "1975-06-01" in body
    assert "Nationality" in body
    assert "LT" in body
    assert "Tabakas UAB" in body
    assert "directs" in body
    assert "Registrų centras extract" in body
    assert "80%" in body
    assert violation_of_officer.reference in body
    assert 'data-places-url="/api/v1/entities/' in body
    timeline = response.context["dossier"].timeline
    assert [item.what for item in timeline][-2:] == ["directs", "Birth date"]


def test_every_dossier_consultation_is_audited(analyst, client_for, smuggler):
    man = smuggler["man"]
    open_dossier(client_for(analyst), man.pk)

    assert AuditRecord.objects.filter(
        action="view", object_type="cases.entity", object_id=str(man.pk), actor=analyst
    ).exists()


def test_an_officer_of_another_unit_does_not_see_the_violation_in_the_dossier(
    officer_b, client_for, smuggler, violation_of_officer
):
    response = open_dossier(client_for(officer_b), smuggler["man"])

    assert response.status_code == 200
    assert violation_of_officer.reference not in response.content.decode()
    places = client_for(officer_b).get(reverse("api:entity-places", args=[smuggler["man"].pk]))
    assert places.json() == {"type": "FeatureCollection", "features": []}


def test_the_places_of_an_entity_are_its_violation_sites(
    officer, client_for, smuggler, violation_of_officer
):
    places = client_for(officer).get(reverse("api:entity-places", args=[smuggler["man"].pk]))

    (feature,) = places.json()["features"]
    assert feature["properties"]["label"] == violation_of_officer.reference
    assert feature["geometry"]["coordinates"] == pytest.approx([25.6536, 54.5395])


def test_an_unknown_entity_is_not_found(analyst, client_for):
    response = open_dossier(client_for(analyst), 999999)
    assert response.status_code == 404


def test_the_list_filters_by_name_and_schema(analyst, client_for, smuggler):
    client = client_for(analyst)
    url = reverse("entities:entity-list")

    by_name = client.get(url, {"q": "šimk"}).content.decode()
    only_companies = client.get(url, {"kind": "Company"}).content.decode()

    assert "Jonas Šimkus" in by_name
    assert "Tabakas UAB" not in by_name
    assert "Tabakas UAB" in only_companies
    assert "Jonas Šimkus" not in only_companies
    assert AuditRecord.objects.filter(action="search", changes__query="šimk").exists()


def test_an_unknown_schema_in_the_filter_says_so_and_lists_nothing(analyst, client_for, smuggler):
    response = client_for(analyst).get(reverse("entities:entity-list"), {"kind": "Spaceship"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Select a valid choice. Spaceship is not one of the available choices." in body
    assert "Jonas Šimkus" not in body


def test_an_imported_ownership_shows_on_both_dossiers(analyst, client_for):
    lines = [
        json.dumps({"id": "p1", "schema": "Person", "properties": {"name": ["Ivan Zhukov"]}}),
        json.dumps({"id": "c1", "schema": "Company", "properties": {"name": ["Zala Aero"]}}),
        json.dumps(
            {
                "id": "o1",
                "schema": "Ownership",
                "properties": {
                    "owner": ["p1"],
                    "asset": ["c1"],
                    "percentage": ["51"],
                    "startDate": ["2014"],
                },
            }
        ),
    ]
    ftm_import(actor=analyst, lines=lines, source_name="test.jsonl")
    from cases.models import Entity

    company = Entity.objects.get(ftm_id="c1")
    body = open_dossier(client_for(analyst), company.pk)
    text = body.content.decode()
    assert "Ivan Zhukov" in text
    assert "Ownership" in text
    assert "51" in text


def test_the_registry_exports_ftm_for_analysts(analyst, client_for, smuggler):
    response = client_for(analyst).get(reverse("entities:entity-export"), {"kind": "Person"})

    lines = b"".join(response.streaming_content).decode().splitlines()
    (record,) = map(json.loads, lines)
    assert (record["schema"], record["properties"]["name"]) == ("Person", ["Jonas Šimkus"])
    assert AuditRecord.objects.filter(action="export", object_type="cases.entity").exists()


def test_the_api_dossier_is_audited_and_complete(analyst, api_client_for, smuggler):
    response = api_client_for(analyst).get(reverse("api:entity-detail", args=[smuggler["man"].pk]))

    data = response.json()
    assert data["entity"]["schema"] == "Person"
    assert data["properties"]["birthDate"] == ["1975-06-01"]
    (relation,) = data["relations"]
    assert (relation["schema"], relation["valid_from"], relation["confidence"]) == (
        "Directorship",
        "2019-03-01",
        80,
    )
    assert relation["provenance_kind"] == "document"
    assert len(data["violations"]) == 1
    assert AuditRecord.objects.filter(action="view", object_type="cases.entity").exists()


def test_the_list_finds_a_name_written_in_another_alphabet(analyst, client_for):
    entity_resolve(
        actor=analyst, kind=EntityKind.PERSON, values={"first_name": "Иван", "last_name": "Жуков"}
    )

    body = client_for(analyst).get(reverse("entities:entity-list"), {"q": "zhukov"})

    assert "Иван Жуков" in body.content.decode()
