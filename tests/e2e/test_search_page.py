"""The search page in Chromium: an analyst types in the top bar's box, is asked for the
purpose, finds a narrative with its words marked (and its markup shown as text), narrows
by a facet; screenshots at 1280 and 390 px in English and Lithuanian."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from cases.services.entities import entity_resolve
from tests.cases.support import draft_of
from tests.e2e.conftest import PHONE, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

WIDE = {"width": 1280, "height": 900}
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


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


def some_records(officer) -> None:
    draft_of(
        officer,
        narrative=(
            "The driver of a Scania R450 was stopped at Medininkai. During the inspection "
            "400 cartons of cigarettes were found behind the cabin wall. <script>x</script>"
        ),
        place_description="Medininkai, lorry lanes",
    )
    draft_of(
        officer,
        narrative="Vairuotojas Jonas Šimkus sulaikytas Medininkų poste; rastos cigaretės "
        "be akcizo ženklų, kuro bake.",
    )
    draft_of(officer, narrative="Cigarettes (Minsk) under the floor of the trailer.")
    for first, last in (("Jonas", "Šimkus"), ("Андрей", "Жуков")):
        entity_resolve(actor=None, kind="person", values={"first_name": first, "last_name": last})


def test_an_analyst_searches_from_the_top_bar_with_a_purpose(
    new_page, client_for, analyst, officer, live_server
):
    some_records(officer)
    page = signed_in(new_page, client_for, analyst, live_server)
    page.goto("/")
    page.get_by_label("Search everything").fill("cigarettes")
    page.get_by_label("Search everything").press("Enter")
    expect(page.get_by_text("Give the purpose of this search")).to_be_visible()
    page.get_by_label("Purpose").fill("Case 2026/14: tobacco at Medininkai")
    page.get_by_role("button", name="Search", exact=True).click()

    # "cigaretės" is another word (no Lithuanian stemmer): two of the three narratives.
    expect(page.get_by_text("2 matches")).to_be_visible()
    expect(page.locator(".search-hit mark").first).to_be_visible()
    expect(page.get_by_text("<script>x</script>")).to_be_visible()
    assert page.locator(".search-hit script").count() == 0
    screenshot(page, "search-en-1280")

    page.locator(".search-facet").filter(has_text="Year").locator("a").first.click()
    expect(page.locator(".filter-chip.is-selected")).to_have_count(1)

    page.get_by_label("Search for").fill("Zhukov")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("link", name="Андрей Жуков")).to_be_visible()


@pytest.mark.parametrize(
    ("viewport", "locale", "name"),
    [
        (PHONE, "en-GB", "search-en-390"),
        (WIDE, "lt-LT", "search-lt-1280"),
        (PHONE, "lt-LT", "search-lt-390"),
    ],
)
def test_the_search_page_fits_and_speaks_lithuanian(
    new_page, client_for, analyst, officer, live_server, viewport, locale, name
):
    some_records(officer)
    page = signed_in(new_page, client_for, analyst, live_server, viewport, locale)
    page.goto("/search/?q=%C5%A0imkus&purpose=Byla+2026%2F14")
    expect(page.locator(".search-hit").first).to_be_visible()
    if locale.startswith("lt"):
        expect(page.locator("html")).to_have_attribute("lang", "lt")
        expect(page.get_by_label("Paieškos tikslas")).to_be_visible()
    assert page.evaluate(FITS)
    screenshot(page, name)
