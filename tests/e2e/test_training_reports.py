"""The training reports in the browser, with the demo's training records: charts and
tables that fit a desktop and a phone, in English and Lithuanian; screenshots kept."""

import re

import pytest
from playwright.sync_api import expect

from portal.models import User
from portal.services.demo import demo_seed
from portal.services.training_demo import training_demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_audit_review import FITS, signed_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["en", "lt"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_reports_read_well_with_the_demo_data(
    new_page, client_for, live_server, language, viewport
):
    demo_seed(password="demo-Password-for-e2e-42")
    training_demo_seed()
    admin = User.objects.get(username="admin")
    page = signed_in(
        new_page,
        client_for,
        admin,
        live_server,
        viewport=viewport,
        locale="lt-LT" if language == "lt" else "en-GB",
    )

    page.goto("/training/reports/")

    heading = "Mokymų ataskaitos" if language == "lt" else "Training reports"
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    expect(page.get_by_role("img")).to_have_count(3)
    expect(page.locator(".hbar")).not_to_have_count(0)
    enrol = re.compile(r"Registruoti|Enrol: session")
    expect(page.get_by_role("link", name=enrol).first).to_be_visible()
    assert page.evaluate(FITS), "the page is wider than the screen"
    name = "desktop" if viewport == DESKTOP else "phone"
    screenshot(page, f"training-reports-{name}-{language}")
