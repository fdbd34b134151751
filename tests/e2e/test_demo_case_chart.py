"""The demo case's link chart in Chromium, as `make run` seeds it (the accounts, their
training and the cases demo): the donors, the parties they paid and the donors'
addresses stand where the seed put them; each payment's edge says its sum; the two
donors who give one address share it on the chart, and a pivot from one finds the other.
Screenshots at 1280 and 390 px in English and Lithuanian."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Case, PortalLink, Relation
from portal.models import User
from portal.services.demo import demo_seed
from portal.services.training_demo import training_demo_seed
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_link_chart import FITS, WIDE, item, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

CHART = "document.querySelector('[data-link-chart]').linkChart"
CAPTION_OF = f"(id) => {CHART}.cy.getElementById(id).data('caption')"
ENDS_OF = (
    f"(id) => {CHART}.cy.getElementById(id).connectedEdges()"
    ".map((e) => e.source().data('label')).sort()"
)
# Zooms in on an entity and answers once the chart has drawn itself again.
ZOOM_ON = (
    f"(id) => new Promise((done) => {{ const cy = {CHART}.cy; const node = cy.getElementById(id);"
    " cy.one('render', () => requestAnimationFrame(() => requestAnimationFrame(done)));"
    " cy.zoom({ level: 1.6, position: node.position() }); cy.center(node); })"
)
ADDRESS_EDGES = f"() => {CHART}.cy.edges('[kind = \"has_address\"]').length"


@pytest.fixture
def demo(db):
    demo_seed(password="demo-Password-for-tests-42")
    training_demo_seed()
    call_command("seed_cases_demo", stdout=io.StringIO())
    return Case.objects.get(restricted=False)


def test_the_demo_chart_shows_payments_with_their_sums_and_the_donors_addresses(
    new_page, client_for, live_server, demo
):
    analyst = User.objects.get(username="analyst")
    payment = Relation.objects.filter(kind="Payment", properties__amountEur=["320000"]).first()
    assert payment is not None
    page = signed_in(new_page, client_for, analyst, live_server)
    page.goto(reverse("investigations:case-chart", args=[demo.pk]))
    expect(item(page, "Frau Johanna Quandt")).to_have_count(1)
    page.wait_for_function(f"() => {CHART}.cy.nodes('.entity').length >= 40")
    assert page.evaluate(ADDRESS_EDGES) >= 20
    assert page.evaluate(CAPTION_OF, f"r{payment.pk}") == "Payment · 320\u202f000 EUR"
    # Both sisters give the same address: one node with an edge from each.
    shared = Relation.objects.filter(
        kind=PortalLink.HAS_ADDRESS, source__label="Frau Johanna Quandt"
    ).get()
    assert page.evaluate(ENDS_OF, str(shared.target_id)) == [
        "Frau Johanna Quandt",
        "Frau Susanne Klatten",
    ]
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "demo-case-chart-en-1280")
    # Closer in, round Johanna Quandt: the sums and the address links are legible.
    page.evaluate(ZOOM_ON, str(shared.source_id))
    screenshot(page, "demo-case-chart-zoomed-en-1280")

    # A pivot on shared identifiers from Johanna Quandt's address finds her sister.
    page.get_by_label("Select Frau Johanna Quandt").check()
    page.get_by_role("button", name="Shared identifiers").click()
    expect(page.locator("[data-status]")).to_have_text(
        re.compile(r"^\d+ entities share an identifier\.$")
    )


@pytest.mark.parametrize(
    ("viewport", "locale", "name", "caption"),
    [
        (PHONE, "en-GB", "demo-case-chart-en-390", "Payment · 320\u202f000 EUR"),
        (WIDE, "lt-LT", "demo-case-chart-lt-1280", None),
        (PHONE, "lt-LT", "demo-case-chart-lt-390", None),
    ],
)
def test_the_demo_chart_fits_every_screen_and_language(
    new_page, client_for, live_server, demo, viewport, locale, name, caption
):
    analyst = User.objects.get(username="analyst")
    page = signed_in(new_page, client_for, analyst, live_server, viewport, locale)
    page.goto(reverse("investigations:case-chart", args=[demo.pk]))
    expect(item(page, "Frau Johanna Quandt")).to_have_count(1)
    page.wait_for_function(f"() => {CHART}.cy.nodes('.entity').length >= 40")
    payment = Relation.objects.filter(kind="Payment", properties__amountEur=["320000"]).first()
    assert payment is not None
    shown = page.evaluate(CAPTION_OF, f"r{payment.pk}")
    if caption:
        assert shown == caption
    else:
        # The kind in Lithuanian, the sum grouped as Lithuanian writes it.
        assert re.fullmatch(r"Mokėjimas · 320[\s\u00a0.]000 EUR", shown), shown
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, name)
    assert page.evaluate(FITS), "the demo chart page overflows"
