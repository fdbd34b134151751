"""Administrators edit categories; a malformed field definition is refused, nothing saved."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Violation, ViolationCategory
from portal.models import AuditRecord

pytestmark = pytest.mark.django_db

PLAIN = {"name": "a", "label_en": "A", "label_lt": "B"}


def edit(client, category, **overrides):
    data = {
        "name_en": category.name_en,
        "name_lt": category.name_lt,
        "sort_order": category.sort_order,
        "is_active": "on",
        "field_definitions_json": json.dumps(category.field_definitions),
    }
    data.update(overrides)
    return client.post(reverse("cases:category-edit", kwargs={"pk": category.pk}), data)


def test_administrator_renames_and_withdraws_a_category(administrator, client_for):
    fuel = ViolationCategory.objects.get(code="fuel")
    data = {"name_en": "Fuel and oil", "is_active": ""}

    response = edit(client_for(administrator), fuel, **data)

    assert response.status_code == 302
    fuel.refresh_from_db()
    assert fuel.name_en == "Fuel and oil"
    assert not fuel.is_active
    record = AuditRecord.objects.get(object_type="cases.violationcategory", object_id=str(fuel.pk))
    assert record.changes["name_en"] == ["Fuel", "Fuel and oil"]


def test_an_added_field_is_offered_by_the_violation_form(administrator, officer, client_for):
    fuel = ViolationCategory.objects.get(code="fuel")
    fields = [
        *fuel.field_definitions,
        {"name": "litres", "label_en": "Litres", "label_lt": "Litrai", "type": "decimal"},
    ]

    edit(client_for(administrator), fuel, field_definitions_json=json.dumps(fields))

    page = client_for(officer).get(reverse("cases:violation-create")).content.decode()
    assert 'name="d_fuel_litres"' in page


@pytest.mark.parametrize(
    ("litres", "message"),
    [
        ("60000", "The number must be at most 50000."),
        ("0.5", "The number must be at least 1."),
        ("12.3456", "Give at most 3 decimal places."),
    ],
)
def test_a_field_keeps_to_the_bounds_its_definition_states(
    administrator, officer, api_client_for, client_for, litres, message
):
    fuel = ViolationCategory.objects.get(code="fuel")
    litres_field = {
        "name": "litres",
        "label_en": "Litres",
        "label_lt": "Litrai",
        "type": "decimal",
        "min": 1,
        "max": 50000,
    }
    fields = [*fuel.field_definitions, litres_field]
    edit(client_for(administrator), fuel, field_definitions_json=json.dumps(fields))

    response = api_client_for(officer).post(
        reverse("api:violation-list"),
        {
            "category": "fuel",
            "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "details": {"litres": litres},
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"details.litres": [message]}
    assert not Violation.objects.exists()


@pytest.mark.parametrize(
    ("definitions", "message"),
    [
        ("[{", "Not valid JSON"),
        ('{"name": "x"}', "must be a list"),
        ('[{"name": "bad name", "label_en": "A", "label_lt": "B"}]', "needs a name"),
        (
            '[{"name": "a", "label_en": "A", "label_lt": "B", "type": "colour"}]',
            "the type must be one of",
        ),
        ('[{"name": "a", "label_en": "A"}]', "needs label_lt"),
        (
            json.dumps([{**PLAIN, "type": "choice", "choices": [["x"]]}]),
            "[value, English, Lithuanian]",
        ),
        (json.dumps([PLAIN, PLAIN]), "used twice"),
        (json.dumps([{**PLAIN, "type": "integer", "max": "lots"}]), "min and max are numbers"),
        (json.dumps([{**PLAIN, "type": "integer", "max": True}]), "min and max are numbers"),
        (json.dumps([{**PLAIN, "type": "decimal", "min": 5, "max": 1}]), "min is above max"),
    ],
)
def test_a_malformed_definition_is_refused_and_nothing_changes(
    administrator, client_for, definitions, message
):
    fuel = ViolationCategory.objects.get(code="fuel")
    before = fuel.field_definitions

    response = edit(client_for(administrator), fuel, field_definitions_json=definitions)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["field_definitions_json"])
    fuel.refresh_from_db()
    assert fuel.field_definitions == before


def test_an_analyst_cannot_edit_categories(analyst, client_for):
    fuel = ViolationCategory.objects.get(code="fuel")

    response = edit(client_for(analyst), fuel, name_en="Changed")

    assert response.status_code == 403
    fuel.refresh_from_db()
    assert fuel.name_en == "Fuel"
