"""Rules that hold whichever door the request comes through: the checks on a person
linked to a violation (page and API alike), the category field definitions (the service,
not only the form), the entity registry read through its selector, and the objects under
a violation reached only through it (404 otherwise)."""

from datetime import timedelta
from decimal import Decimal
from typing import cast

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    Entity,
    Evidence,
    GoodsLine,
    Relation,
    ViolationCategory,
    ViolationEntity,
)
from cases.selectors.entities import entity_get_for_user, entity_list_for_user
from cases.services.categories import category_update
from cases.services.entities import entity_resolve, violation_entity_link
from cases.services.evidence import evidence_add
from cases.services.goods import GoodsInput, goods_line_add
from portal.models import AuditAction, AuditRecord, User
from tests.cases.support import audit_trail, draft_of, jpeg_photo, upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ENTITIES = reverse("api:entity-search")
ISO_MESSAGE = "“XX” is not an ISO 3166 two-letter country code, such as LT or PL."


def entities_url(violation) -> str:
    return reverse("api:violation-entities", kwargs={"pk": violation.pk})


def page_url(name: str, violation, **kwargs) -> str:
    return reverse(f"cases:{name}", kwargs={"pk": violation.pk, **kwargs})


def a_person(**changes):
    return {
        "kind": "person",
        "role": "driver",
        "values": {"first_name": "Jonas", "last_name": "Jonaitis"},
        **changes,
    }


def nothing_linked(violation) -> bool:
    return (
        not Entity.objects.exists()
        and not ViolationEntity.objects.filter(violation=violation).exists()
        and not Relation.objects.exists()
        and not audit_trail(violation, AuditAction.UPDATE)
    )


# --- A person linked through the API is checked as on the page ----------------------------
def test_the_api_refuses_a_person_born_tomorrow_and_writes_nothing(
    api_client_for, officer, violation_of_officer
):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = api_client_for(officer).post(
        entities_url(violation_of_officer),
        a_person(properties={"birth_date": tomorrow}),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"birth_date": ["The date of birth is in the future."]}
    assert nothing_linked(violation_of_officer)


@pytest.mark.parametrize(
    ("birth_date", "message"),
    [
        ("1899-12-31", "The date of birth is before 1900; check the year."),
        ("31.12.1980", "Enter the date of birth as YYYY-MM-DD."),
    ],
)
def test_the_api_refuses_an_implausible_date_of_birth(
    api_client_for, officer, violation_of_officer, birth_date, message
):
    response = api_client_for(officer).post(
        entities_url(violation_of_officer),
        a_person(properties={"birth_date": birth_date}),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"birth_date": [message]}
    assert nothing_linked(violation_of_officer)


def test_the_api_refuses_a_document_of_an_unknown_country_and_writes_nothing(
    api_client_for, officer, violation_of_officer
):
    response = api_client_for(officer).post(
        entities_url(violation_of_officer),
        a_person(document={"number": "AB123456", "document_type": "passport", "country": "XX"}),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"document_country": [ISO_MESSAGE]}
    assert nothing_linked(violation_of_officer)


def test_the_api_refuses_a_document_without_its_country(
    api_client_for, officer, violation_of_officer
):
    response = api_client_for(officer).post(
        entities_url(violation_of_officer),
        a_person(document={"number": "AB123456", "document_type": "passport"}),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"document_country": ["Give the issuing country, e.g. LT."]}
    assert nothing_linked(violation_of_officer)


