"""The case extract's preview in a browser: the analyst marks an entity to leave out,
updates the preview and sees it listed with the relation it takes along; the list
pages' export menus. Screenshots at desktop and phone width, English and Lithuanian."""

import pytest
from playwright.sync_api import expect

from cases.models import Entity, Relation
from cases.services.investigations import CaseInput, case_create, case_entity_link
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_jobs import signed_in

pytestmark = [pytest.mark.django_db(transaction=True)]

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def birch(analyst):
    case = case_create(actor=analyst, data=CaseInput(title="Operation Birch"))
    person = Entity.objects.create(
        kind="Person",
        label="Petras Petraitis",
        properties={
            "name": ["Petras Petraitis"],
            "idNumber": ["38501011234"],
            "birthDate": ["1985-01-01"],
            "nationality": ["lt"],
        },
    )
    company = Entity.objects.create(
        kind="Company",
        label="Birch Timber UAB",
        properties={"name": ["Birch Timber UAB"], "registrationNumber": ["300111222"]},
    )
    side = Entity.objects.create(
        kind="Person", label="Jonas Jonaitis", properties={"name": ["Jonas Jonaitis"]}
    )
    Relation.objects.create(source=person, target=company, kind="Directorship")
    Relation.objects.create(source=side, target=company, kind="Ownership")
    for entity, why in ((person, "Organiser"), (company, "Front"), (side, "Owner")):
        case_entity_link(actor=analyst, case=case, entity=entity, reason=why)
    return case


@pytest.mark.parametrize(
    ("viewport", "locale", "leave_out", "update", "marked", "export", "suffix"),
    [
        (
            DESKTOP,
            "en-GB",
            "Leave this entity out: Jonas Jonaitis",
            "Update the preview",
            "You marked this entity to be left out.",
            "Export",
            "desktop-en",
        ),
        (
            PHONE,
            "en-GB",
            "Leave this entity out: Jonas Jonaitis",
            "Update the preview",
            "You marked this entity to be left out.",
            "Export",
            "phone-en",
        ),
        (
            DESKTOP,
            "lt-LT",
            "Nepateikti šio subjekto: Jonas Jonaitis",
            "Atnaujinti peržiūrą",
            "Šį subjektą pažymėjote nepateikti.",
            "Eksportuoti",
            "desktop-lt",
        ),
        (
            PHONE,
            "lt-LT",
            "Nepateikti šio subjekto: Jonas Jonaitis",
            "Atnaujinti peržiūrą",
            "Šį subjektą pažymėjote nepateikti.",
            "Eksportuoti",
            "phone-lt",
        ),
    ],
)
def test_the_analyst_marks_an_entity_and_the_preview_lists_it(
    new_page,
    client_for,
    analyst,
    birch,
    live_server,
    viewport,
    locale,
    leave_out,
    update,
    marked,
    export,
    suffix,
):
    page = signed_in(new_page, client_for, analyst, live_server, viewport=viewport, locale=locale)
    page.goto(f"/cases/{birch.pk}/extract/")
    left_out = page.locator("#extract-left-out")
    expect(left_out).to_contain_text("38••••••••4")
    assert page.evaluate(FITS), "the extract page overflows"
    screenshot(page, f"case-extract-preview-{suffix}")

    page.get_by_label(leave_out).check()
    page.get_by_role("button", name=update).click()

    expect(left_out).to_contain_text(marked)
    expect(page.get_by_label(leave_out)).to_be_checked()
    screenshot(page, f"case-extract-marked-{suffix}")

    for path, name in (("/entities/", "entities"), ("/cases/", "cases")):
        page.goto(path)
        page.locator(".page-actions").get_by_text(export, exact=True).click()
        expect(page.get_by_role("link", name="CSV")).to_be_visible()
        assert page.evaluate(FITS), f"the {name} list overflows"
        screenshot(page, f"{name}-export-menu-{suffix}")
