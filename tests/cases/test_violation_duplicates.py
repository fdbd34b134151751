"""Before submit, the officer sees other entries with the same vehicle or person that day nearby."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from cases.models import ViolationCategory
from cases.selectors.violations import violation_possible_duplicates
from cases.services.entities import entity_resolve, violation_entity_link
from cases.services.violations import ViolationInput, violation_create

pytestmark = pytest.mark.django_db

MEDININKAI = Point(25.6536, 54.5395, srid=4326)


def logged(actor, *, at, where=MEDININKAI, plate="ABC123"):
    violation, _ = violation_create(
        actor=actor,
        data=ViolationInput(
            occurred_at=at, category=ViolationCategory.objects.get(code="fuel"), location=where
        ),
    )
    vehicle, _ = entity_resolve(
        actor=actor, kind="vehicle", values={"plate": plate, "plate_country": "LT"}
    )
    violation_entity_link(actor=actor, violation=violation, entity=vehicle, role="vehicle_used")
    return violation


def test_the_same_plate_nearby_on_the_same_day_is_a_possible_duplicate(
    officer, violation_of_officer
):
    # Yesterday at ten, Vilnius time: twenty minutes later is still the same day whenever
    # the test runs (an hour ago plus twenty minutes crosses midnight at times).
    morning = (timezone.localtime() - timedelta(days=1)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    first = logged(officer, at=morning)
    second = logged(
        officer,
        at=morning + timedelta(minutes=20),
        where=Point(25.68, 54.54, srid=4326),
    )

    found = violation_possible_duplicates(user=officer, violation=second)

    assert found.visible == [first]
    assert found.hidden_count == 0


def test_another_plate_another_day_or_far_away_is_not(officer, violation_of_officer):
    when = violation_of_officer.occurred_at
    subject = logged(officer, at=when)
    logged(officer, at=when, plate="XYZ987")
    logged(officer, at=when - timedelta(days=2))
    logged(officer, at=when, where=Point(23.90, 54.90, srid=4326))  # Kaunas, 100 km away

    found = violation_possible_duplicates(user=officer, violation=subject)

    assert found.visible == []
    assert found.hidden_count == 0


def test_a_match_in_another_unit_is_counted_but_not_shown(officer, officer_b, violation_of_officer):
    when = violation_of_officer.occurred_at
    logged(officer_b, at=when)
    mine = logged(officer, at=when)

    found = violation_possible_duplicates(user=officer, violation=mine)

    assert found.visible == []
    assert found.hidden_count == 1


def test_the_violation_page_warns_before_submit(officer, violation_of_officer, client_for):
    when = violation_of_officer.occurred_at
    first = logged(officer, at=when)
    second = logged(officer, at=when)

    page = (
        client_for(officer)
        .get(reverse("cases:violation-detail", kwargs={"pk": second.pk}))
        .content.decode()
    )

    assert "Possible duplicate" in page
    assert first.reference in page


def test_a_company_is_added_once_to_the_registry_and_linked(
    officer, violation_of_officer, client_for
):
    from cases.models import Entity

    url = reverse("cases:company-add", kwargs={"pk": violation_of_officer.pk})
    data = {
        "company-name": "UAB Pavyzdys",
        "company-registration_code": "123456786",
        "company-country": "LT",
        "company-role": "consignee",
    }
    client = client_for(officer)

    client.post(url, data)
    client.post(url, {**data, "company-role": "owner"})

    company = Entity.objects.get(kind="Company")
    assert company.label == "UAB Pavyzdys"
    assert company.key == "LT:123456786"
    assert set(violation_of_officer.involvements.values_list("role", flat=True)) == {
        "consignee",
        "owner",
    }


def test_the_list_filters_by_unit_and_by_reporter(
    officer, officer_b, dispatcher, violation_of_officer, client_for
):
    from tests.cases.support import draft_of

    other = draft_of(officer_b)

    by_unit = client_for(dispatcher).get(
        reverse("cases:violation-list"), {"unit": officer_b.org_unit_id}
    )
    mine = client_for(officer).get(reverse("cases:violation-list"), {"mine": "on"})

    assert [v.reference for v in by_unit.context["page"]] == [other.reference]
    assert [v.reference for v in mine.context["page"]] == [violation_of_officer.reference]


def test_typing_part_of_a_document_number_finds_the_registered_document(officer, api_client_for):
    entity_resolve(
        actor=officer,
        kind="identity_document",
        values={"number": "MP 1234567", "document_type": "passport", "country": "BY"},
    )

    response = api_client_for(officer).get(
        "/api/v1/entities/", {"kind": "identity_document", "q": "mp12"}
    )

    assert [entity["key"] for entity in response.json()["results"]] == ["BY:PASSPORT:MP1234567"]
