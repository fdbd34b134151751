"""The purpose asked before a dossier, the dossier's cases section and the cross-case hits
on a case's page, in Chromium at 1280 and 390 px, English and Lithuanian: screenshots,
nothing wider than the screen, the restricted case only as whom to contact."""

from typing import cast

import pytest
from playwright.sync_api import expect

from cases.models import Entity, EntityKind
from cases.services.entities import violation_entity_link
from cases.services.investigations import CaseInput, case_create, case_entity_link
from portal.models import User
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_link_chart import WIDE, signed_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize(
    ("viewport", "locale", "size", "language"),
    [
        (WIDE, "en-GB", 1280, "en"),
        (PHONE, "en-GB", 390, "en"),
        (WIDE, "lt-LT", 1280, "lt"),
        (PHONE, "lt-LT", 390, "lt"),
    ],
)
def test_purpose_dossier_and_hits_fit_every_screen(
    new_page,
    client_for,
    analyst,
    live_server,
    violation_of_officer,
    viewport,
    locale,
    size,
    language,
):
    phone = "phone:+37061234567"
    lead = cast(
        User,
        UserFactory(username="lead_r", first_name="Rūta", last_name="Rimkutė", roles=["analyst"]),
    )
    jonas = Entity.objects.create(kind=EntityKind.PERSON, label="Jonas Šimkus", identifiers=[phone])
    twin = Entity.objects.create(kind=EntityKind.PERSON, label="J. Simkus", identifiers=[phone])
    mine = case_create(actor=analyst, data=CaseInput(title="Cigarettes in timber"))
    case_entity_link(actor=analyst, case=mine, entity=jonas, reason="Driver")
    theirs = case_create(actor=lead, data=CaseInput(title="Phone cluster"))
    case_entity_link(actor=lead, case=theirs, entity=twin, reason="Caller")
    secret = case_create(actor=lead, data=CaseInput(title="Operation Birch", restricted=True))
    case_entity_link(actor=lead, case=secret, entity=twin, reason="Organiser")
    violation_entity_link(actor=lead, violation=violation_of_officer, entity=twin, role="driver")
    page = signed_in(new_page, client_for, analyst, live_server, viewport, locale)

    page.goto(mine.get_absolute_url() + "#cross-case-hits")
    expect(page.get_by_role("link", name=theirs.number)).to_be_visible()
    expect(page.locator("[data-restricted-match]")).to_contain_text("Rūta Rimkutė")
    assert secret.number not in page.content()
    page.locator("#cross-case-hits").scroll_into_view_if_needed()
    screenshot(page, f"case-hits-{size}-{language}")
    assert page.evaluate(FITS)

    page.goto(twin.get_absolute_url())
    expect(page.locator("#id_purpose")).to_be_visible()
    screenshot(page, f"dossier-purpose-{size}-{language}")
    assert page.evaluate(FITS)
    page.locator("#id_purpose").fill("Query VP-2026-118")
    page.locator("form[data-purpose-form] button[type=submit]").click()
    expect(page.get_by_role("link", name=theirs.number).first).to_be_visible()
    page.locator("#cases").scroll_into_view_if_needed()
    screenshot(page, f"dossier-cases-{size}-{language}")
    assert page.evaluate(FITS)
