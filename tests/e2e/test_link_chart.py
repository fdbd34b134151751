"""The link chart in Chromium on the known graph (tests/cases/graph_support.py): open it
around an entity, read a neighbour's count before expanding it, expand and undo, show
the rest of a hub above the cap, find a shortest path, export ANX; screenshots at 1280
and 390 px in English and Lithuanian."""

import pytest
from defusedxml.ElementTree import parse
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from cases.lib import graph_search
from tests.cases.graph_support import known_graph
from tests.e2e.conftest import PHONE, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

WIDE = {"width": 1280, "height": 900}
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"
PATH_ON_CHART = """() => {
  const chart = document.querySelector("[data-link-chart]").linkChart;
  return chart.cy.$(".is-path").map((e) => e.id()).sort();
}"""


def signed_in(new_page, client_for, user, live_server, viewport=WIDE, locale="en-GB"):
    client = client_for(user)
    page = new_page(viewport, locale=locale)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def item(page, label: str):
    return page.locator("[data-list] li").filter(has=page.get_by_text(label, exact=True))


def test_an_analyst_expands_undoes_finds_a_path_and_exports_anx(
    new_page, client_for, analyst, live_server, tmp_path
):
    g = known_graph()
    page = signed_in(new_page, client_for, analyst, live_server)
    page.goto(reverse("graph:entity-chart", kwargs={"pk": g.id("ben")}))
    expect(page.get_by_role("heading", name="Link chart: Ben")).to_be_visible()
    # Ben's neighbours, each with its count before it is expanded.
    balt = item(page, "Balt Trade")
    expect(balt.locator("[data-badge]")).to_have_text("relations: 2")
    expect(item(page, "Ann")).to_have_count(0)
    screenshot(page, "link-chart-en-1280")

    page.get_by_role("button", name="Expand: Balt Trade").click()
    expect(item(page, "Ann")).to_have_count(1)
    expect(page.get_by_role("button", name="Expanded: Balt Trade")).to_be_disabled()
    page.get_by_role("button", name="Undo last step").click()
    expect(item(page, "Ann")).to_have_count(0)
    expect(page.get_by_role("button", name="Expand: Balt Trade")).to_be_enabled()

    # Cid comes in through the phone; then the shortest path from Balt Trade to Cid.
    page.get_by_role("button", name="Expand: +37060000001").click()
    expect(item(page, "Cid")).to_have_count(1)
    page.get_by_label("Select Balt Trade").check()
    page.get_by_label("Select Cid").check()
    page.get_by_role("button", name="Shortest path").click()
    expect(page.get_by_role("status").filter(has_text="Shortest path")).to_have_text(
        "Shortest path: 3 relations."
    )
    screenshot(page, "link-chart-en-1280-path")
    highlighted = page.evaluate(PATH_ON_CHART)
    assert highlighted == sorted(
        [str(g.id(n)) for n in ("balt", "ben", "phone", "cid")]
        + [f"r{g.r[r].pk}" for r in ("director", "ben_phone", "cid_phone")]
    )

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export ANX (i2)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".anx")
    target = tmp_path / "chart.anx"
    download.save_as(target)
    chart = parse(target).getroot()
    labels = {i.get("Label") for i in chart.iter("ChartItem") if i.find("End") is not None}
    assert labels == {"Ben", "Balt Trade", "+37060000001", "Cid"}
    assert {i.get("Label") for i in chart.iter("ChartItem") if i.find("Link") is not None} >= {
        "director",
        "uses",
    }


def test_a_hub_shows_the_rest_as_a_more_node_and_brings_it_on_request(
    new_page, client_for, analyst, live_server
):
    g = known_graph()
    page = signed_in(new_page, client_for, analyst, live_server)
    page.goto(reverse("graph:entity-chart", kwargs={"pk": g.id("hub")}))
    hub = item(page, "Hub")
    expect(hub.locator("[data-badge]")).to_have_text("relations: 30")
    more = page.get_by_role("button", name="Show 5 more")
    expect(more).to_be_visible()
    expect(item(page, "L04")).to_have_count(0)
    expect(item(page, "L05")).to_have_count(1)
    screenshot(page, "link-chart-en-1280-hub")
    more.click()
    expect(item(page, "L00")).to_have_count(1)
    expect(page.get_by_role("button", name="Show 5 more")).to_have_count(0)
    page.get_by_role("button", name="Undo last step").click()
    expect(item(page, "L00")).to_have_count(0)
    expect(page.get_by_role("button", name="Show 5 more")).to_be_visible()


@pytest.mark.parametrize(
    ("viewport", "locale", "name", "badge", "title", "show"),
    [
        (
            WIDE,
            "en-GB",
            "link-chart-en-1280-hub-at-least",
            "relations: 26+",
            "At least 26 relations: counting stops there.",
            "Show 1 more",
        ),
        (
            PHONE,
            "lt-LT",
            "link-chart-lt-390-hub-at-least",
            "ryšių: 26+",
            "Bent 26 ryšių: toliau neskaičiuojama.",
            "Rodyti dar 1",
        ),
    ],
)
def test_a_hub_counted_past_the_cap_says_at_least(
    new_page,
    client_for,
    analyst,
    live_server,
    monkeypatch,
    viewport,
    locale,
    name,
    badge,
    title,
    show,
):
    # The hub has 30 relations; counting stops past 26 (DEGREE_CAP is 250 in use).
    monkeypatch.setattr(graph_search, "DEGREE_CAP", 26)
    g = known_graph()
    page = signed_in(new_page, client_for, analyst, live_server, viewport, locale)
    page.goto(reverse("graph:entity-chart", kwargs={"pk": g.id("hub")}))
    hub = item(page, "Hub")
    expect(hub.locator("[data-badge]")).to_have_text(badge)
    expect(hub.locator("[data-badge]")).to_have_attribute("title", title)
    expect(page.get_by_role("button", name=show)).to_be_visible()
    assert page.evaluate(FITS)
    screenshot(page, name)


@pytest.mark.parametrize(
    ("viewport", "locale", "name"),
    [
        (PHONE, "en-GB", "link-chart-en-390"),
        (WIDE, "lt-LT", "link-chart-lt-1280"),
        (PHONE, "lt-LT", "link-chart-lt-390"),
    ],
)
def test_the_chart_page_fits_and_speaks_lithuanian(
    new_page, client_for, analyst, live_server, viewport, locale, name
):
    g = known_graph()
    page = signed_in(new_page, client_for, analyst, live_server, viewport, locale)
    page.goto(reverse("graph:entity-chart", kwargs={"pk": g.id("cid")}))
    expect(item(page, "Dan").locator("[data-badge]")).to_be_visible()
    if locale.startswith("lt"):
        expect(page.locator("html")).to_have_attribute("lang", "lt")
        expect(page.get_by_role("button", name="Trumpiausias kelias")).to_be_visible()
    assert page.evaluate(FITS)
    screenshot(page, name)
