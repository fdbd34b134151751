"""A task created by mistake, in a real browser: the dispatcher corrects one on the live
map (the form opens on it, a new title and a moved point are saved, the officer's phone
shows the change announced), and withdraws another before its unit acts on it."""

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from dispatch.models import Task, TaskStatus
from dispatch.services.tasks import TaskInput, task_create, task_transition
from portal.models import User
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_dispatch_live import medininkai_unit  # noqa: F401 (a fixture)
from tests.e2e.test_sign_in_per_role import sign_in


def _assigned_task(title: str, unit) -> Task:
    dispatcher = User.objects.get(username="dispatcher")
    task = task_create(
        actor=dispatcher,
        data=TaskInput(kind="checkpoint", title=title, location=Point(25.6, 54.55, srid=4326)),
    )
    return task_transition(actor=dispatcher, task=task, target="assigned", unit=unit)


@pytest.mark.django_db(transaction=True)
def test_the_dispatcher_corrects_a_task_and_the_officer_is_told(
    new_page,
    medininkai_unit,  # noqa: F811
):
    task = _assigned_task("Checkpoint on the A3", medininkai_unit)
    phone = new_page(PHONE)
    sign_in(phone, "officer")
    phone.goto("/dispatch/my-tasks/")
    expect(phone.locator(f"#task-{task.pk}")).to_contain_text("Checkpoint on the A3")

    page = new_page(DESKTOP)
    sign_in(page, "dispatcher")
    page.goto("/dispatch/live/")
    page.get_by_role("button", name="Checkpoint on the A3").click()
    page.get_by_role("button", name="Edit task").click()
    form = page.locator("[data-create-panel]")
    expect(form.get_by_role("heading", name="Edit task")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Checkpoint on the A3")
    page.get_by_label("Title").fill("Checkpoint on the A4")
    page.get_by_label("Description").fill("The A3 was a typing mistake.")
    page.get_by_label("Latitude").fill("54.561")
    page.get_by_label("Longitude").fill("25.612")
    screenshot(page, "dispatch-live-task-edit-desktop")
    page.get_by_role("button", name="Save changes").click()

    panel = page.locator("[data-task-panel]")
    expect(panel).to_contain_text("Changes saved.")
    expect(panel).to_contain_text("Edited: title, description, place")
    task.refresh_from_db()
    assert task.title == "Checkpoint on the A4"
    assert task.location is not None
    assert (round(task.location.y, 3), round(task.location.x, 3)) == (54.561, 25.612)
    assert task.status == TaskStatus.ASSIGNED  # editing moves nothing along

    card = phone.locator(f"#task-{task.pk}")
    expect(card).to_contain_text("Checkpoint on the A4")
    expect(card).to_contain_text("Changed by the operations centre at")
    banner = phone.locator("[data-new-task-banner]")
    expect(banner).to_contain_text("Task changed by the operations centre")
    screenshot(phone, "dispatch-officer-task-changed-phone")


@pytest.mark.django_db(transaction=True)
def test_the_dispatcher_withdraws_a_task_created_by_mistake(
    new_page,
    medininkai_unit,  # noqa: F811
):
    task = _assigned_task("Patrol the wrong road", medininkai_unit)
    page = new_page(DESKTOP)
    sign_in(page, "dispatcher")
    page.goto("/dispatch/live/")

    page.get_by_role("button", name="Patrol the wrong road").click()
    page.get_by_text("Withdraw: created by mistake…").click()
    page.get_by_role("button", name="Withdraw task").click()
    expect(page.get_by_text("Say why the task is withdrawn.")).to_be_visible()
    page.get_by_label("What was the mistake?").fill("Meant for VLN-2")
    screenshot(page, "dispatch-live-task-withdraw-desktop")
    page.get_by_role("button", name="Withdraw task").click()

    panel = page.locator("[data-task-panel]")
    expect(panel).to_contain_text("The task is withdrawn.")
    expect(page.locator(f"[data-task-list] [data-task-id='{task.pk}']")).to_have_count(0)
    expect(panel).to_contain_text("Withdrawn — Meant for VLN-2")
    task.refresh_from_db()
    assert (task.status, task.withdrawn_at is not None) == (TaskStatus.CANCELLED, True)
    medininkai_unit.refresh_from_db()
    assert medininkai_unit.status == "available"


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_in_lithuanian_the_task_panel_offers_edit_and_withdraw(
    new_page,
    medininkai_unit,  # noqa: F811
):
    task = _assigned_task("Patrulis prie A4", medininkai_unit)
    # Signed in in English (sign_in finds the labels by their English names), then read
    # in Lithuanian with the same session.
    english = new_page(PHONE)
    sign_in(english, "dispatcher")
    page = new_page(PHONE, locale="lt-LT")
    page.context.add_cookies(english.context.cookies())
    page.goto("/dispatch/live/")
    page.locator("[data-panel-toggle]").click()
    page.get_by_role("button", name="Patrulis prie A4").click()
    page.get_by_text("Atsiimti: sukurta per klaidą…").click()
    expect(page.get_by_role("button", name="Atsiimti užduotį")).to_be_visible()
    screenshot(page, "lt-dispatch-live-task-withdraw-phone")

    page.get_by_role("button", name="Redaguoti užduotį").click()
    expect(page.get_by_label("Pavadinimas")).to_have_value("Patrulis prie A4")
    screenshot(page, "lt-dispatch-live-task-edit-phone")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow} px wider than the phone"
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED
