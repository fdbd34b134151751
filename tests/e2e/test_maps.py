"""Every map of the portal in a real browser: the offline base map draws at working zoom
without a tile server, each map has its legend (open on a desktop, folded on a phone),
the violation map names a category in words, call signs never cover another unit on a
phone, and the first zoom to all units never undoes a view the dispatcher chose.
Screenshots of each map at desktop and phone width, in English and Lithuanian."""

import re

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone, translation
from playwright.sync_api import expect

from cases.models import ViolationCategory
from cases.services.violations import ViolationInput, violation_create
from dispatch.models import MobileUnit
from dispatch.services.demo import dispatch_demo_seed
from portal.models import User
from portal.services.demo import demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

# A base-map tile that has drawn: features in its data, and more than the land's colour
# in its pixels.
BASEMAP_DRAWN = """(minZoom) => {
  const tiles = Array.from(document.querySelectorAll("canvas.basemap-tile"))
    .filter((tile) => Number(tile.dataset.features || 0) > 0)
    .filter((tile) => Number(tile.dataset.z) >= (minZoom || 0));
  return tiles.some((tile) => {
    const data = tile.getContext("2d").getImageData(0, 0, tile.width, tile.height).data;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4 * 3) {
      colours.add(data[i] + "," + data[i + 1] + "," + data[i + 2]);
    }
    return colours.size > 3;
  });
}"""

# No visible call sign covers another unit's marker or another visible call sign.
LABELS_CLEAR = """() => {
  const hit = (a, b) =>
    a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
  const labels = Array.from(document.querySelectorAll(".live-label:not(.live-label--hidden)"))
    .map((label) => [label.textContent.trim(), label.getBoundingClientRect()]);
  const markers = Array.from(document.querySelectorAll("[data-marker-unit]"))
    .map((marker) => [marker.dataset.callSign, marker.getBoundingClientRect()]);
  const clashes = [];
  labels.forEach(([name, box], i) => {
    markers.forEach(([other, mark]) => {
      if (other !== name && hit(box, mark)) clashes.push(name + "/" + other);
    });
    labels.forEach(([other, box2], j) => {
      if (j > i && hit(box, box2)) clashes.push(name + "+" + other);
    });
  });
  return clashes;
}"""


# Holds the page's requests for the live feed until window.__releaseFeed() (run before
# the page's own scripts).
HOLD_THE_FEED = """(() => {
  const fetch = window.fetch.bind(window);
  const waiting = [];
  let released = false;
  window.__feedAsked = false;
  window.fetch = (url, options) => {
    if (released || !String(url).includes("/api/v1/live/")) return fetch(url, options);
    window.__feedAsked = true;
    return new Promise((resolve) => waiting.push(() => resolve(fetch(url, options))));
  };
  window.__releaseFeed = () => {
    released = true;
    waiting.splice(0).forEach((go) => go());
  };
})();"""


def lithuanian(text: str) -> str:
    with translation.override("lt"):
        return translation.gettext(text)


@pytest.fixture
def demo(basemap):
    demo_seed(password=PASSWORD)
    dispatch_demo_seed()
    officer = User.objects.get(username="officer")
    tobacco = ViolationCategory.objects.get(code="tobacco")
    for lon, lat in ((25.2797, 54.6872), (25.2850, 54.6890)):
        violation_create(
            actor=officer,
            data=ViolationInput(
                occurred_at=timezone.now(),
                category=tobacco,
                location=Point(lon, lat, srid=4326),
                narrative="Cigarettes",
            ),
        )
    return {"unit": MobileUnit.objects.order_by("pk").first()}


# Maps large enough for their legend to be open on a desktop.
LARGE_MAPS = {"/dispatch/live/", "/violations/map/"}


def map_pages(unit: MobileUnit) -> dict[str, list[tuple[str, str]]]:
    """(address, an entry of its legend) of every map, per demo account."""
    return {
        "dispatcher": [
            ("/dispatch/live/", "Available"),
            ("/violations/map/", "Verified violation"),
            ("/dispatch/zones/", "Inactive zone"),
            ("/dispatch/zones/new/", "Other zones"),
            ("/dispatch/tracks/", "Track of a unit, in its colour in the list"),
            (f"/dispatch/units/{unit.pk}/", "Home base"),
            (f"/dispatch/units/{unit.pk}/edit/", "Home base"),
            ("/dispatch/notices/new/", "Place of the notice"),
        ],
        "officer": [
            ("/violations/new/", "Place of the violation"),
            ("/dispatch/my-tasks/", "Task, urgent"),
            ("/dispatch/my-unit/", "Patrol zone"),
        ],
    }


