"""A verified violation yields a non-nominal record (no names, numbers, plates) and a
nominal one; the preview lists exactly what the non-nominal one leaves out."""

import json
from datetime import date

import pytest
from django.urls import reverse

from cases.models import Violation, ViolationStatus
from cases.services.entities import (
    entity_resolve,
    person_properties,
    relation_add,
    violation_entity_link,
)
from cases.services.exchange import cen_record, violation_exchangeable
from portal.models import AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified(violation_of_officer, officer):
    vehicle, _ = entity_resolve(
        actor=officer,
        kind="vehicle",
        values={"plate": "abc 123", "plate_country": "BY"},
        properties={"make_model": "MAN TGX"},
    )
    person, _ = entity_resolve(
        actor=officer,
        kind="person",
        values={"first_name": "Ivan", "last_name": "Petrov"},
        properties=person_properties(birth_date=date(1980, 3, 4), nationality="BY"),
    )
    passport, _ = entity_resolve(
        actor=officer,
        kind="identity_document",
        values={"number": "MP1234567", "document_type": "passport", "country": "BY"},
    )
    relation_add(actor=officer, source=person, target=passport, kind="holds_document")
    violation_entity_link(
        actor=officer, violation=violation_of_officer, entity=vehicle, role="vehicle_used"
    )
    violation_entity_link(
        actor=officer, violation=violation_of_officer, entity=person, role="driver"
    )
    Violation.objects.filter(pk=violation_of_officer.pk).update(
        status=ViolationStatus.VERIFIED, narrative="Driver said nothing."
    )
    violation_of_officer.refresh_from_db()
    return violation_of_officer


def test_the_non_nominal_record_carries_no_name_number_or_plate(verified):
    record = cen_record(verified, nominal=False)

    text = json.dumps(record.content)
    for personal in ("Petrov", "Ivan", "1980-03-04", "MP1234567", "ABC123", "Driver said nothing"):
        assert personal not in text
    assert record.content["persons"] == [
        {"role": "driver", "nationality": "BY", "age_band": "40-49"}
    ]
    assert record.content["vehicles"][0]["registration_country"] == "BY"
    assert record.content["seizure"]["commodity_facts"]["brand"] == "Minsk"
    assert record.content["seizure"]["place"]["latitude"] == 54.54


def test_the_preview_lists_every_personal_field_left_out(verified):
    omitted = {item["field"]: item["value"] for item in cen_record(verified, nominal=False).omitted}

    assert omitted["person (driver): name"] == "Ivan Petrov"
    assert omitted["person (driver): date of birth"] == "1980-03-04"
    assert omitted["person (driver): identity document"] == "BY:PASSPORT:MP1234567"
    assert omitted["vehicle (vehicle_used): plate / VIN"] == "BY:ABC123"
    assert omitted["narrative"] == "Driver said nothing."


def test_the_nominal_record_has_the_people_and_the_plate(verified):
    content = cen_record(verified, nominal=True).content

    assert content["persons"][0]["name"] == "Ivan Petrov"
    assert content["persons"][0]["documents"][0]["key"] == "BY:PASSPORT:MP1234567"
    assert content["vehicles"][0]["key"] == "BY:ABC123"


def test_the_analyst_previews_and_downloads_and_both_are_audited(verified, analyst, client_for):
    client = client_for(analyst)

    page = client.get(reverse("cases:violation-cen", kwargs={"pk": verified.pk}))
    download = client.get(
        reverse("cases:violation-cen-download", kwargs={"pk": verified.pk, "kind": "non-nominal"})
    )

    assert "BY:PASSPORT:MP1234567" in page.content.decode()
    assert "Petrov" not in json.dumps(json.loads(download.content))
    assert AuditRecord.objects.filter(action="export", object_id=str(verified.pk)).count() == 1


def test_a_draft_yields_no_exchange_record(violation_of_officer, analyst, client_for):
    response = client_for(analyst).get(
        reverse("cases:violation-cen", kwargs={"pk": violation_of_officer.pk})
    )

    assert response.status_code == 302
    assert response["Location"] == violation_of_officer.get_absolute_url()


def test_the_api_gives_the_non_nominal_record_and_what_it_leaves_out(
    verified, analyst, api_client_for
):
    response = api_client_for(analyst).get(
        f"/api/v1/violations/{verified.pk}/exchange/non-nominal/"
    )

    body = response.json()
    assert response.status_code == 200
    assert "Petrov" not in json.dumps(body["record"])
    assert {"field": "person (driver): name", "value": "Ivan Petrov"} in body["omitted"]


def test_the_api_refuses_the_record_of_a_draft(violation_of_officer, analyst, api_client_for):
    response = api_client_for(analyst).get(
        f"/api/v1/violations/{violation_of_officer.pk}/exchange/nominal/"
    )

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"


def detail_of(client, violation):
    return client.get(reverse("cases:violation-detail", kwargs={"pk": violation.pk}))


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (ViolationStatus.DRAFT, False),
        (ViolationStatus.SUBMITTED, False),
        (ViolationStatus.VERIFIED, True),
        (ViolationStatus.LINKED, True),
    ],
)
def test_the_detail_page_offers_exchange_records_by_the_services_rule(
    violation_of_officer, analyst, client_for, status, offered
):
    Violation.objects.filter(pk=violation_of_officer.pk).update(status=status)
    violation_of_officer.refresh_from_db()

    response = detail_of(client_for(analyst), violation_of_officer)

    link = reverse("cases:violation-cen", kwargs={"pk": violation_of_officer.pk})
    assert response.context["can_exchange"] is offered
    assert (link in response.content.decode()) is offered
    assert violation_exchangeable(violation_of_officer) is offered


def test_exchange_records_are_not_offered_without_the_export_permission(
    verified, officer, client_for
):
    response = detail_of(client_for(officer), verified)

    assert response.context["can_exchange"] is False


def test_a_linked_violation_yields_its_record_through_the_api_and_it_is_audited(
    verified, analyst, api_client_for
):
    Violation.objects.filter(pk=verified.pk).update(status=ViolationStatus.LINKED)

    response = api_client_for(analyst).get(f"/api/v1/violations/{verified.pk}/exchange/nominal/")

    assert response.status_code == 200
    assert response.json()["record"]["persons"][0]["name"] == "Ivan Petrov"
    record = AuditRecord.objects.get(action="export", object_id=str(verified.pk))
    assert record.actor == analyst
    assert record.changes == {"record": "nominal", "omitted_fields": 0}


def test_the_api_refuses_an_unknown_kind_of_record_and_records_nothing(
    verified, analyst, api_client_for
):
    response = api_client_for(analyst).get(f"/api/v1/violations/{verified.pk}/exchange/full/")

    assert response.status_code == 400
    assert response.json()["errors"] == {"kind": ["Ask for nominal or non-nominal."]}
    assert not AuditRecord.objects.filter(action="export").exists()


def test_the_page_preview_of_a_draft_says_why_and_records_no_consultation(
    violation_of_officer, analyst, client_for
):
    client = client_for(analyst)

    response = client.get(
        reverse("cases:violation-cen", kwargs={"pk": violation_of_officer.pk}), follow=True
    )

    assert "Only a verified violation yields exchange records." in response.content.decode()
    assert not AuditRecord.objects.filter(
        object_id=str(violation_of_officer.pk), changes__view="exchange records"
    ).exists()
