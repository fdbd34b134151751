"""The dispatch loop in two browsers at once: a dispatcher at a desk creates a task on the
live map and assigns the recommended unit; the officer of that unit, on a phone, sees
the task arrive without reloading, acknowledges it and completes it; the dispatcher's
map follows each step without a reload."""

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from playwright.sync_api import expect

from dispatch.models import MobileUnit, Task, TaskStatus, UnitStatus
from portal.models import OrgUnit
from portal.services.demo import demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

# Updates are polled: a few seconds is the most anyone should wait.
ARRIVES_WITHIN_MS = 8_000


@pytest.fixture
def units():
    demo_seed(password=PASSWORD)
    officers_unit = MobileUnit.objects.create(
        org_unit=OrgUnit.objects.get(code="mobile-medininkai"),
        call_sign="MED-1",
        status=UnitStatus.AVAILABLE,
        last_position=Point(25.62, 54.56, srid=4326),
        last_reported_at=timezone.now(),
    )
    farther = MobileUnit.objects.create(
        org_unit=OrgUnit.objects.get(code="mobile-vilnius"),
        call_sign="VLN-1",
        status=UnitStatus.AVAILABLE,
        last_position=Point(25.28, 54.69, srid=4326),
        last_reported_at=timezone.now(),
    )
    return officers_unit, farther


@pytest.mark.django_db(transaction=True)
def test_dispatcher_assigns_and_the_officer_completes_without_reloads(new_page, units):
    officers_unit, farther = units
    officer = new_page(PHONE)
    sign_in(officer, "officer")
    officer.goto("/dispatch/my-tasks/")
    dispatcher = new_page(DESKTOP)
    sign_in(dispatcher, "dispatcher")
    dispatcher.goto("/dispatch/live/")

    # The dispatcher creates a task near Medininkai.
    dispatcher.get_by_role("button", name="New task").click()
    dispatcher.get_by_label("Type").select_option("interception")
    dispatcher.get_by_label("Priority").select_option("4")
    dispatcher.get_by_label("Title").fill("Intercept van BY 4521 AB")
    dispatcher.get_by_label("Description").fill("Cigarettes behind a false wall.")
    dispatcher.get_by_label("Latitude").fill("54.5610")
    dispatcher.get_by_label("Longitude").fill("25.6230")
    dispatcher.get_by_role("button", name="Create task").click()
    expect(dispatcher.locator("[data-task-panel]")).to_contain_text("Intercept van BY 4521 AB")
    task = Task.objects.get(title="Intercept van BY 4521 AB")
    assert task.status == TaskStatus.NEW

    # Opening it lists the nearest available unit first; one click assigns it.
    dispatcher.get_by_text("Intercept van BY 4521 AB").first.click()
    assign_nearest = dispatcher.get_by_role("button", name="Assign MED-1")
    expect(assign_nearest).to_be_visible()
    expect(dispatcher.get_by_role("button", name="Assign VLN-1")).to_be_visible()
    screenshot(dispatcher, "dispatch-e2e-recommendations-desktop")
    assign_nearest.click()
    expect(dispatcher.get_by_text("Assigned").first).to_be_visible()

    # The officer's phone shows it without a reload.
    card = officer.locator(f"article[data-task-id='{task.pk}']")
    expect(card).to_be_visible(timeout=ARRIVES_WITHIN_MS)
    expect(card).to_contain_text("Intercept van BY 4521 AB")
    screenshot(officer, "dispatch-e2e-task-arrived-phone")
    card.get_by_role("button", name="Acknowledge").click()
    expect(card).to_contain_text("Acknowledged")

    # ... and the dispatcher's map follows, still without a reload.
    task_row = dispatcher.locator(f"[data-task-list] [data-task-id='{task.pk}']")
    expect(task_row).to_contain_text("Acknowledged", timeout=ARRIVES_WITHIN_MS)

    card.get_by_role("button", name="En route").click()
    expect(card).to_contain_text("En route")
    card.get_by_role("button", name="On scene").click()
    expect(card).to_contain_text("On scene")
    card.get_by_role("button", name="Complete").click()
    officer.get_by_label("Outcome").fill("600 packs seized, driver detained")
    officer.get_by_role("button", name="Confirm completion").click()
    expect(card.locator("[data-task-status]")).to_have_text("Completed")
    screenshot(officer, "dispatch-e2e-completed-phone")

    task.refresh_from_db()
    officers_unit.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED
    assert task.unit == officers_unit
    assert task.outcome == "600 packs seized, driver detained"
    assert officers_unit.status == UnitStatus.AVAILABLE
    # The dispatcher sees the task leave the open list without a reload.
    expect(dispatcher.locator(f"[data-task-list] [data-task-id='{task.pk}']")).to_have_count(
        0, timeout=ARRIVES_WITHIN_MS
    )
    screenshot(dispatcher, "dispatch-e2e-after-completion-desktop")
    farther.refresh_from_db()
    assert farther.status == UnitStatus.AVAILABLE
