"""Names people type (a patrol zone's, a unit's call sign, a task's title) reach the maps'
tooltips, popups and lists as text: markup in them is shown as typed, never run."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.utils import timezone
from playwright.sync_api import expect

from dispatch.models import MobileUnit, PatrolZone, Shift, UnitStatus
from dispatch.services.positions import positions_ingest
from dispatch.services.tasks import TaskInput, task_create
from portal.models import OrgUnit, User
from portal.services.demo import demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

ZONE_NAME = "<img src=x onerror=window.__xss=1>"
CALL_SIGN = "<b>MED-9</b>"
TASK_TITLE = "<img src=x onerror=window.__xss=3> at the gate"

# Every tooltip of every layer on the live map, opened at once.
OPEN_ALL_TOOLTIPS = """() => window.LiveMap.map.eachLayer((layer) => {
  if (layer.getTooltip && layer.getTooltip() && !layer.isTooltipOpen()) layer.openTooltip();
})"""


@pytest.fixture
def hostile_names() -> MobileUnit:
    """The demo officer's unit, called ``<b>MED-9</b>``, on shift in a zone whose name is
    an image tag with a script in it, and a task whose title is another."""
    demo_seed(password=PASSWORD)
    now = timezone.now()
    zone = PatrolZone.objects.create(
        name=ZONE_NAME,
        colour="#dc2626",
        area=Polygon(
            ((25.45, 54.50), (25.80, 54.50), (25.80, 54.66), (25.45, 54.66), (25.45, 54.50)),
            srid=4326,
        ),
    )
    unit = MobileUnit.objects.create(
        org_unit=OrgUnit.objects.get(code="mobile-medininkai"),
        call_sign=CALL_SIGN,
        status=UnitStatus.AVAILABLE,
    )
    Shift.objects.create(
        unit=unit, starts_at=now - timedelta(hours=2), ends_at=now + timedelta(hours=6), zone=zone
    )
    positions_ingest(
        unit=unit,
        device=None,
        reports=[
            {
                "device_time": (now - timedelta(seconds=5)).isoformat(),
                "latitude": 54.52,
                "longitude": 25.50,
            }
        ],
    )
    task_create(
        actor=User.objects.get(username="dispatcher"),
        data=TaskInput(kind="patrol", title=TASK_TITLE, location=Point(25.72, 54.63, srid=4326)),
    )
    return unit


# Notes every image that has loaded or failed, in the capture phase: before the image's
# own onload/onerror attribute runs, in the same dispatch. Added before the page loads.
WATCH_IMAGES = """window.__settledImages = new WeakSet();
for (const type of ["load", "error"]) {
  window.addEventListener(type, (event) => {
    if (event.target instanceof HTMLImageElement) window.__settledImages.add(event.target);
  }, true);
}"""
# Every image in the document with a source has loaded or failed, its handlers run.
IMAGES_SETTLED = """() => Array.from(document.images).every(
  (image) => !image.getAttribute("src") || window.__settledImages.has(image)
)"""


def watch_images(page) -> None:
    page.add_init_script(WATCH_IMAGES)


def assert_nothing_ran(page) -> None:
    # An <img src=x> that got in fails to load and runs its onerror: wait until every
    # image on the page has loaded or failed (the page was watched by watch_images).
    page.wait_for_function(IMAGES_SETTLED)
    assert page.evaluate("() => window.__xss") is None
    assert page.locator(".leaflet-pane img, .leaflet-pane b").count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_live_map_shows_hostile_names_as_text(new_page, hostile_names):
    unit = hostile_names
    page = new_page(DESKTOP)
    watch_images(page)
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    sign_in(page, "dispatcher")
    page.goto("/dispatch/live/")
    expect(page.locator(f"[data-marker-unit='{unit.pk}']")).to_have_count(1)

    # The call sign's permanent label, the lists, then every tooltip and the unit's popup.
    expect(page.locator(".leaflet-tooltip.live-label")).to_have_text(CALL_SIGN)
    expect(page.locator("[data-unit-list]")).to_contain_text(CALL_SIGN)
    expect(page.locator("[data-unit-list]")).to_contain_text(ZONE_NAME)
    expect(page.locator("[data-task-list]")).to_contain_text(TASK_TITLE)
    page.evaluate(OPEN_ALL_TOOLTIPS)
    expect(page.locator(".leaflet-tooltip", has_text=ZONE_NAME)).to_have_count(1)
    expect(page.locator(".leaflet-tooltip", has_text=TASK_TITLE)).to_have_count(1)
    page.get_by_role("button", name=f"Show {CALL_SIGN} · Medininkai on the map").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(CALL_SIGN)
    expect(popup).to_contain_text(f"Zone: {ZONE_NAME}")
    page.get_by_role("button", name=TASK_TITLE).click()
    panel = page.locator("[data-task-panel]")
    expect(panel.get_by_role("heading", level=2)).to_have_text(TASK_TITLE)
    screenshot(page, "dispatch-live-escaping-desktop")
    assert_nothing_ran(page)
    assert script_errors == []


@pytest.mark.django_db(transaction=True)
def test_the_zone_list_shows_a_hostile_zone_name_as_text(new_page, hostile_names):
    page = new_page(DESKTOP)
    watch_images(page)
    sign_in(page, "dispatcher")
    page.goto("/dispatch/zones/")
    shape = page.locator("#zones-map path.zone-shape")
    expect(shape).to_have_count(1)

    # Events straight at the outline: a reference layer's marker may lie over its middle.
    shape.dispatch_event("mouseover")
    expect(page.locator(".leaflet-tooltip")).to_have_text(ZONE_NAME)
    shape.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(ZONE_NAME)
    expect(popup.get_by_role("link", name="Edit zone")).to_be_visible()
    expect(page.get_by_role("cell", name=ZONE_NAME, exact=True)).to_be_visible()
    assert_nothing_ran(page)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_my_unit_shows_a_hostile_call_sign_and_zone_name_as_text(
    new_page, hostile_names, viewport, name
):
    page = new_page(viewport)
    watch_images(page)
    sign_in(page, "officer")
    page.goto("/dispatch/my-unit/")
    expect(page.get_by_role("heading", name=f"{CALL_SIGN} · Medininkai")).to_be_visible()
    zone = page.locator("#unit-map path[stroke='#dc2626']")
    expect(zone).to_have_count(1)
    position = page.locator("#unit-map path[fill='#0b2545']")
    expect(position).to_have_count(1)

    zone.dispatch_event("mouseover")
    position.dispatch_event("mouseover")
    tooltips = page.get_by_role("tooltip")
    expect(tooltips.filter(has_text="Patrol zone")).to_have_text(f"Patrol zone: {ZONE_NAME}")
    expect(tooltips.filter(has_text="Last reported")).to_have_text(
        f"Last reported position · {CALL_SIGN}"
    )
    # The map's zoom to the zone, animated: my_unit.js marks the map when it is at rest.
    expect(page.locator("#unit-map")).to_have_attribute("data-framed", "true")
    expect(page.locator("#unit-map.leaflet-zoom-anim")).to_have_count(0)
    screenshot(page, f"officer-my-unit-escaping-{name}")
    assert_nothing_ran(page)
