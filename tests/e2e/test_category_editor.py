"""An administrator adds a field to a category with the editor's buttons, moves it to
the top, previews it and saves; an officer then finds it first on the violation form."""

import pytest
from playwright.sync_api import expect

from cases.models import ViolationCategory
from portal.services.demo import demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in


@pytest.mark.django_db(transaction=True)
def test_a_field_added_and_moved_up_is_saved_first(new_page):
    demo_seed(password=PASSWORD)
    fuel = ViolationCategory.objects.get(code="fuel")
    page = new_page(DESKTOP)
    sign_in(page, "admin")
    page.goto(_edit_url(fuel.pk))

    index = page.locator("[data-field-row]").count()  # the new row's number in the form
    page.get_by_role("button", name="Add a field").click()
    row = page.locator("[data-field-row]").filter(has=page.locator(f"#id_fields-{index}-name"))
    expect(row.get_by_label("Label in English")).to_be_focused()
    row.get_by_label("Label in English").fill("Vessel")
    row.get_by_label("Label in Lithuanian").fill("Talpa")
    row.get_by_label("Key").fill("vessel")
    row.get_by_label("Type").select_option(label="Choice from a list")
    row.get_by_label("Options").fill("tank | Tank | Cisterna\ncan | Can | Kanistras")
    for _ in range(page.locator("[data-field-row]").count()):
        row.get_by_role("button", name="Move up").click()
    expect(page.locator("[data-field-row]").first.get_by_label("Key")).to_have_value("vessel")

    page.get_by_role("button", name="Show the preview").click()
    preview = page.locator(".category-preview")
    expect(preview.get_by_label("Vessel")).to_be_visible()
    screenshot(page, "category-editor-preview-desktop-en")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Category saved.")).to_be_visible()
    fuel.refresh_from_db()
    assert fuel.field_definitions[0]["name"] == "vessel"
    assert fuel.field_definitions[0]["choices"][1] == ["can", "Can", "Kanistras"]


def _edit_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("cases:category-edit", kwargs={"pk": pk})


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "lt"])
def test_screenshots_of_the_category_editor(new_page, viewport, language):
    demo_seed(password=PASSWORD)
    tobacco = ViolationCategory.objects.get(code="tobacco")
    size = DESKTOP if viewport == "desktop" else PHONE
    english = new_page(size)
    sign_in(english, "admin")
    page = new_page(size, locale="lt-LT" if language == "lt" else "en-GB")
    page.context.add_cookies(english.context.cookies())
    page.goto(_edit_url(tobacco.pk))
    screenshot(page, f"category-editor-{viewport}-{language}")
    page.locator("[data-field-row] summary").first.click()
    page.locator("#id_fields-0-name").fill("bad key")  # the label is in either language
    page.locator("main form [type=submit]").first.click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    screenshot(page, f"category-editor-errors-{viewport}-{language}")
