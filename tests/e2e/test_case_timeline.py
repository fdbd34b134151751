"""A case's timeline and map in Chromium: the analyst opens them, moves the time slider
back to the start (a later violation site leaves the map, the first item is highlighted)
and forward again, and picks a place from the timeline; screenshots at 1280 and 390 px in
English and Lithuanian."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tests.cases.test_case_timeline import known_case  # noqa: F401 (a fixture)
from tests.conftest import login_verified
from tests.e2e.conftest import screenshot

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def signed_in(new_page, live_server, user, viewport, locale="en-GB"):
    client = login_verified(Client(), user)
    page = new_page(viewport, locale=locale)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


@pytest.mark.django_db(transaction=True)
def test_the_slider_hides_later_places_and_highlights_their_items(
    new_page,
    live_server,
    analyst,
    known_case,  # noqa: F811 (the fixture imported above)
):
    case = known_case["case"]
    violation_key = f"violation-{known_case['violation'].pk}"
    relation_key = f"relation-{known_case['relation'].pk}"
    period_key = f"event-{known_case['period'].pk}"
    page = signed_in(new_page, live_server, analyst, WIDE)
    page.goto(reverse("investigations:case-detail", args=[case.pk]))
    page.get_by_role("link", name="Timeline and map").click()
    expect(page.locator("#case-map")).to_have_attribute("data-loaded", "true")
    site = page.locator(f'#case-map path[data-key="{violation_key}"]')
    expect(site).to_have_count(1)
    expect(page.locator("#case-map")).to_have_attribute("data-visible", "5")

    slider = page.get_by_label("Show the case up to")
    slider.fill("0")  # the first moment: the relation starting on 1 March
    expect(site).to_have_count(0)
    expect(page.locator("#case-map")).to_have_attribute("data-visible", "1")  # the address
    expect(page.locator(f"#item-{relation_key}")).to_contain_class("is-current")
    expect(page.locator(f"#item-{violation_key}")).to_contain_class("is-later")

    slider.fill("1")  # 3 March: the violation
    expect(site).to_have_count(1)
    expect(page.locator(f"#item-{violation_key}")).to_contain_class("is-current")
    expect(page.locator(f"#item-{relation_key}")).not_to_contain_class("is-current")

    # A place picked from the timeline, and one picked on the map.
    slider.fill(slider.get_attribute("max") or "0")
    page.locator(f"#item-{period_key}").get_by_role(
        "button", name=re.compile("Show on the map")
    ).click()
    expect(page.locator("#case-map")).to_have_attribute("data-selected", period_key)
    expect(page.locator(f"#item-{period_key}")).to_contain_class("is-selected")
    site.dispatch_event("click")
    expect(page.locator(f"#item-{violation_key}")).to_contain_class("is-selected")
    expect(page.locator(f"#item-{period_key}")).not_to_contain_class("is-selected")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale", ["en-GB", "lt"])
@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "390"])
def test_the_timeline_page_at_a_desktop_and_a_phone(
    new_page,
    live_server,
    analyst,
    known_case,  # noqa: F811 (the fixture imported above)
    viewport,
    locale,
):
    page = signed_in(new_page, live_server, analyst, viewport, locale=locale)
    page.goto(reverse("investigations:case-timeline", args=[known_case["case"].pk]))
    expect(page.locator("#case-map")).to_have_attribute("data-loaded", "true")
    language = "lt" if locale == "lt" else "en"
    screenshot(page, f"case-timeline-{viewport['width']}-{language}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale", ["en-GB", "lt"])
@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "390"])
def test_an_administrator_is_offered_only_the_filters_of_what_they_may_see(
    new_page,
    live_server,
    administrator,
    known_case,  # noqa: F811 (the fixture imported above)
    viewport,
    locale,
):
    lithuanian = locale == "lt"
    page = signed_in(new_page, live_server, administrator, viewport, locale=locale)
    page.goto(reverse("investigations:case-timeline", args=[known_case["case"].pk]))
    expect(page.locator("#case-map")).to_have_attribute("data-loaded", "true")
    filters = page.locator(".timeline-filters")
    if viewport is PHONE:
        filters.get_by_text("Filtrai" if lithuanian else "Filters", exact=True).click()

    expect(filters.get_by_label("Įvykiai" if lithuanian else "Events", exact=True)).to_be_visible()
    for hidden in ("Pažeidimai", "Pastebėjimai") if lithuanian else ("Violations", "Sightings"):
        expect(filters.get_by_label(hidden, exact=True)).to_have_count(0)
    screenshot(page, f"case-timeline-administrator-{viewport['width']}-{locale[:2]}")
