"""Administrators edit categories and their fields, one row a field, without JSON; a
malformed field is refused at the field, nothing saved; the preview shows the violation
form's section as the rows make it."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Violation, ViolationCategory
from portal.models import AuditRecord

pytestmark = pytest.mark.django_db

PLAIN = {"name": "a", "label_en": "A", "label_lt": "B"}


def rows(definitions: list[dict[str, Any]]) -> dict[str, Any]:
    """The rows of the field editor as the browser posts them, in the order given."""
    data: dict[str, Any] = {
        "fields-TOTAL_FORMS": str(len(definitions)),
        "fields-INITIAL_FORMS": "0",
    }
    for index, definition in enumerate(definitions):
        prefix = f"fields-{index}-"
        data.update(
            {
                prefix + "name": definition.get("name", ""),
                prefix + "label_en": definition.get("label_en", ""),
                prefix + "label_lt": definition.get("label_lt", ""),
                prefix + "type": definition.get("type", "text"),
                prefix + "choices": "\n".join(
                    " | ".join(choice) for choice in definition.get("choices", [])
                ),
                prefix + "min": definition.get("min", ""),
                prefix + "max": definition.get("max", ""),
                prefix + "ORDER": str(definition.get("ORDER", index + 1)),
            }
        )
        if definition.get("required"):
            data[prefix + "required"] = "on"
        if definition.get("DELETE"):
            data[prefix + "DELETE"] = "on"
    return data


def edit(client, category, definitions=None, **overrides):
    data = {
        "name_en": category.name_en,
        "name_lt": category.name_lt,
        "sort_order": category.sort_order,
        "is_active": "on",
        **rows(category.field_definitions if definitions is None else definitions),
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

    assert edit(client_for(administrator), fuel, fields).status_code == 302

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
    assert edit(client_for(administrator), fuel, fields).status_code == 302

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
    ("row", "field", "message"),
    [
        ({"name": "bad name"}, "name", "Use small letters, digits and _"),
        ({"label_lt": ""}, "label_lt", "This field is required."),
        ({"type": "colour"}, "type", "Select a valid choice."),
        ({"type": "choice", "choices": [["x", "", ""]]}, "choices", "key | English | Lithuanian"),
        ({"type": "choice"}, "choices", "List the options to choose from."),
        ({"type": "integer", "max": "lots"}, "max", "Enter a number."),
        ({"type": "decimal", "min": 5, "max": 1}, "max", "below the smallest"),
        ({"type": "text", "min": 5}, "min", "Only a number has"),
    ],
)
def test_a_malformed_field_is_refused_at_the_field_and_nothing_changes(
    administrator, client_for, row, field, message
):
    fuel = ViolationCategory.objects.get(code="fuel")
    before = fuel.field_definitions

    response = edit(client_for(administrator), fuel, [*before, {**PLAIN, **row}])

    assert response.status_code == 400
    formset = response.context["formset"]
    errors = formset.forms[len(before)].errors[field]
    assert message in " ".join(errors)
    page = response.content.decode()
    row_id = f"id_fields-{len(before)}-{field}"
    assert f'href="#{row_id}"' in page  # linked from the summary
    assert f'id="{row_id}"' in page
    fuel.refresh_from_db()
    assert fuel.field_definitions == before


def test_a_key_used_twice_is_refused_at_the_second(administrator, client_for):
    fuel = ViolationCategory.objects.get(code="fuel")

    response = edit(client_for(administrator), fuel, [PLAIN, PLAIN])

    assert response.status_code == 400
    formset = response.context["formset"]
    assert not formset.forms[0].errors
    assert formset.forms[1].errors["name"] == ["Another field already has the key a."]


def test_fields_are_reordered_removed_and_described_without_json(administrator, client_for):
    fuel = ViolationCategory.objects.get(code="fuel")
    first, second, *rest = fuel.field_definitions
    changed = [
        {**second, "ORDER": 1},
        {**first, "ORDER": 2, "required": True},
        *({**definition, "DELETE": True} for definition in rest),
        {
            "name": "vessel",
            "label_en": "Vessel",
            "label_lt": "Laivas",
            "type": "choice",
            "choices": [["tank", "Tank", "Cisterna"], ["can", "Can", "Kanistras"]],
            "ORDER": 3,
        },
    ]

    response = edit(client_for(administrator), fuel, changed)

    assert response.status_code == 302
    fuel.refresh_from_db()
    assert [d["name"] for d in fuel.field_definitions] == [second["name"], first["name"], "vessel"]
    assert fuel.field_definitions[1]["required"] is True
    assert fuel.field_definitions[2] == {
        "name": "vessel",
        "label_en": "Vessel",
        "label_lt": "Laivas",
        "type": "choice",
        "required": False,
        "choices": [["tank", "Tank", "Cisterna"], ["can", "Can", "Kanistras"]],
    }


def test_the_editor_shows_no_json_and_a_preview_of_the_violation_form(administrator, client_for):
    tobacco = ViolationCategory.objects.get(code="tobacco")

    page = (
        client_for(administrator)
        .get(reverse("cases:category-edit", kwargs={"pk": tobacco.pk}))
        .content.decode()
    )

    assert "JSON" not in page
    assert "&quot;label_en&quot;" not in page
    assert '"label_en":' not in page
    for index, definition in enumerate(tobacco.field_definitions):
        assert f'name="fields-{index}-label_en" value="{definition["label_en"]}"' in page
        # The preview draws each field as the violation form does.
        assert f'id="id_d_tobacco_{definition["name"]}"' in page
    assert re.search(r'class="category-preview" inert', page)


def test_show_the_preview_draws_the_rows_as_sent_and_saves_nothing(administrator, client_for):
    fuel = ViolationCategory.objects.get(code="fuel")
    before = fuel.field_definitions
    litres = {"name": "litres", "label_en": "Litres", "label_lt": "Litrai", "type": "decimal"}

    response = edit(client_for(administrator), fuel, [*before, litres], preview="1")

    assert response.status_code == 200
    assert 'id="id_d_fuel_litres"' in response.content.decode()
    fuel.refresh_from_db()
    assert fuel.field_definitions == before


def test_the_category_api_is_unchanged_by_an_edit(
    administrator, officer, client_for, api_client_for
):
    fuel = ViolationCategory.objects.get(code="fuel")
    listed = api_client_for(officer).get(reverse("api:violation-category-list")).json()

    assert edit(client_for(administrator), fuel).status_code == 302

    assert api_client_for(officer).get(reverse("api:violation-category-list")).json() == listed


def test_an_analyst_cannot_edit_categories(analyst, client_for):
    fuel = ViolationCategory.objects.get(code="fuel")

    response = edit(client_for(analyst), fuel, name_en="Changed")

    assert response.status_code == 403
    fuel.refresh_from_db()
    assert fuel.name_en == "Fuel"
