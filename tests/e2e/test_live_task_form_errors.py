"""The live map's task form shows its errors as every other form of the portal does: a
summary at its top that links to each field in error, and each message at its field;
what was typed is kept. At desktop and phone width, in English and Lithuanian."""

import pytest
from playwright.sync_api import expect

from dispatch.models import Task
from portal.services.demo import demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in


def _open_form(page, viewport: str) -> None:
    page.goto("/dispatch/live/")
    if viewport == "phone":
        page.get_by_role("button", name="Show panel").click()
    page.locator("[data-new-task][aria-expanded=false]").click()  # once the form is set up


@pytest.mark.django_db(transaction=True)
def test_the_task_form_s_summary_links_each_field_in_error(new_page):
    demo_seed(password=PASSWORD)
    page = new_page(DESKTOP)
    sign_in(page, "dispatcher")
    _open_form(page, "desktop")
    page.get_by_label("Description").fill("Lorries queueing on the verge")
    page.get_by_role("button", name="Create task").click()

    summary = page.locator("[data-task-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("Correct what is marked, then send again:")
    links = summary.get_by_role("link")
    expect(links).to_have_count(3)
    expect(links.nth(0)).to_have_text("Type: This field is required.")
    expect(links.nth(1)).to_have_text("Title: This field may not be blank.")
    expect(summary.get_by_role("link", name="Latitude")).to_contain_text("Click the map")
    # The messages stay at the fields; the first wrong field has the focus.
    expect(page.locator("#live-task-title-errors")).to_contain_text("may not be blank")
    expect(page.get_by_label("Type")).to_be_focused()
    expect(page.get_by_label("Description")).to_have_value("Lorries queueing on the verge")

    summary.get_by_role("link", name="Title").click()
    expect(page.get_by_label("Title")).to_be_focused()
    assert not Task.objects.exists()

    # Corrected and sent: the summary goes with the errors.
    page.get_by_label("Type").select_option("patrol")
    page.get_by_label("Title").fill("Check the verge")
    page.get_by_label("Latitude").fill("54.5395")
    page.get_by_label("Longitude").fill("25.6536")
    page.get_by_role("button", name="Create task").click()
    expect(summary).to_be_hidden()
    page.wait_for_function("() => document.querySelector('[data-create-panel]').hidden")
    assert Task.objects.get().title == "Check the verge"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "lt"])
def test_screenshots_of_the_task_form_with_errors(new_page, viewport, language):
    demo_seed(password=PASSWORD)
    size = DESKTOP if viewport == "desktop" else PHONE
    page = new_page(size)
    sign_in(page, "dispatcher")
    page.goto("/dispatch/live/")
    if language == "lt":
        page.locator(".lang-switch button[value=lt]").click()
        expect(page.locator("html")).to_have_attribute("lang", "lt")
    if viewport == "phone":
        page.locator("[data-panel-toggle]").click()
    page.locator("[data-new-task][aria-expanded=false]").click()  # once the form is set up
    page.locator("[data-create-form] button[type=submit]").click()
    summary = page.locator("[data-task-error-summary]")
    expect(summary).to_be_visible()
    expect(summary.locator("a[data-error-link]")).to_have_count(3)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= size["width"], f"the page is {width} px wide"
    screenshot(page, f"live-task-form-errors-{viewport}-{language}")
