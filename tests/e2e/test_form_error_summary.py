"""A form sent with errors opens at its summary, focused, and each link of the summary
takes the person to the field, focused, with its label in view; on a phone, in English
and Lithuanian."""

import re

import pytest
from playwright.sync_api import expect

from portal.services.demo import demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

# In the viewport and not under the sticky top bar: the point just inside its top left
# corner is the element itself (or inside it).
IN_VIEW = """(element) => {
  const box = element.getBoundingClientRect();
  if (box.top < 0 || box.bottom > window.innerHeight) return false;
  const hit = document.elementFromPoint(box.left + 2, box.top + 2);
  return element === hit || element.contains(hit);
}"""


@pytest.mark.django_db(transaction=True)
def test_the_summary_is_shown_first_and_its_links_focus_their_fields(new_page):
    demo_seed(password=PASSWORD)
    page = new_page(PHONE)
    sign_in(page, "officer")
    page.goto("/violations/new/")
    page.get_by_label("Coordinates").fill("o")
    page.get_by_role("button", name="Save draft and continue").click()

    summary = page.get_by_role("alert").filter(has_text="Correct what is marked")
    expect(summary).to_be_focused()
    assert summary.evaluate(IN_VIEW)
    category_link = summary.get_by_role("link", name="Category")
    coordinates_link = summary.get_by_role("link", name="Coordinates")
    expect(category_link).to_be_visible()
    screenshot(page, "form-errors-violation-phone-en")

    coordinates_link.click()
    field = page.get_by_label("Coordinates", exact=True)
    expect(field).to_be_focused()
    expect(field).to_have_value("o")  # what was typed is kept
    assert field.evaluate(IN_VIEW)
    label = page.locator("label[for=id_coordinates]")
    assert label.evaluate(IN_VIEW)

    category_link_again = page.get_by_role("link", name="Category")
    category_link_again.click()
    # The category is a row of chips: the link focuses the first one, its legend in view.
    expect(page.locator("input[name=category]").first).to_be_focused()
    assert page.locator("[data-category-chips] legend").evaluate(IN_VIEW)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "lt"])
def test_screenshots_of_forms_with_errors(new_page, viewport, language):
    demo_seed(password=PASSWORD)
    size = DESKTOP if viewport == "desktop" else PHONE
    pages = {}
    for username in ("officer", "dispatcher"):
        english = new_page(size)
        sign_in(english, username)
        page = new_page(size, locale="lt-LT" if language == "lt" else "en-GB")
        page.context.add_cookies(english.context.cookies())
        pages[username] = page
    for username, path, name in [
        ("officer", "/violations/new/", "violation"),
        ("dispatcher", "/dispatch/notices/new/", "notice"),
        ("dispatcher", "/dispatch/shifts/new/", "shift"),
    ]:
        page = pages[username]
        page.goto(path)
        page.locator("main form[method=post] [type=submit]").last.click()
        expect(page.locator("[data-error-summary]")).to_be_focused()
        screenshot(page, f"form-errors-{name}-{viewport}-{language}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_category_s_fields_appear_once_chosen_with_no_country_filled_in(new_page, viewport):
    demo_seed(password=PASSWORD)
    page = new_page(DESKTOP if viewport == "desktop" else PHONE)
    sign_in(page, "officer")
    page.goto("/violations/new/")
    category = page.get_by_role("group", name=re.compile(r"^Category"))
    tobacco = page.get_by_role("group", name="Tobacco products", include_hidden=True)
    expect(category.get_by_role("radio")).to_have_count(14)
    for chip in category.get_by_role("radio").all():
        expect(chip).not_to_be_checked()
    expect(tobacco.get_by_label("Brand")).to_be_hidden()

    category.get_by_role("radio", name="Tobacco products").check()  # one tap

    expect(tobacco.get_by_label("Brand")).to_be_visible()
    origin = tobacco.get_by_label("Country of origin")
    expect(origin).to_have_value("")
    assert origin.get_attribute("placeholder") is None
    screenshot(page, f"violation-form-tobacco-{viewport}-en")
