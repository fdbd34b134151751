"""The first step of a violation asks for the category instead of guessing it, shows no
example in a field that could pass for a value, and keeps what was typed when the form
comes back with errors, each error linked from the summary at the top."""

import re
import uuid
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.cases.support import TOBACCO_FACTS

NEW = reverse("cases:violation-create")


def _form(**changes: str) -> dict[str, str]:
    data = {
        "category": "tobacco",
        "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "client_key": str(uuid.uuid4()),
        "coordinate_system": "dd",
        "place_description": "Medininkai, lorry lane 3",
        **{f"d_tobacco_{name}": value for name, value in TOBACCO_FACTS.items()},
    }
    data.update(changes)
    return data


def _category_chips(page: str) -> str:
    match = re.search(r"<fieldset[^>]*data-category-chips.*?</fieldset>", page, re.S)
    assert match, "no category chips"
    return match.group(0)


def test_no_category_is_chosen_before_the_officer_chooses_one(client_for, officer):
    page = client_for(officer).get(NEW).content.decode()

    chips = _category_chips(page)
    radios = re.findall(r'<input type="radio" name="category"[^>]*>', chips)
    assert len(radios) == 14, "one chip per active category, one tap each"
    assert not [radio for radio in radios if " checked" in radio]
    assert all(" required" in radio for radio in radios)
    assert "<select" not in chips
    legend = re.search(r"<legend>(.*?)</legend>", chips, re.S)
    assert legend
    assert "Category" in legend.group(1)
    assert 'class="required"' in legend.group(1)
    assert re.search(r'<label class="chip" for="id_category_\d+">', chips)
    # No category's own fields are shown before a category is chosen.
    assert not re.search(r'<fieldset class="category-fields"\s+data-category="[a-z_]+"\s*>', page)


def test_country_fields_show_no_example_that_looks_filled_in(client_for, officer):
    page = client_for(officer).get(NEW).content.decode()

    assert 'placeholder="LT"' not in page
    assert 'placeholder="EUR"' not in page
    assert "Two-letter country code, such as LT, BY or PL." in page


def test_a_draft_without_a_category_keeps_the_facts_typed_and_links_the_category(
    client_for, officer
):
    response = client_for(officer).post(NEW, _form(category="", d_tobacco_brand="Fest"))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="#id_category_0" data-error-link>' in page
    assert "Choose the category of the violation." in _category_chips(page)
    assert 'name="d_tobacco_brand" value="Fest"' in page
    assert 'value="Medininkai, lorry lane 3"' in page


def test_an_error_in_a_category_fact_is_linked_from_the_summary(client_for, officer):
    response = client_for(officer).post(NEW, _form(d_tobacco_packs="ten"))

    page = response.content.decode()
    summary = page.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert 'href="#id_d_tobacco_packs"' in summary
    assert "Enter a whole number." in summary
    assert 'id="id_d_tobacco_packs"' in page


def test_editing_shows_the_saved_category_and_its_facts(client_for, officer, violation_of_officer):
    page = (
        client_for(officer)
        .get(reverse("cases:violation-edit", kwargs={"pk": violation_of_officer.pk}))
        .content.decode()
    )

    code = violation_of_officer.category.code
    assert re.search(
        rf'<input type="radio" name="category" value="{code}"[^>]* checked', _category_chips(page)
    )
    assert re.search(rf'<fieldset class="category-fields"\s+data-category="{code}"\s*>', page)
    for name, value in violation_of_officer.details.items():
        if isinstance(value, str) and value:
            # A text field, a list, or a row of chips (radio buttons) with the value checked.
            assert (
                f'name="d_{code}_{name}" value="{value}"' in page
                or f'<option value="{value}" selected>' in page
                or re.search(
                    rf'name="d_{code}_{name}"\s+value="{re.escape(value)}"\s+checked>', page
                )
            )