def test_the_api_links_a_person_with_the_document_they_showed(
    api_client_for, officer, violation_of_officer
):
    response = api_client_for(officer).post(
        entities_url(violation_of_officer),
        a_person(
            properties={"birth_date": "1980-01-02"},
            document={"number": "AB 123 456", "document_type": "passport", "country": "lt"},
            note="Driving",
        ),
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["note"] == "Driving"
    [link] = ViolationEntity.objects.filter(violation=violation_of_officer)
    assert (link.entity.label, link.role) == ("Jonas Jonaitis", "driver")
    [relation] = Relation.objects.all()
    assert (relation.source, relation.kind) == (link.entity, "holds_document")
    assert relation.target.key == "LT:PASSPORT:AB123456"


def test_the_page_refuses_a_person_born_tomorrow_with_the_fields_label(
    client_for, officer, violation_of_officer
):
    response = client_for(officer).post(
        page_url("person-add", violation_of_officer),
        {
            "person-first_name": "Jonas",
            "person-last_name": "Jonaitis",
            "person-birth_date": (timezone.localdate() + timedelta(days=1)).isoformat(),
            "person-document_type": "passport",
            "person-role": "driver",
        },
        follow=True,
    )

    page = response.content.decode()
    assert "Date of birth: The date of birth is in the future." in page
    assert "Document number: Give the number of the document." in page
    assert "Person added." not in page
    assert nothing_linked(violation_of_officer)


def test_the_page_names_the_issuing_country_when_it_is_unknown(
    client_for, officer, violation_of_officer
):
    response = client_for(officer).post(
        page_url("person-add", violation_of_officer),
        {
            "person-first_name": "Jonas",
            "person-last_name": "Jonaitis",
            "person-document_type": "passport",
            "person-document_number": "AB123456",
            "person-document_country": "XX",
            "person-role": "driver",
        },
        follow=True,
    )

    assert "Issuing country: " in response.content.decode()
    assert nothing_linked(violation_of_officer)


# --- Category field definitions are the service's rule ------------------------------------
def test_category_update_refuses_a_malformed_definition_and_changes_nothing(administrator):
    fuel = ViolationCategory.objects.get(code="fuel")
    before = fuel.field_definitions

    with pytest.raises(ValidationError) as refused:
        category_update(
            actor=administrator,
            category=fuel,
            fields={
                "name_en": "Fuel and oil",
                "field_definitions": [{"name": "a", "label_en": "A", "type": "colour"}],
            },
        )

    assert refused.value.message_dict == {
        "field_definitions": [
            "Field 1: the type must be one of boolean, choice, country, currency, decimal, "
            "integer, text."
        ]
    }
    fuel.refresh_from_db()
    assert (fuel.name_en, fuel.field_definitions) == ("Fuel", before)
    assert not AuditRecord.objects.filter(object_type="cases.violationcategory").exists()


def test_an_unknown_category_is_not_found(administrator, client_for):
    response = client_for(administrator).get(reverse("cases:category-edit", kwargs={"pk": 999999}))

    assert response.status_code == 404


# --- The entity registry through its selector ---------------------------------------------
@pytest.fixture
def vehicle(officer):
    entity, _created = entity_resolve(
        actor=officer, kind="vehicle", values={"plate": "ABC 123", "plate_country": "LT"}
    )
    return entity


def test_every_holder_of_view_entity_finds_the_registrys_entities(
    vehicle, officer, officer_b, dispatcher, analyst, api_client_for
):
    for user in (officer, officer_b, dispatcher, analyst):
        response = api_client_for(user).get(ENTITIES, {"q": "abc-1", "kind": "vehicle"})

        assert response.status_code == 200
        assert [row["key"] for row in response.json()["results"]] == ["LT:ABC123"]
    assert list(entity_list_for_user(user=officer_b, query="ABC")) == [vehicle]
    assert entity_get_for_user(user=officer_b, pk=vehicle.pk) == vehicle


def test_the_registry_is_closed_to_those_without_view_entity(vehicle, api_client_for):
    # Every role reads the registry; an account with no role does not.
    nobody = cast(User, UserFactory(username="no_role", roles=[]))
    response = api_client_for(nobody).get(ENTITIES, {"q": "ABC"})

    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        entity_list_for_user(user=nobody, query="ABC")
    with pytest.raises(PermissionDenied):
        entity_get_for_user(user=nobody, pk=vehicle.pk)


def test_an_administrator_looks_entities_up_in_the_registry(vehicle, administrator, api_client_for):
    response = api_client_for(administrator).get(ENTITIES, {"q": "ABC"})

    assert response.status_code == 200
    assert [row["key"] for row in response.json()["results"]] == ["LT:ABC123"]


def test_an_unknown_entity_is_not_found(officer):
    with pytest.raises(Http404):
        entity_get_for_user(user=officer, pk=999999)


def test_a_short_query_or_another_kind_finds_nothing(vehicle, officer):
    assert list(entity_list_for_user(user=officer, query="A")) == []
    assert list(entity_list_for_user(user=officer, query="ABC", kind="person")) == []


# --- Objects under a violation are reached only through it --------------------------------
@pytest.fixture
def other_violation(officer):
    return draft_of(officer)


def test_a_goods_line_of_another_violation_is_not_found(
    officer, violation_of_officer, other_violation, client_for, api_client_for
):
    line = goods_line_add(
        actor=officer,
        violation=other_violation,
        data=GoodsInput(
            hs_code="2402", description="Cigars", quantity=Decimal(3), quantity_unit="pcs"
        ),
    )

    page = client_for(officer).post(page_url("goods-remove", violation_of_officer, line_id=line.pk))
    api = api_client_for(officer).delete(
        reverse(
            "api:violation-goods-line", kwargs={"pk": violation_of_officer.pk, "line_id": line.pk}
        )
    )

    assert (page.status_code, api.status_code) == (404, 404)
    assert GoodsLine.objects.filter(pk=line.pk).exists()


def test_an_involvement_of_another_violation_is_not_found(
    officer, violation_of_officer, other_violation, vehicle, client_for
):
    involvement = violation_entity_link(
        actor=officer, violation=other_violation, entity=vehicle, role="vehicle_used"
    )

    response = client_for(officer).post(
        page_url("involvement-remove", violation_of_officer, involvement_id=involvement.pk)
    )

    assert response.status_code == 404
    assert ViolationEntity.objects.filter(pk=involvement.pk).exists()


def test_an_involvement_is_removed_through_its_violation(
    officer, violation_of_officer, vehicle, client_for
):
    involvement = violation_entity_link(
        actor=officer, violation=violation_of_officer, entity=vehicle, role="vehicle_used"
    )

    response = client_for(officer).post(
        page_url("involvement-remove", violation_of_officer, involvement_id=involvement.pk)
    )

    assert response.status_code == 302
    assert not ViolationEntity.objects.filter(pk=involvement.pk).exists()
    assert "entity_unlinked" in audit_trail(violation_of_officer)[-1].changes


def test_an_evidence_file_of_another_violation_is_not_found(
    officer, violation_of_officer, other_violation, client_for
):
    evidence = evidence_add(
        actor=officer,
        violation=other_violation,
        upload=upload("a.jpg", jpeg_photo(size=(64, 48))),
        description="",
    )

    response = client_for(officer).get(
        page_url("evidence-file", violation_of_officer, evidence_id=evidence.pk, variant="view")
    )

    assert response.status_code == 404
    assert not AuditRecord.objects.filter(action=AuditAction.DOWNLOAD).exists()
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_the_hs_search_finds_headings_by_code_and_by_words(officer, api_client_for):
    client = api_client_for(officer)

    by_code = client.get(reverse("api:hs-code-list"), {"q": "24.02"}).json()
    by_words = client.get(reverse("api:hs-code-list"), {"q": "cigarettes tobacco"}).json()

    assert by_code["results"]
    assert all(row["code"].startswith("2402") for row in by_code["results"])
    assert "240220" in [row["code"] for row in by_words["results"]]


def test_the_violation_api_offers_only_active_categories(officer, api_client_for):
    ViolationCategory.objects.filter(code="fuel").update(is_active=False)
    client = api_client_for(officer)

    listed = client.get(reverse("api:violation-category-list")).json()
    refused = client.post(
        reverse("api:violation-list"),
        {"occurred_at": timezone.now().isoformat(), "category": "fuel"},
        format="json",
    )

    assert "fuel" not in [row["code"] for row in listed]
    assert refused.status_code == 400
    assert "category" in refused.json()["errors"]
