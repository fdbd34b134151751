"""A case's link chart in Chromium: open it from the case, expand a neighbour, move an
entity, save, reload: the entity stands where it was left and the neighbour is still on
the chart; screenshots at 1280 and 390 px in English and Lithuanian."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import ViolationEntity
from cases.services.investigations import (
    CaseInput,
    case_create,
    case_entity_link,
    case_violation_link,
)
from tests.cases.graph_support import known_graph
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_link_chart import WIDE, item, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

POSITION_OF = """(id) => {
  const node = document.querySelector("[data-link-chart]").linkChart.cy.getElementById(String(id));
  const at = node.position();
  return [Math.round(at.x), Math.round(at.y)];
}"""
# The chart is brought into view first: a click in the list below it scrolls the page.
RENDERED_AT = """(id) => {
  const chart = document.querySelector("[data-link-chart]").linkChart;
  chart.cy.container().scrollIntoView({ block: "center" });
  const at = chart.cy.getElementById(String(id)).renderedPosition();
  const box = chart.cy.container().getBoundingClientRect();
  return [box.left + at.x, box.top + at.y];
}"""


def test_an_analyst_expands_moves_saves_and_finds_the_chart_as_left(
    new_page, client_for, analyst, live_server
):
    g = known_graph()
    case = case_create(actor=analyst, data=CaseInput(title="Balt Trade cigarettes"))
    case_entity_link(actor=analyst, case=case, entity=g.e["ben"], reason="Director")
    page = signed_in(new_page, client_for, analyst, live_server)
    page.goto(case.get_absolute_url())
    page.get_by_role("link", name="Link chart").click()
    expect(page.get_by_role("heading", name=f"Link chart of {case.number}")).to_be_visible()
    expect(item(page, "Balt Trade")).to_have_count(1)

    page.get_by_role("button", name="Expand: Balt Trade").click()
    expect(item(page, "Ann")).to_have_count(1)
    ann = g.id("ann")
    before = page.evaluate(POSITION_OF, ann)
    x, y = page.evaluate(RENDERED_AT, ann)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y + 40, steps=8)
    page.mouse.up()
    moved = page.evaluate(POSITION_OF, ann)
    assert moved != before
    page.get_by_role("button", name="Save the chart").click()
    expect(page.locator("[data-status]")).to_have_text(
        re.compile(r"^Chart saved: \d+ entities in place\.$")
    )
    screenshot(page, "case-chart-en-1280")

    page.reload()
    expect(item(page, "Ann")).to_have_count(1)
    page.wait_for_function(
        "() => document.querySelector('[data-link-chart]').linkChart.cy.nodes('.entity').length > 1"
    )
    assert page.evaluate(POSITION_OF, ann) == moved
    case.refresh_from_db()
    assert case.chart_layout["positions"][str(ann)] == moved


@pytest.mark.parametrize(
    ("viewport", "locale", "name", "pick"),
    [
        (PHONE, "en-GB", "case-chart-en-390", "Pick Ben on the chart"),
        (WIDE, "lt-LT", "case-chart-lt-1280", "Parinkti schemoje: Ben"),
        (PHONE, "lt-LT", "case-chart-lt-390", "Parinkti schemoje: Ben"),
    ],
)
def test_the_case_chart_fits_every_screen_and_language(
    new_page, client_for, analyst, live_server, violation_of_officer, viewport, locale, name, pick
):
    g = known_graph()
    case = case_create(actor=analyst, data=CaseInput(title="Balt Trade cigarettes"))
    case_entity_link(actor=analyst, case=case, entity=g.e["ben"], reason="Director")
    # Ben drove the lorry of a violation of the case: a place and a moment beside the chart.
    case_violation_link(actor=analyst, case=case, violation=violation_of_officer, reason="Lorry")
    ViolationEntity.objects.create(violation=violation_of_officer, entity=g.e["ben"], role="driver")
    page = signed_in(new_page, client_for, analyst, live_server, viewport, locale)
    page.goto(reverse("investigations:case-chart", args=[case.pk]))
    expect(item(page, "Balt Trade")).to_have_count(1)
    expect(page.locator("#case-map")).to_have_attribute("data-loaded", "true")
    page.get_by_role("button", name=pick).click()
    expect(page.locator("#case-map")).to_have_attribute("data-linked", "1")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, name)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
