"""The demo case's map in Chromium, as `make run` seeds it: its places (addresses in
Germany and in Vilnius, violation sites) are framed at load clear of the map's legend,
open at 1280 px and folded on a phone, in English and Lithuanian; screenshots of each."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Case
from portal.models import User
from portal.services.demo import demo_seed
from portal.services.training_demo import training_demo_seed
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_link_chart import WIDE, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

# Each drawn place (an SVG circle) of the case's map and the legend's box, as seen on
# the screen once the map has framed its places.
BOXES = """() => {
  const box = (element) => {
    const r = element.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  };
  const map = document.getElementById("case-map");
  return {
    map: box(map),
    legend: box(map.querySelector(".map-legend-control")),
    places: [...map.querySelectorAll("path.case-place")].map(box),
  };
}"""


def overlaps(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.fixture
def demo(db):
    demo_seed(password="demo-Password-for-tests-42")
    training_demo_seed()
    call_command("seed_cases_demo", stdout=io.StringIO())
    return Case.objects.get(restricted=False)


@pytest.mark.parametrize("locale", ["en-GB", "lt-LT"])
@pytest.mark.parametrize("viewport_name", ["wide", "phone"])
def test_the_demo_case_map_frames_its_places_clear_of_the_legend(
    new_page, client_for, live_server, demo, viewport_name, locale
):
    analyst = User.objects.get(username="analyst")
    viewport = WIDE if viewport_name == "wide" else PHONE
    page = signed_in(new_page, client_for, analyst, live_server, viewport, locale=locale)

    page.goto(reverse("investigations:case-timeline", args=[demo.pk]))
    page.wait_for_function("() => document.getElementById('case-map').dataset.loaded === 'true'")
    # Leaflet redraws its vector layer on the frames after the fit: no zoom animation
    # left, then two frames.
    expect(page.locator("#case-map.leaflet-zoom-anim")).to_have_count(0)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

    screenshot(page, f"demo-case-map-{viewport_name}-{locale[:2]}")
    boxes = page.evaluate(BOXES)
    shown = [place for place in boxes["places"] if overlaps(place, boxes["map"])]
    assert len(shown) >= 3, boxes
    assert len(shown) == len(boxes["places"]), "every place is in view at load"
    covered = [place for place in shown if overlaps(place, boxes["legend"])]
    assert not covered, (boxes["legend"], covered)
