"""The live map in a real browser: a dispatcher places a task on the map, opens it,
assigns the recommended unit in one click and watches the unit move, all without a
reload; an analyst follows the same map read-only; on a phone the panel folds away."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Violation, ViolationCategory
from cases.services.violations import ViolationInput, violation_create
from dispatch.models import (
    GeofenceAlert,
    MobileUnit,
    PatrolZone,
    Shift,
    Task,
    TaskStatus,
    UnitStatus,
)
from dispatch.services.positions import positions_ingest
from dispatch.services.tasks import TaskInput, task_create, task_transition
from portal.models import OrgUnit, User
from portal.services.demo import demo_seed
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    screenshot,
    track_draw_tool,
    wait_for_draw_tool,
)
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

# The brief: a position report shows on the map within 2 s; the test allows 3.
MOVES_WITHIN_MS = 3_000
MOVED_TO = (54.6012, 25.7034)

UNIT_AT = """([id, lat, lon]) => {
  const at = window.LiveMap && window.LiveMap.unitLatLng(id);
  return Boolean(at) && Math.abs(at.lat - lat) < 1e-6 && Math.abs(at.lng - lon) < 1e-6;
}"""


MAP_AT_REST = """() => {
  const map = window.LiveMap && window.LiveMap.map;
  return Boolean(map) && !map._animatingZoom && !(map._panAnim && map._panAnim._inProgress);
}"""


def _reports(points, until):
    """Reports a minute apart, the last one at ``until``."""
    return [
        {
            "device_time": (until - timedelta(minutes=len(points) - 1 - i)).isoformat(),
            "latitude": lat,
            "longitude": lon,
            "speed_kmh": 40,
        }
        for i, (lat, lon) in enumerate(points)
    ]


@pytest.fixture
def medininkai_unit():
    """The demo officer's unit on patrol near Medininkai for the last few minutes, in
    its zone, and a second unit of Vilnius that strayed out of its zone."""
    demo_seed(password=PASSWORD)
    now = timezone.now()
    zone = PatrolZone.objects.create(
        name="Medininkai strip",
        colour="#dc2626",
        area=Polygon(
            ((25.45, 54.50), (25.80, 54.50), (25.80, 54.66), (25.45, 54.66), (25.45, 54.50)),
            srid=4326,
        ),
    )
    unit = MobileUnit.objects.create(
        org_unit=OrgUnit.objects.get(code="mobile-medininkai"),
        call_sign="MED-7",
        status=UnitStatus.AVAILABLE,
    )
    Shift.objects.create(
        unit=unit, starts_at=now - timedelta(hours=2), ends_at=now + timedelta(hours=6), zone=zone
    )
    route = [(54.560, 25.560), (54.565, 25.580), (54.568, 25.600), (54.570, 25.620)]
    positions_ingest(unit=unit, device=None, reports=_reports(route, now - timedelta(seconds=5)))
    stray = MobileUnit.objects.create(
        org_unit=OrgUnit.objects.get(code="mobile-vilnius"),
        call_sign="VLN-2",
        status=UnitStatus.AVAILABLE,
    )
    stray_shift = Shift.objects.create(
        unit=stray, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7), zone=zone
    )
    stray_route = [(54.640, 25.780), (54.655, 25.800), (54.668, 25.815)]
    positions_ingest(
        unit=stray, device=None, reports=_reports(stray_route, now - timedelta(seconds=20))
    )
    if not GeofenceAlert.objects.filter(unit=stray).exists():
        GeofenceAlert.objects.create(
            unit=stray,
            shift=stray_shift,
            zone=zone,
            left_at=now - timedelta(minutes=2),
            position=Point(25.815, 54.668, srid=4326),
            distance_m=1450,
        )
    violation_create(
        actor=User.objects.get(username="officer"),
        data=ViolationInput(
            occurred_at=now - timedelta(hours=3),
            category=ViolationCategory.objects.get(code="tobacco"),
            location=Point(25.59, 54.575, srid=4326),
            location_accuracy_m=10,
            location_source="gps",
            place_description="Forest road by the border",
            details={
                "transport_mode": "road",
                "detection_method": "xray",
                "product_type": "cigarettes",
                "brand": "Minsk",
                "excise_stamps": "foreign",
            },
        ),
    )
    return unit


@pytest.mark.django_db(transaction=True)
def test_dispatcher_places_a_task_assigns_the_nearest_unit_and_sees_it_move(
    new_page, medininkai_unit
):
    unit = medininkai_unit
    page = new_page(DESKTOP)
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    sign_in(page, "dispatcher")
    page.goto("/dispatch/live/")
    expect(page.get_by_role("button", name="Show MED-7 · Medininkai on the map")).to_be_visible()
    expect(page.locator("[data-alert-list]")).to_contain_text("VLN-2")
    expect(page.locator("path.live-violation")).to_have_count(1)

    # An empty form says what is missing, next to each field, and creates nothing.
    page.get_by_role("button", name="New task").click()
    page.get_by_role("button", name="Create task").click()
    expect(page.locator("#live-task-kind-errors")).not_to_be_empty()
    expect(page.locator("#live-task-title-errors")).not_to_be_empty()
    expect(page.locator("#live-task-latitude-errors")).to_contain_text("Click the map")
    assert not Task.objects.exists()

    # A click on the map places the task; typed coordinates move it exactly. (On a busy
    # machine the map may still be moving to the first picture: the click waits for it.)
    page.wait_for_function(MAP_AT_REST)
    page.locator("#live-map").click(position={"x": 420, "y": 320})
    expect(page.get_by_label("Latitude")).not_to_have_value("")
    expect(page.get_by_label("Longitude")).not_to_have_value("")
    page.get_by_label("Type").select_option("inspection")
    page.get_by_label("Priority").select_option("3")
    page.get_by_label("Title").fill("Inspect lorry LT ABC123")
    page.get_by_label("Description").fill("Tip from the border post: cigarettes under the load.")
    page.get_by_label("Latitude").fill("54.5400")
    page.get_by_label("Longitude").fill("25.6500")
    page.get_by_role("button", name="Create task").click()

    panel = page.locator("[data-task-panel]")
    expect(panel.get_by_role("heading", name="Inspect lorry LT ABC123")).to_be_visible()
    task = Task.objects.get(title="Inspect lorry LT ABC123")
    assert (task.status, task.priority, task.kind) == (TaskStatus.NEW, 3, "inspection")
    assert task.location is not None
    assert task.location.coords == pytest.approx((25.65, 54.54))

    # Opened again from the list by its title: the nearest unit, one click to assign.
    page.get_by_role("button", name="Close the task panel").click()
    expect(panel).to_be_hidden()
    page.get_by_role("button", name="Inspect lorry LT ABC123").click()
    assign = page.get_by_role("button", name="Assign MED-7")
    expect(assign).to_be_visible()
    expect(panel.locator(f"[data-unit-id='{unit.pk}']")).to_contain_text("km")
    screenshot(page, "dispatch-live-task-desktop")
    assign.click()

    row = page.locator(f"[data-task-list] [data-task-id='{task.pk}']")
    expect(row).to_contain_text("Assigned")
    expect(row).to_contain_text("MED-7")
    expect(panel).to_contain_text("Assigned to MED-7 · Medininkai.")
    task.refresh_from_db()
    assert (task.status, task.unit_id) == (TaskStatus.ASSIGNED, unit.pk)
    unit_row = page.locator(f"[data-unit-list] [data-unit-id='{unit.pk}']")
    expect(unit_row).to_contain_text("Busy")

    # A position report moves the unit's marker, without a reload.
    positions_ingest(
        unit=unit,
        device=None,
        reports=[
            {
                "device_time": timezone.now().isoformat(),
                "latitude": MOVED_TO[0],
                "longitude": MOVED_TO[1],
            }
        ],
    )
    page.wait_for_function(UNIT_AT, arg=[unit.pk, *MOVED_TO], timeout=MOVES_WITHIN_MS)
    marker = page.locator(f"[data-marker-unit='{unit.pk}']")
    expect(marker).to_have_attribute("data-lat", str(MOVED_TO[0]))
    expect(marker).to_have_attribute("data-lon", str(MOVED_TO[1]))
    expect(unit_row).to_have_attribute("data-lat", str(MOVED_TO[0]))
    screenshot(page, "dispatch-live-map-desktop")
    assert script_errors == []


@pytest.mark.django_db(transaction=True)
def test_the_dispatcher_cancels_a_task_with_a_reason(new_page, medininkai_unit):
    dispatcher = User.objects.get(username="dispatcher")
    task = task_create(
        actor=dispatcher,
        data=TaskInput(
            kind="checkpoint", title="Checkpoint on the A3", location=Point(25.6, 54.55, srid=4326)
        ),
    )
    page = new_page(DESKTOP)
    sign_in(page, "dispatcher")
    page.goto("/dispatch/live/")

    page.get_by_role("button", name="Checkpoint on the A3").click()
    page.get_by_text("Cancel this task…").click()
    page.get_by_role("button", name="Cancel task").click()
    expect(page.get_by_text("Give the reason for cancelling.")).to_be_visible()
    page.get_by_label("Reason").fill("Duplicate of the A4 checkpoint")
    page.get_by_role("button", name="Cancel task").click()

    panel = page.locator("[data-task-panel]")
    expect(panel).to_contain_text("Cancelled")
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    assert task.events.get(to_status="cancelled").note == "Duplicate of the A4 checkpoint"
    # The next poll takes it off the open list; the panel still tells how it ended.
    expect(page.locator(f"[data-task-list] [data-task-id='{task.pk}']")).to_have_count(0)
    expect(panel).to_contain_text("Duplicate of the A4 checkpoint")


@pytest.mark.django_db(transaction=True)
def test_the_dispatcher_acknowledges_a_geofence_alert(new_page, medininkai_unit):
    page = new_page(DESKTOP)
    sign_in(page, "dispatcher")
    page.goto("/dispatch/live/")

    alerts = page.locator("[data-alert-list]")
    expect(alerts).to_contain_text("km outside Medininkai strip")
    page.get_by_role("button", name="Acknowledge the alert of VLN-2").click()

    expect(alerts).to_contain_text("Acknowledged")
    expect(page.get_by_role("button", name="Acknowledge the alert of VLN-2")).to_have_count(0)
    alert = GeofenceAlert.objects.get(unit__call_sign="VLN-2")
    assert alert.acknowledged_by == User.objects.get(username="dispatcher")


@pytest.mark.django_db(transaction=True)
def test_the_analyst_follows_the_map_read_only(new_page, medininkai_unit):
    dispatcher = User.objects.get(username="dispatcher")
    task_create(
        actor=dispatcher,
        data=TaskInput(
            kind="patrol", title="Patrol the A4", location=Point(25.6, 54.55, srid=4326)
        ),
    )
    page = new_page(DESKTOP)
    sign_in(page, "analyst")
    page.goto("/dispatch/live/")

    page.get_by_role("button", name="Patrol the A4").click()
    panel = page.locator("[data-task-panel]")
    expect(panel).to_contain_text("New")
    expect(page.get_by_role("button", name="New task")).to_have_count(0)
    expect(page.get_by_role("button", name="Assign MED-7")).to_have_count(0)
    expect(page.get_by_text("Cancel this task…")).to_have_count(0)
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    screenshot(page, "dispatch-live-analyst-desktop")


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_panel_folds_under_the_map(new_page, medininkai_unit):
    page = new_page(PHONE)
    sign_in(page, "dispatcher")
    page.goto("/dispatch/live/")

    lists = page.locator("#live-panel")
    expect(lists).to_be_hidden()
    expect(page.locator(f"[data-marker-unit='{medininkai_unit.pk}']")).to_have_count(1)
    screenshot(page, "dispatch-live-map-phone")
    page.get_by_role("button", name="Show panel").click()
    expect(page.get_by_role("button", name="Show MED-7 · Medininkai on the map")).to_be_visible()
    page.get_by_role("button", name="New task").click()
    expect(page.get_by_label("Title")).to_be_visible()
    screenshot(page, "dispatch-live-panel-phone")
    page.get_by_role("radio", name="Area").check()
    expect(page.locator("[data-area-status]")).to_have_text("Click where the area begins.")
    expect(page.get_by_label("Latitude")).to_be_hidden()
    screenshot(page, "dispatch-live-area-form-phone")


@pytest.mark.django_db(transaction=True)
def test_the_dispatcher_draws_a_task_area_and_links_a_violation(new_page, medininkai_unit):
    violation = Violation.objects.get()  # the fixture's, on the forest road
    page = new_page(DESKTOP)
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    sign_in(page, "dispatcher")
    page.goto("/dispatch/live/")
    expect(page.get_by_role("button", name="Show MED-7 · Medininkai on the map")).to_be_visible()
    track_draw_tool(page)

    page.get_by_role("button", name="New task").click()
    page.get_by_role("radio", name="Area").check()
    expect(page.get_by_label("Latitude")).to_be_hidden()
    page.get_by_label("Type").select_option("patrol")
    page.get_by_label("Title").fill("Sweep the forest strip")

    # Without an outline the area says so, and nothing is created.
    page.get_by_role("button", name="Create task").click()
    expect(page.locator("#live-task-area-errors")).to_contain_text("Draw the area on the map")
    assert not Task.objects.exists()

    # Four corners on the map, then Finish.
    page.wait_for_function(MAP_AT_REST)
    live_map = page.locator("#live-map")
    box = live_map.bounding_box()
    assert box is not None
    # Right of the map's legend, which stands open at the bottom left of a wide map.
    corners = [(0.50, 0.22), (0.75, 0.20), (0.78, 0.47), (0.53, 0.50)]
    for done, (x, y) in enumerate(corners, start=1):
        live_map.click(position={"x": box["width"] * x, "y": box["height"] * y})
        # leaflet.draw ignores a click too soon after the last: wait until it took this
        # corner and takes the next.
        wait_for_draw_tool(page, corners=done)
    expect(page.locator("[data-area-status]")).to_contain_text("Corners so far: 4")
    page.get_by_role("button", name="Finish").click()
    expect(page.locator("[data-area-status]")).to_contain_text("corners: 4")
    expect(page.locator("#live-task-area-errors")).to_be_empty()

    # A typed reference finds the violation; a click links it.
    picker = page.get_by_role("combobox", name="Linked violation")
    picker.fill(violation.reference[-6:])
    page.get_by_role("option", name=violation.reference).click()
    expect(picker).to_have_value(violation.reference)
    screenshot(page, "dispatch-live-area-form-desktop")
    page.get_by_role("button", name="Create task").click()

    panel = page.locator("[data-task-panel]")
    expect(panel.get_by_role("heading", name="Sweep the forest strip")).to_be_visible()
    task = Task.objects.get(title="Sweep the forest strip")
    assert task.area is not None
    assert task.area.num_coords == 5  # four corners, closed
    assert task.location is not None
    assert task.location.coords == pytest.approx(task.area.centroid.coords, abs=1e-5)
    assert task.violation == violation
    expect(panel).to_contain_text(violation.reference)
    expect(panel).to_contain_text("Area around")
    outline = page.locator(f"path[data-task-area='{task.pk}']")
    expect(outline).to_have_count(1)
    screenshot(page, "dispatch-live-area-task-desktop")

    # Opened afresh, the map draws the outline from the task API; a click on it opens it.
    page.reload()
    expect(outline).to_have_count(1)
    outline.dispatch_event("click")
    expect(panel.get_by_role("heading", name="Sweep the forest strip")).to_be_visible()
    assert script_errors == []


@pytest.mark.django_db(transaction=True)
def test_a_violation_is_linked_only_once_chosen_from_the_matches(new_page, medininkai_unit):
    page = new_page(DESKTOP)
    sign_in(page, "dispatcher")
    page.goto("/dispatch/live/")
    page.get_by_role("button", name="New task").click()
    page.get_by_label("Type").select_option("patrol")
    page.get_by_label("Title").fill("Patrol with a made-up link")
    page.get_by_label("Latitude").fill("54.55")
    page.get_by_label("Longitude").fill("25.60")
    picker = page.get_by_role("combobox", name="Linked violation")
    picker.fill("V-1999-nothing")
    expect(page.locator("[data-violation-status]")).to_have_text("No violation matches.")
    page.get_by_role("button", name="Create task").click()
    expect(page.locator("#live-task-violation-errors")).to_contain_text(
        "Choose a violation from the list"
    )
    expect(picker).to_be_focused()
    assert not Task.objects.exists()

    # By keyboard: the arrow picks a match, Enter chooses it (and does not send the form).
    violation = Violation.objects.get()
    picker.fill("forest road")
    expect(page.get_by_role("option", name=violation.reference)).to_be_visible()
    picker.press("ArrowDown")
    option_id = f"live-violation-option-{violation.pk}"
    expect(picker).to_have_attribute("aria-activedescendant", option_id)
    picker.press("Enter")
    expect(picker).to_have_value(violation.reference)
    expect(page.locator("#live-task-violation-errors")).to_be_empty()
    assert not Task.objects.exists()
    page.get_by_role("button", name="Create task").click()
    expect(page.locator("[data-task-panel]")).to_contain_text("Patrol with a made-up link")
    assert Task.objects.get().violation == violation


@pytest.mark.django_db(transaction=True)
def test_the_task_panel_shows_how_fast_the_unit_responded(new_page, medininkai_unit):
    unit = medininkai_unit
    dispatcher = User.objects.get(username="dispatcher")
    officer = User.objects.get(username="officer")  # serves in MED-7
    task = task_create(
        actor=dispatcher,
        data=TaskInput(
            kind="checkpoint", title="Check the lay-by", location=Point(25.6, 54.55, srid=4326)
        ),
    )
    task = task_transition(actor=dispatcher, task=task, target=TaskStatus.ASSIGNED, unit=unit)
    task = task_transition(actor=officer, task=task, target=TaskStatus.ACKNOWLEDGED)
    assigned = timezone.now() - timedelta(minutes=20)
    Task.objects.filter(pk=task.pk).update(
        assigned_at=assigned, acknowledged_at=assigned + timedelta(seconds=125)
    )
    page = new_page(DESKTOP)
    sign_in(page, "dispatcher")
    page.goto("/dispatch/live/")
    page.get_by_role("button", name="Check the lay-by").click()

    panel = page.locator("[data-task-panel]")
    facts = panel.locator(".live-facts")
    expect(facts).to_contain_text("Time to acknowledge2 min 05 s")
    expect(facts).not_to_contain_text("Time to arrive")

    # The unit arrives: the open panel follows without a reload.
    task = task_transition(actor=officer, task=task, target=TaskStatus.EN_ROUTE)
    task = task_transition(actor=officer, task=task, target=TaskStatus.ON_SCENE)
    Task.objects.filter(pk=task.pk).update(
        on_scene_at=assigned + timedelta(minutes=14, seconds=30), updated_at=timezone.now()
    )
    expect(facts).to_contain_text("Time to arrive14 min 30 s")
    expect(panel.get_by_text("On scene").first).to_be_visible()
    screenshot(page, "dispatch-live-response-times-desktop")
