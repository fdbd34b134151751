"""Investigation cases in Chromium: an analyst opens a case from a template, links a
violation and an entity, adds a note; meets the restricted-match message; the pages
photographed at 1280 and 390 px, in English and Lithuanian, to be looked at."""

import pytest
from playwright.sync_api import expect

from cases.models import Case, Violation
from cases.services.demo import cases_demo_seed
from portal.services.demo import demo_seed
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

WIDE = {"width": 1280, "height": 900}


@pytest.mark.django_db(transaction=True)
def test_an_analyst_opens_a_case_from_a_template_and_works_it(new_page):
    demo_seed(password=PASSWORD)
    cases_demo_seed()
    violation = Violation.objects.order_by("id").first()
    assert violation is not None
    page = new_page(WIDE)
    sign_in(page, "analyst")
    expect(page.locator("[data-panel=my-cases]")).to_contain_text("Donors to several parties")

    page.goto("/cases/new/")
    page.get_by_label("Template").select_option("internet-parcels")
    page.get_by_label("Title").fill("Parcels to Kaunas lockers")
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator("h1")).to_contain_text("C-")
    expect(page.locator(".case-title")).to_have_text("Parcels: Parcels to Kaunas lockers")
    expect(page.locator("#tasks")).to_contain_text("List the parcels")

    page.get_by_text("Link a violation").click()
    page.get_by_label("Violation reference").fill(violation.reference)
    page.get_by_label("Why linked", exact=True).fill("Same recipient")
    page.locator("#violations").get_by_role("button", name="Add").click()
    expect(page.locator("#violations")).to_contain_text(violation.reference)

    page.get_by_text("Write a note").click()
    page.locator("#notes").get_by_label("Note").fill("Lockers rented under a false name.")
    page.locator("#notes").get_by_role("button", name="Add").click()
    expect(page.locator("#notes")).to_contain_text("Lockers rented")

    page.get_by_label("Find a person, company, vehicle or identifier").fill("Deutsche Bank")
    page.locator("#entities").get_by_role("button", name="Search").click()
    # The bank is in the open demo case and in the restricted one the analyst is not on.
    expect(page.locator("[data-restricted-match]")).to_contain_text(
        "A match exists in a restricted case; contact Eglė Petraitienė."
    )
    page.get_by_label("Why linked").fill("Compare with the donation records")
    page.get_by_role("button", name="Link Deutsche Bank AG").click()
    expect(page.locator("#entities")).to_contain_text("Deutsche Bank AG")
    assert Case.objects.filter(title__startswith="Parcels:").get().entity_links.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "lt"])
@pytest.mark.parametrize("width", ["wide", "phone"])
def test_the_case_pages_photographed(new_page, language, width):
    demo_seed(password=PASSWORD)
    cases_demo_seed()
    case = Case.objects.get(restricted=False)
    viewport = WIDE if width == "wide" else PHONE
    english = new_page(viewport)
    sign_in(english, "analyst")
    page = new_page(viewport, locale="lt-LT" if language == "lt" else "en-GB")
    page.context.add_cookies(english.context.cookies())
    pages = {
        "list": "/cases/",
        "detail": f"/cases/{case.pk}/",
        "create": "/cases/new/?template=tobacco-truck",
        "edit": f"/cases/{case.pk}/edit/",
        "team": f"/cases/{case.pk}/team/",
        "entity-search": f"/cases/{case.pk}/entities/?q=Allianz",
        "request": f"/cases/{case.pk}/requests/new/",
        "register": "/cases/requests/",
    }
    for name, path in pages.items():
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        width_px = page.evaluate("document.documentElement.scrollWidth")
        assert width_px <= viewport["width"], f"{path} is {width_px} px wide"
        screenshot(page, f"cases-{name}-{language}-{width}")