@pytest.mark.django_db(transaction=True)
def test_the_base_map_draws_at_working_zoom_without_a_tile_server(new_page, demo):
    page = new_page(DESKTOP)
    sign_in(page, "dispatcher")
    page.goto("/dispatch/zones/")
    page.wait_for_load_state("networkidle")  # the zones are in, and framed
    zoom = "() => Number(document.getElementById('zones-map').dataset.zoom)"
    for _ in range(4):
        # One step at a time: Leaflet drops a zoom asked for while it animates one.
        before = page.evaluate(zoom)
        page.get_by_role("button", name="Zoom in").click()
        page.wait_for_function(f"() => ({zoom})() > {before}")
    assert page.evaluate(zoom) >= 10
    page.wait_for_load_state("networkidle")

    page.wait_for_function(BASEMAP_DRAWN, arg=10)
    assert page.locator("img.leaflet-tile").count() == 0  # no tile server asked
    expect(page.locator(".leaflet-control-attribution")).to_contain_text(
        "© OpenStreetMap contributors"
    )
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("Natural Earth")
    screenshot(page, "maps-basemap-working-zoom-desktop")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("viewport_name", "locale"),
    [("desktop", "en-GB"), ("phone", "en-GB"), ("desktop", "lt-LT"), ("phone", "lt-LT")],
)
def test_every_map_has_its_legend(new_page, demo, viewport_name, locale):
    viewport = DESKTOP if viewport_name == "desktop" else PHONE
    language = "lt" if locale == "lt-LT" else "en"
    say = lithuanian if language == "lt" else str
    for username, pages in map_pages(demo["unit"]).items():
        english = new_page(viewport)
        sign_in(english, username)
        page = new_page(viewport, locale=locale)
        page.context.add_cookies(english.context.cookies())
        for path, entry in pages:
            page.goto(path)
            legend = page.locator(".leaflet-control [data-map-legend]")
            expect(legend).to_be_visible()
            summary = legend.get_by_text(say("Legend"), exact=True)
            item = legend.get_by_text(say(entry), exact=True)
            border = legend.get_by_text(say("EU external border"), exact=True)
            # Folded on a phone and on a small map (a point picker's middle stays free);
            # opened by its summary.
            if viewport_name == "phone" or not legend.evaluate("details => details.open"):
                assert viewport_name == "phone" or path not in LARGE_MAPS, path
                expect(item).to_be_hidden()
                summary.click()
            expect(item).to_be_visible()
            expect(border).to_be_visible()
            page.wait_for_function(BASEMAP_DRAWN)
            name = path.strip("/").replace("/", "-").replace(str(demo["unit"].pk), "unit")
            screenshot(page, f"maps-{name}-{viewport_name}-{language}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale", ["en-GB", "lt-LT"])
def test_a_violation_on_the_map_names_its_category_in_words(new_page, demo, locale):
    tobacco = ViolationCategory.objects.get(code="tobacco")
    expected = tobacco.name_lt if locale == "lt-LT" else tobacco.name_en
    english = new_page(PHONE)
    sign_in(english, "officer")  # who logged them (drafts)
    page = new_page(PHONE, locale=locale)
    page.context.add_cookies(english.context.cookies())
    page.goto("/violations/map/")

    # The two are one group at the country's zoom, its number on the disc.
    group = page.locator(".cluster-label").filter(has_text=re.compile(r"^2$"))
    expect(group).to_be_visible()
    # Zoomed in to the street, each violation is a point of its own.
    page.evaluate("() => window.PortalMap.maps['violations-map'].setView([54.688, 25.282], 15)")
    points = page.locator('path[stroke="#0b2545"][fill="#1d4ed8"]')
    expect(points).to_have_count(2)
    points.first.click()

    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(expected)
    expect(popup).not_to_contain_text("tobacco")
    screenshot(page, f"maps-violation-popup-phone-{locale[:2]}")


@pytest.mark.django_db(transaction=True)
def test_call_signs_never_cover_another_unit_on_a_phone(new_page, demo):
    page = new_page(PHONE)
    sign_in(page, "dispatcher")
    page.goto("/dispatch/live/")
    page.wait_for_selector("[data-marker-unit]")
    page.wait_for_selector(".live-label")

    for _ in range(3):
        assert page.evaluate(LABELS_CLEAR) == []
        page.get_by_role("button", name="Zoom in").click()
        page.wait_for_function("() => !window.LiveMap.map._animatingZoom")
    # Zoomed in, the units stand apart and every call sign shows.
    assert page.evaluate(LABELS_CLEAR) == []
    screenshot(page, "maps-live-labels-phone-en")


@pytest.mark.django_db(transaction=True)
def test_the_first_zoom_to_all_units_leaves_a_view_the_dispatcher_chose(new_page, demo):
    page = new_page(DESKTOP)
    sign_in(page, "dispatcher")
    # The live feed waits until the test lets it through (a slow first answer).
    page.add_init_script(HOLD_THE_FEED)
    page.goto("/dispatch/live/")
    page.wait_for_function("() => window.LiveMap && window.LiveMap.map")
    first_zoom = page.evaluate("() => window.LiveMap.map.getZoom()")
    page.get_by_role("button", name="Zoom in").click()
    # The zoom is the dispatcher's once it has ended (the animation may not have begun
    # when the click returns).
    page.wait_for_function(
        "(before) => window.LiveMap.map.getZoom() === before + 1"
        " && !window.LiveMap.map._animatingZoom",
        arg=first_zoom,
    )
    chosen = page.evaluate("() => [window.LiveMap.map.getZoom(), window.LiveMap.map.getCenter()]")

    page.wait_for_function("() => window.__feedAsked")
    page.evaluate("() => window.__releaseFeed()")
    # The units are drawn (outside the chosen view, maybe).
    page.wait_for_selector("[data-marker-unit]", state="attached")

    assert (
        page.evaluate("() => [window.LiveMap.map.getZoom(), window.LiveMap.map.getCenter()]")
        == chosen
    )
