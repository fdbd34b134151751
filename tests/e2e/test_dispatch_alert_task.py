"""A task answering a zone alert, in a real browser: a unit on shift drives out of its
patrol zone (the alert comes from the position reports themselves), the dispatcher
presses "Send a task" on the alert, finds the form filled in (a patrol back to the zone,
placed where the unit left it, the alert as a chip), creates it and assigns the unit the
map recommends; the zone alert list links to the same form."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.utils import timezone
from playwright.sync_api import expect

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
from portal.models import OrgUnit
from portal.services.demo import demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

ZONE_NAME = "Vilnius north"
# Inside the zone, then out past its eastern edge (25.40) by a few kilometres.
ROUTE = [(54.760, 25.300), (54.762, 25.350), (54.765, 25.420), (54.766, 25.455)]


def _reports(points, until):
    """Reports a minute apart, the last one at ``until``."""
    return [
        {
            "device_time": (until - timedelta(minutes=len(points) - 1 - i)).isoformat(),
            "latitude": lat,
            "longitude": lon,
            "speed_kmh": 50,
        }
        for i, (lat, lon) in enumerate(points)
    ]


@pytest.fixture
def stray_alert():
    """VLN-1 on shift in Vilnius north drove out of it: positions_ingest opens the alert.
    MED-7, on shift farther away, is the other available unit."""
    demo_seed(password=PASSWORD)
    now = timezone.now()
    zone = PatrolZone.objects.create(
        name=ZONE_NAME,
        colour="#2563eb",
        area=Polygon(
            ((25.20, 54.70), (25.40, 54.70), (25.40, 54.82), (25.20, 54.82), (25.20, 54.70)),
            srid=4326,
        ),
    )
    stray = MobileUnit.objects.create(
        org_unit=OrgUnit.objects.get(code="mobile-vilnius"),
        call_sign="VLN-1",
        status=UnitStatus.AVAILABLE,
    )
    Shift.objects.create(
        unit=stray, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7), zone=zone
    )
    positions_ingest(unit=stray, device=None, reports=_reports(ROUTE, now - timedelta(seconds=10)))
    other = MobileUnit.objects.create(
        org_unit=OrgUnit.objects.get(code="mobile-medininkai"),
        call_sign="MED-7",
        status=UnitStatus.AVAILABLE,
    )
    Shift.objects.create(
        unit=other, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7), zone=zone
    )
    positions_ingest(
        unit=other, device=None, reports=_reports([(54.72, 25.25)], now - timedelta(seconds=5))
    )
    return GeofenceAlert.objects.get(unit=stray, returned_at__isnull=True)


def _local_clock(moment) -> str:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%H:%M")


@pytest.mark.django_db(transaction=True)
def test_the_dispatcher_sends_a_task_for_a_zone_alert_and_assigns_the_unit(new_page, stray_alert):
    alert = stray_alert
    stray = alert.unit
    page = new_page(DESKTOP)
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    sign_in(page, "dispatcher")
    page.goto("/dispatch/live/")

    alerts = page.locator("[data-alert-list]")
    expect(alerts).to_contain_text(f"outside {ZONE_NAME}")
    page.get_by_role("button", name="Send a task for VLN-1").click()

    # The form comes filled in: a patrol back to the zone, where the unit left it.
    form = page.locator("[data-create-panel]")
    expect(page.get_by_label("Type")).to_have_value("patrol")
    expect(page.get_by_label("Title")).to_have_value(f"Return to patrol zone {ZONE_NAME}")
    expect(page.get_by_role("radio", name="Point")).to_be_checked()
    assert float(page.get_by_label("Latitude").input_value()) == pytest.approx(alert.position.y)
    assert float(page.get_by_label("Longitude").input_value()) == pytest.approx(alert.position.x)
    chip = form.locator("[data-alert-link]")
    expect(chip.locator("[data-alert-link-text]")).to_have_text("Answers the zone alert of VLN-1")
    expect(form.locator("input[name=alert]")).to_have_value(str(alert.pk))
    expect(page.get_by_role("button", name="Remove the link to the zone alert")).to_be_visible()
    screenshot(page, "dispatch-alert-task-form-desktop")
    page.get_by_role("button", name="Create task").click()

    # Created: the panel says which alert it answers; the unit itself is nearest.
    panel = page.locator("[data-task-panel]")
    expect(panel.get_by_role("heading", name=f"Return to patrol zone {ZONE_NAME}")).to_be_visible()
    expect(panel.locator(".live-task__alert")).to_have_text(
        f"Answers the zone alert of VLN-1, left the zone at {_local_clock(alert.left_at)}."
    )
    task = Task.objects.get(title=f"Return to patrol zone {ZONE_NAME}")
    assert task.alert == alert
    assert task.kind == "patrol"
    recommended = panel.locator(".live-rec").first
    expect(recommended).to_contain_text("VLN-1")
    expect(recommended).to_contain_text("off zone")
    screenshot(page, "dispatch-alert-task-panel-desktop")
    page.get_by_role("button", name="Assign VLN-1").click()

    expect(panel).to_contain_text("Assigned to VLN-1 · Vilnius.")
    task.refresh_from_db()
    assert (task.status, task.unit_id, task.alert_id) == (TaskStatus.ASSIGNED, stray.pk, alert.pk)

    # The alert now leads to its task instead of offering another.
    sent = page.get_by_role("button", name="Show the task answering the alert of VLN-1")
    expect(sent).to_be_visible()
    expect(page.get_by_role("button", name="Send a task for VLN-1")).to_have_count(0)
    page.get_by_role("button", name="Close the task panel").click()
    expect(panel).to_be_hidden()
    sent.scroll_into_view_if_needed()
    screenshot(page, "dispatch-alert-task-sent-desktop")
    sent.click()
    expect(panel.get_by_role("heading", name=f"Return to patrol zone {ZONE_NAME}")).to_be_visible()

    # The zone alert list names the task, and offers no second one.
    page.goto("/dispatch/alerts/")
    row = page.locator(f"tr[data-alert='{alert.pk}']")
    expect(row).to_contain_text(f"Return to patrol zone {ZONE_NAME}")
    expect(row).to_contain_text("Assigned")
    expect(row.get_by_role("link", name="Send a task for VLN-1")).to_have_count(0)
    screenshot(page, "dispatch-alert-list-task-desktop")
    assert script_errors == []


@pytest.mark.django_db(transaction=True)
def test_the_alert_list_opens_the_prefilled_form_on_a_phone(new_page, stray_alert):
    alert = stray_alert
    page = new_page(PHONE)
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    sign_in(page, "dispatcher")
    page.goto("/dispatch/alerts/")
    row = page.locator(f"tr[data-alert='{alert.pk}']")
    expect(row).to_contain_text("Outside now")
    screenshot(page, "dispatch-alert-list-phone")
    row.get_by_role("link", name="Send a task for VLN-1").click()

    # The live map opens with the form filled in, the panel unfolded; the address
    # forgets the alert, so that a reload does not open the form again.
    expect(page).to_have_url(re.compile(r"/dispatch/live/$"))
    expect(page.get_by_label("Title")).to_have_value(f"Return to patrol zone {ZONE_NAME}")
    expect(page.locator("[data-alert-link]")).to_contain_text("Answers the zone alert of VLN-1")
    expect(page.get_by_label("Title")).to_be_in_viewport()
    screenshot(page, "dispatch-alert-task-form-phone")
    page.get_by_role("button", name="Create task").click()

    panel = page.locator("[data-task-panel]")
    expect(panel.locator(".live-task__alert")).to_contain_text("Answers the zone alert of VLN-1")
    screenshot(page, "dispatch-alert-task-panel-phone")
    assert Task.objects.get().alert == alert
    assert script_errors == []


@pytest.mark.django_db(transaction=True)
def test_the_link_to_the_alert_can_be_taken_off_the_task(new_page, stray_alert):
    page = new_page(DESKTOP)
    sign_in(page, "dispatcher")
    page.goto(f"/dispatch/live/?alert={stray_alert.pk}")
    chip = page.locator("[data-alert-link]")
    expect(chip).to_be_visible()

    page.get_by_role("button", name="Remove the link to the zone alert").click()
    expect(chip).to_be_hidden()
    expect(page.get_by_label("Title")).to_be_focused()
    page.get_by_label("Title").fill("Patrol the ring road")
    page.get_by_role("button", name="Create task").click()

    expect(page.locator("[data-task-panel]")).to_contain_text("Patrol the ring road")
    task = Task.objects.get()
    assert task.alert is None
    expect(page.locator("[data-task-panel] .live-task__alert")).to_have_count(0)
    # A plain task does not answer the alert: it still offers one.
    expect(page.get_by_role("button", name="Send a task for VLN-1")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_an_alert_that_is_no_longer_open_says_so(new_page, stray_alert):
    GeofenceAlert.objects.filter(pk=stray_alert.pk).update(returned_at=timezone.now())
    page = new_page(DESKTOP)
    sign_in(page, "dispatcher")
    page.goto(f"/dispatch/live/?alert={stray_alert.pk}")

    expect(page.locator("[data-alert-note]")).to_have_text(
        "That zone alert is not among the open ones: the unit may be back in its zone."
    )
    expect(page.locator("[data-create-panel]")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/dispatch/live/$"))
