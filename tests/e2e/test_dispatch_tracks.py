"""A dispatcher replays two units' tracks in a real browser: stepping and playing move
the markers and advance the clock; the statistics page at desktop and phone width."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from playwright.sync_api import expect

from dispatch.models import MobileUnit, PositionReport, Task
from portal.models import User
from portal.services.demo import demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in
from tests.factories import OrgUnitFactory


def _two_units_driving() -> tuple[MobileUnit, MobileUnit, str, str]:
    """Two units reporting every 30 seconds for an hour, ending an hour ago: one driving
    east from Medininkai, one north from Šalčininkai. Returns the period as the form
    wants it (local time)."""
    end = timezone.localtime().replace(second=0, microsecond=0) - timedelta(hours=1)
    start = end - timedelta(hours=1)
    units = []
    for call_sign, (lat, lon), (dlat, dlon) in (
        ("TR-ALPHA", (54.5395, 25.6536), (0.0, 0.0008)),
        ("TR-BRAVO", (54.3094, 25.3847), (0.0006, 0.0)),
    ):
        unit = MobileUnit.objects.create(
            org_unit=OrgUnitFactory.create(code=f"org-{call_sign.lower()}", name=call_sign),
            call_sign=call_sign,
        )
        PositionReport.objects.bulk_create(
            PositionReport(
                unit=unit,
                device_time=start + timedelta(seconds=30 * i),
                received_at=start + timedelta(seconds=30 * i),
                point=Point(lon + dlon * i, lat + dlat * i, srid=4326),
                speed_kmh=55 + i % 7,
                source="device",
            )
            # BRAVO starts reporting ten minutes later than ALPHA.
            for i in range(20 if call_sign == "TR-BRAVO" else 0, 121)
        )
        units.append(unit)
    form = "%Y-%m-%dT%H:%M"
    return units[0], units[1], start.strftime(form), (end + timedelta(minutes=5)).strftime(form)


def _month_of_tasks(units: list[MobileUnit]) -> None:
    dispatcher = User.objects.get(username="dispatcher")
    now = timezone.now()
    for index, unit in enumerate(units):
        for n in range(4):
            assigned = now - timedelta(hours=3 + n)
            Task.objects.create(
                kind="inspection",
                title=f"Check {n}",
                created_by=dispatcher,
                unit=unit,
                status="completed" if n else "cancelled",
                assigned_at=assigned,
                acknowledged_at=assigned + timedelta(seconds=40 + 30 * n + 20 * index),
                on_scene_at=assigned + timedelta(minutes=8 + 3 * n + index) if n else None,
            )


def _marker_shape(page, index: int) -> str:
    return page.locator(f"path.replay-marker--{index}").get_attribute("d") or ""


@pytest.mark.django_db(transaction=True)
def test_a_dispatcher_replays_two_units_and_the_markers_move_with_the_clock(new_page):
    demo_seed(password=PASSWORD)
    _alpha, _bravo, start, end = _two_units_driving()
    page = new_page(DESKTOP)
    sign_in(page, "dispatcher")

    page.goto("/dispatch/tracks/")
    page.get_by_label("TR-ALPHA").check()
    page.get_by_label("TR-BRAVO").check()
    page.get_by_label("From").fill(start)
    page.get_by_label("Until").fill(end)
    page.get_by_role("button", name="Replay", exact=True).click()

    status = page.locator("[data-replay-status]")
    status.filter(has_text="Units: 2").wait_for()
    legend = page.locator("[data-legend]")
    assert legend.get_by_text("TR-ALPHA").is_visible()
    assert legend.get_by_text("TR-BRAVO").is_visible()
    clock = page.locator("[data-clock]")
    first_time = clock.inner_text()
    first_shape = _marker_shape(page, 1)
    # BRAVO has not reported yet at the start of the period: no marker.
    assert page.locator("path.replay-marker--2").count() == 0

    page.get_by_role("button", name="Step forward").click()
    assert clock.inner_text() != first_time
    assert _marker_shape(page, 1) != first_shape

    page.get_by_label("Speed").select_option("600")
    stepped_time, stepped_shape = clock.inner_text(), _marker_shape(page, 1)
    stepped_seconds = int(page.locator("[data-slider]").input_value())  # since the start
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(
        "(before) => document.querySelector('[data-clock]').textContent !== before",
        arg=stepped_time,
    )
    # 15 simulated minutes played (the slider counts seconds since the start), past
    # BRAVO's first report ten minutes in.
    page.wait_for_function(
        "(after) => Number(document.querySelector('[data-slider]').value) >= after",
        arg=stepped_seconds + 15 * 60,
    )
    page.get_by_role("button", name="Pause", exact=True).click()
    assert clock.inner_text() != stepped_time
    assert _marker_shape(page, 1) != stepped_shape
    assert page.locator("path.replay-marker--2").count() == 1  # BRAVO now on the map
    screenshot(page, "dispatch-track-replay-desktop")

    # Stepping back returns to an earlier report time.
    played_time = clock.inner_text()
    page.get_by_role("button", name="Step back").click()
    assert clock.inner_text() != played_time

    # The export buttons carry the same selection.
    with page.expect_download() as download:
        page.get_by_role("link", name="Export GPX").click()
    assert download.value.suggested_filename.startswith("tracks_TR-ALPHA_TR-BRAVO_")

    phone = new_page(PHONE)
    sign_in(phone, "dispatcher")
    phone.goto(page.url)
    phone.locator("[data-replay-status]").filter(has_text="Units: 2").wait_for()
    phone.get_by_role("button", name="Step forward").click()
    screenshot(phone, "dispatch-track-replay-phone")


@pytest.mark.django_db(transaction=True)
def test_who_was_near_a_place_is_picked_on_the_map_and_lists_the_unit(new_page):
    demo_seed(password=PASSWORD)
    _alpha, _bravo, start, _end = _two_units_driving()
    page = new_page(DESKTOP)
    sign_in(page, "dispatcher")
    page.goto("/dispatch/tracks/")

    page.locator("#tracks-map").click(position={"x": 300, "y": 200})
    assert page.get_by_label("Latitude").input_value() != ""
    assert page.get_by_label("Longitude").input_value() != ""
    # Typed instead: Medininkai, at the start of ALPHA's drive.
    page.get_by_label("Latitude").fill("54.5395")
    page.get_by_label("Longitude").fill("25.6536")
    page.get_by_label("Moment").fill(start)
    page.get_by_role("button", name="Search").click()

    # The search is a new page: wait for its answer before reading it.
    results = page.locator("[data-nearby]")
    expect(results.locator("[data-nearby-unit=TR-ALPHA]")).to_be_visible()
    assert results.locator("[data-nearby-unit=TR-BRAVO]").count() == 0
    assert page.locator("path.nearby-marker").count() == 1  # where ALPHA was, on the map
    screenshot(page, "dispatch-track-near-desktop")
    results.get_by_role("button", name="Replay these units").click()
    page.locator("[data-replay-status]").filter(has_text="Units: 1").wait_for()
    assert page.locator("path.replay-marker--1").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_the_unit_statistics_page(new_page, viewport_name):
    demo_seed(password=PASSWORD)
    alpha, bravo, _start, _end = _two_units_driving()
    _month_of_tasks([alpha, bravo])
    page = new_page(DESKTOP if viewport_name == "desktop" else PHONE)
    sign_in(page, "analyst")

    page.goto("/dispatch/units/stats/")

    row = page.locator("tr[data-unit=TR-ALPHA]")
    assert row.is_visible()
    assert "4" in row.inner_text()
    page.get_by_role("link", name="Previous month").click()
    assert "month=" in page.url
    page.get_by_role("link", name="Next month").click()
    assert page.locator("tr[data-unit=TR-ALPHA]").is_visible()
    screenshot(page, f"dispatch-unit-stats-{viewport_name}")
