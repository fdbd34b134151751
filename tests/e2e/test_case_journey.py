"""An analyst's whole journey through a case in Chromium, with a real Celery worker (issue
11): create the case from a template, link a violation and two entities, open the link
chart, expand a neighbour, find the shortest path, move the time slider (the case's
timeline and map follow), pick an entity on the chart (its places and moments light up)
and a place and a moment (their entities light up on the chart), export ANX, start the
PDF report and watch its progress bar reach the end, download the PDF. Screenshots at
1280 and 390 px in artifacts/screenshots/case-journey-*.png."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from defusedxml.ElementTree import parse
from playwright.sync_api import expect

from cases.models import Case, ViolationEntity
from cases.services.investigations import case_templates_seed
from tests.cases.graph_support import known_graph
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_case_report import media_of_the_worker  # noqa: F401 (a fixture)
from tests.e2e.test_link_chart import FITS, PATH_ON_CHART, item, signed_in

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

VILNIUS = ZoneInfo("Europe/Vilnius")
CHART = "document.querySelector('[data-link-chart]').linkChart"
PICKED_ON_CHART = f"() => {CHART}.cy.nodes(':selected').map((n) => n.data('label')).sort()"
FOCUSED_EDGES = f"() => {CHART}.cy.edges('.is-focus').map((e) => e.id())"
HIDDEN_EDGES = f"() => {CHART}.cy.edges('.is-hidden').map((e) => e.id()).sort()"
CHART_READY = f"() => {CHART}.cy.nodes('.entity').length >= 4"


def link_entity(page, query: str, label: str, reason: str) -> None:
    page.get_by_label("Find a person, company, vehicle or identifier").fill(query)
    page.locator("#entities").get_by_role("button", name="Search").click()
    page.get_by_label("Why linked").fill(reason)
    page.get_by_role("button", name=f"Link {label}").click()
    expect(page.locator("#entities")).to_contain_text(label)


def test_an_analyst_works_a_case_from_template_to_chart_map_and_report(
    celery_worker_process,
    media_of_the_worker,  # noqa: F811 (the fixture imported above)
    new_page,
    client_for,
    analyst,
    violation_of_officer,
    live_server,
    tmp_path,
):
    # The registry: Ben directs Balt Trade (from 1 March 2026) and uses a phone (from
    # 5 March) that Cid uses too; Ann owned Balt Trade in 2020-2021. Ben drove the lorry
    # of the violation at Medininkai on 3 March.
    case_templates_seed()
    g = known_graph()
    director, ben_phone = g.r["director"], g.r["ben_phone"]
    director.valid_from = date(2026, 3, 1)
    director.save(update_fields=["valid_from"])
    ben_phone.valid_from = date(2026, 3, 5)
    ben_phone.save(update_fields=["valid_from"])
    violation = violation_of_officer
    violation.occurred_at = datetime(2026, 3, 3, 9, tzinfo=VILNIUS)
    violation.save(update_fields=["occurred_at"])
    ViolationEntity.objects.create(violation=violation, entity=g.e["ben"], role="driver")

    # A case from the template, a violation and two entities linked.
    page = signed_in(new_page, client_for, analyst, live_server)
    page.goto("/cases/new/")
    page.get_by_label("Template").select_option("tobacco-truck")
    page.get_by_label("Title").fill("Balt Trade lorries")
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator(".case-title")).to_have_text("Tobacco by truck: Balt Trade lorries")
    case = Case.objects.get(title="Tobacco by truck: Balt Trade lorries")
    page.get_by_text("Link a violation").click()
    page.get_by_label("Violation reference").fill(violation.reference)
    page.get_by_label("Why linked", exact=True).fill("Ben drove the lorry")
    page.locator("#violations").get_by_role("button", name="Add").click()
    expect(page.locator("#violations")).to_contain_text(violation.reference)
    link_entity(page, "Balt Trade", "Balt Trade", "Owner of the lorry")
    link_entity(page, "Ben", "Ben", "Driver")

    # The chart: the two entities and their neighbours, beside the case's places.
    page.get_by_role("link", name="Link chart").click()
    expect(page.get_by_role("heading", name=f"Link chart of {case.number}")).to_be_visible()
    expect(page.locator("#case-map")).to_have_attribute("data-loaded", "true")
    page.wait_for_function(CHART_READY)
    expect(item(page, "Ann")).to_have_count(1)
    site = page.locator(f'#case-map path[data-key="violation-{violation.pk}"]')
    expect(site).to_have_count(1)

    # Expand a neighbour, then the shortest path from Ann to Cid.
    page.get_by_role("button", name="Expand: +37060000001").click()
    expect(item(page, "Cid")).to_have_count(1)
    page.get_by_label("Select Ann").check()
    page.get_by_label("Select Cid").check()
    page.get_by_role("button", name="Shortest path").click()
    expect(page.locator("[data-status]")).to_have_text("Shortest path: 4 relations.")
    assert page.evaluate(PATH_ON_CHART) == sorted(
        [str(g.id(n)) for n in ("ann", "balt", "ben", "phone", "cid")]
        + [f"r{g.r[r].pk}" for r in ("owner", "director", "ben_phone", "cid_phone")]
    )

    # The timeline's slider back to the violation (3 March): the chart's period ends on
    # the last date before it, so Ben's phone (from 5 March) leaves the chart.
    moment = page.get_by_label("Show the case up to")
    moment.fill("1")
    expect(page.locator("[data-to-label]")).to_have_text("2026-03-01")
    assert page.evaluate(HIDDEN_EDGES) == [f"r{ben_phone.pk}"]
    expect(site).to_have_count(1)
    # The chart's period to its end, then back to 1 March: the timeline follows, and the
    # violation (3 March) leaves the map.
    to = page.locator("[data-to]")
    last = int(to.get_attribute("max") or "0")
    to.fill(str(last))
    expect(moment).to_have_value(moment.get_attribute("max") or "")
    assert page.evaluate(HIDDEN_EDGES) == []
    to.fill(str(last - 1))
    expect(page.locator("[data-to-label]")).to_have_text("2026-03-01")
    expect(moment).to_have_value("0")
    expect(site).to_have_count(0)
    expect(page.locator(f"#item-relation-{director.pk}")).to_contain_class("is-current")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "case-journey-period-en-1280")
    to.fill(str(last))
    expect(site).to_have_count(1)

    # Ben picked on the chart: his place (the violation site) and his moments (the
    # violation, the directorship) light up; the template's tasks and notes dim.
    page.get_by_role("button", name="Pick Ben on the chart").click()
    status = page.locator("[data-workbench-status]")
    expect(status).to_have_text("Ben: places on the map: 1, moments on the timeline: 2.")
    expect(page.locator(f"#item-violation-{violation.pk}")).to_contain_class("is-linked")
    expect(page.locator(f"#item-relation-{director.pk}")).to_contain_class("is-linked")
    expect(page.locator(".timeline-item.is-dimmed").first).to_be_visible()
    expect(site).to_contain_class("is-linked")
    expect(page.get_by_role("button", name="Pick Ben on the chart")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "case-journey-chart-picked-en-1280")

    # The reverse: the violation site picked on the map selects Ben on the chart; the
    # directorship picked on the timeline selects both its ends and the relation.
    site.dispatch_event("click")
    expect(status).to_have_text("On the chart: Ben.")
    assert page.evaluate(PICKED_ON_CHART) == ["Ben"]
    expect(page.locator(f"#item-violation-{violation.pk}")).to_contain_class("is-selected")
    page.locator(f"#item-relation-{director.pk}").get_by_role(
        "button", name=re.compile("Show on the chart")
    ).click()
    expect(status).to_have_text(re.compile(r"^On the chart: (Ben, Balt Trade|Balt Trade, Ben)\.$"))
    assert page.evaluate(PICKED_ON_CHART) == ["Balt Trade", "Ben"]
    assert page.evaluate(FOCUSED_EDGES) == [f"r{director.pk}"]
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "case-journey-timeline-picked-en-1280")
    page.get_by_role("button", name="Clear the highlight").click()
    expect(status).to_have_text("Nothing highlighted.")
    assert page.evaluate(PICKED_ON_CHART) == []

    # ANX for i2 Analyst's Notebook: well-formed, one ChartItem per entity and relation.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export ANX (i2)").click()
    anx = tmp_path / "chart.anx"
    download_info.value.save_as(anx)
    chart_items = list(parse(anx).getroot().iter("ChartItem"))
    ends = {i.get("Label") for i in chart_items if i.find("End") is not None}
    assert ends == {"Ann", "Balt Trade", "Ben", "+37060000001", "Cid"}
    links = {i.get("Label") for i in chart_items if i.find("Link") is not None}
    assert links >= {"owner", "director", "uses"}

    # The same chart on a phone: the places and moments under it, nothing wider than
    # the screen.
    phone = new_page(PHONE)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(page.url)
    expect(phone.locator("#case-map")).to_have_attribute("data-loaded", "true")
    phone.wait_for_function(CHART_READY)
    phone.get_by_role("button", name="Pick Ben on the chart").click()
    expect(phone.locator("[data-workbench-status]")).to_have_text(
        "Ben: places on the map: 1, moments on the timeline: 2."
    )
    assert phone.evaluate(FITS), "the chart page overflows a phone"
    phone.evaluate("window.scrollTo(0, 0)")
    screenshot(phone, "case-journey-chart-picked-en-390")

    # The PDF report, run by the worker: the progress bar reaches the end, the PDF
    # downloads.
    page.goto(case.get_absolute_url())
    page.get_by_role("button", name="Report (PDF)").click()
    progress = page.get_by_role("progressbar")
    expect(progress).to_have_attribute("aria-valuenow", "100", timeout=60_000)
    expect(page.locator("[data-job-status]")).to_have_text("Succeeded")
    screenshot(page, "case-journey-report-en-1280")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"{case.number}-report-", exact=False).click()
    pdf = tmp_path / "report.pdf"
    download_info.value.save_as(pdf)
    assert download_info.value.suggested_filename.endswith(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
