"""A dispatcher draws a patrol zone with the map's polygon tool and saves it; plans a
shift from the board; the day and week boards and the zone list at desk and phone
widths (screenshots in artifacts/screenshots/)."""

import json

import pytest
from django.utils import timezone

from dispatch.models import GeofenceAlert, MobileUnit, PatrolZone, Shift
from dispatch.services.demo import dispatch_demo_seed
from portal.services.demo import demo_seed
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    screenshot,
    track_draw_tool,
    wait_for_draw_tool,
)
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in


def seed() -> None:
    demo_seed(password=PASSWORD)
    dispatch_demo_seed()


# Where a latitude and longitude is on the zone's map, in the map's own pixels.
ON_THE_ZONE_MAP = """([lat, lng]) => {
  const point = window.PortalMap.maps["zone-map"].latLngToContainerPoint([lat, lng]);
  return { x: point.x, y: point.y };
}"""


@pytest.mark.django_db(transaction=True)
def test_a_dispatcher_draws_a_zone_on_the_map_and_saves_it(new_page):
    seed()
    zones_before = PatrolZone.objects.count()
    page = new_page(DESKTOP)
    sign_in(page, "dispatcher")

    page.goto("/dispatch/zones/new/")
    page.get_by_label("Name").fill("Vilnius ring road north")
    page.get_by_label("Colour on the map").fill("#9333ea")
    page.get_by_label("Description").fill("The ring road from Santariškės to Antakalnis")
    track_draw_tool(page)
    page.get_by_title("Draw the zone's outline").click()
    drawing = page.locator("#zone-map")
    # Corners in central Lithuania, clear of every border, wherever the map's first view
    # puts them (it leaves room for the legend).
    corners = [(55.6, 23.6), (55.65, 24.6), (55.1, 24.7), (55.05, 23.7)]
    for done, corner in enumerate(corners, start=1):
        point = page.evaluate(ON_THE_ZONE_MAP, list(corner))
        drawing.click(position={"x": point["x"], "y": point["y"]})
        # leaflet.draw ignores a click that follows the previous one too closely (it
        # briefly disables new corners after each): wait until it took this corner and
        # takes the next.
        wait_for_draw_tool(page, corners=done)
    page.get_by_role("link", name="Finish").click()

    status = page.locator("[data-zone-status]")
    assert "corners: 4" in status.inner_text()
    outline = json.loads(page.locator("[data-zone-area]").input_value())
    assert outline["type"] == "Polygon"
    assert len(outline["coordinates"][0]) == 5  # four corners, closed
    screenshot(page, "zone-draw-desktop")
    page.get_by_role("button", name="Save zone").click()

    page.get_by_text("Patrol zone Vilnius ring road north saved.").wait_for()
    zone = PatrolZone.objects.get(name="Vilnius ring road north")
    assert PatrolZone.objects.count() == zones_before + 1
    assert zone.colour == "#9333ea"
    assert zone.area.num_coords == 5
    assert zone.area.valid
    page.locator("#zones-map path.zone-shape").first.wait_for()
    assert page.locator("#zones-map path.zone-shape").count() == zones_before + 1
    screenshot(page, "zone-list-desktop")

    # Editing shows the outline again, ready to move its corners.
    page.goto(f"/dispatch/zones/{zone.pk}/edit/")
    page.locator("#zone-map path.zone-outline-shape").wait_for()
    status = page.locator("[data-zone-status]").inner_text()
    assert "corners: 4" in status
    assert "Save the zone to keep it" not in status  # nothing changed yet

    # An outline pasted as GeoJSON that crosses itself is refused, and nothing changes.
    page.get_by_text("Outline as GeoJSON").click()
    bow_tie = [[25.2, 54.7], [25.3, 54.8], [25.3, 54.7], [25.2, 54.8], [25.2, 54.7]]
    page.get_by_label("Outline (GeoJSON)").fill(
        json.dumps({"type": "Polygon", "coordinates": [bow_tie]})
    )
    page.get_by_role("button", name="Save changes").click()
    page.locator("#area-errors").filter(has_text="crosses itself").wait_for()
    screenshot(page, "zone-form-error-desktop")
    zone.refresh_from_db()
    assert zone.area.num_coords == 5
    assert zone.area.extent != (25.2, 54.7, 25.3, 54.8)


@pytest.mark.django_db(transaction=True)
def test_the_zone_list_on_a_phone(new_page):
    seed()
    page = new_page(PHONE)
    sign_in(page, "officer")

    page.goto("/dispatch/zones/")

    page.locator("#zones-map path.zone-shape").first.wait_for()
    assert page.get_by_role("link", name="New zone").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "zone-list-phone")


@pytest.mark.django_db(transaction=True)
def test_the_shift_boards_by_day_and_week_and_planning_from_the_board(new_page):
    seed()
    page = new_page(DESKTOP)
    sign_in(page, "dispatcher")

    page.goto("/dispatch/shifts/")
    bars = page.locator(".board--day .shift-bar")
    assert bars.count() >= 3
    assert page.locator(".board__now").is_visible()
    assert page.locator(".agenda").is_hidden()
    screenshot(page, "shift-day-desktop")

    # A new unit gets a shift from its "+ Shift" link on the board.
    unit = MobileUnit.objects.order_by("call_sign").first()
    assert unit is not None
    Shift.objects.filter(unit=unit, starts_at__date__gte=timezone.localdate()).delete()
    page.reload()
    row = page.locator(f'.board--day [data-unit="{unit.call_sign}"]')
    row.get_by_role("link", name=f"+ Shift {unit.call_sign}").click()
    page.get_by_label("Patrol zone").select_option(index=1)
    page.get_by_label("Note").fill("Checkpoint at the roundabout")
    screenshot(page, "shift-form-desktop")
    page.get_by_role("button", name="Save shift").click()
    page.get_by_text(f"Shift of {unit.call_sign} saved.").wait_for()
    assert row.locator(".shift-bar").filter(has_text="08:00").count() == 1

    page.get_by_role("link", name="Week").click()
    page.locator(".board--week").wait_for()
    assert page.locator(".board--week .shift-chip").count() >= 7
    screenshot(page, "shift-week-desktop")

    page.get_by_role("link", name="Next week").click()
    page.locator(".board--week").wait_for()
    assert "view=week" in page.url


@pytest.mark.django_db(transaction=True)
def test_the_shift_boards_turn_into_a_list_on_a_phone(new_page):
    seed()
    page = new_page(PHONE)
    sign_in(page, "officer")

    page.goto("/dispatch/shifts/")
    assert page.locator(".agenda").is_visible()
    assert page.locator(".board--day").is_hidden()
    assert page.locator(".agenda__item").count() >= 3
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "shift-day-phone")

    page.get_by_role("link", name="Week").click()
    page.locator(".agenda__day").nth(6).wait_for()
    assert page.locator(".agenda__day").count() == 7
    screenshot(page, "shift-week-phone")


@pytest.mark.django_db(transaction=True)
def test_a_dispatcher_acknowledges_a_geofence_alert_from_the_list(new_page):
    seed()
    unit = MobileUnit.objects.order_by("call_sign").first()
    assert unit is not None
    shift = Shift.objects.filter(unit=unit, zone__isnull=False).first()
    assert shift is not None
    assert shift.zone is not None
    alert = GeofenceAlert.objects.create(
        unit=unit,
        shift=shift,
        zone=shift.zone,
        left_at=timezone.now(),
        position=shift.zone.area.centroid,
        distance_m=2_480,
    )
    page = new_page(DESKTOP)
    sign_in(page, "dispatcher")

    page.goto("/dispatch/alerts/")
    assert page.get_by_text("Outside now").is_visible()
    page.get_by_role("button", name=f"Acknowledge {unit.call_sign}").click()

    page.get_by_text(f"Alert of {unit.call_sign} acknowledged.").wait_for()
    alert.refresh_from_db()
    assert alert.acknowledged_by is not None
    assert alert.acknowledged_by.username == "dispatcher"
    screenshot(page, "alert-list-desktop")
