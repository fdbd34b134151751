"""What the live map says is true now: a message about a step the task has left goes
away, and a removed goods line is asked about first."""

import re

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from dispatch.models import TaskStatus
from dispatch.services.tasks import TaskInput, task_create, task_transition
from portal.models import User
from tests.e2e.conftest import DESKTOP
from tests.e2e.test_dispatch_live import medininkai_unit  # noqa: F401 (a fixture)
from tests.e2e.test_sign_in_per_role import sign_in

# A mobile unit is named "call sign · organisational unit" in the panel's messages.
ASSIGNED_TO_MED_7 = re.compile(r"Assigned to MED-7 · [^.]+\.")


@pytest.mark.django_db(transaction=True)
def test_a_completed_tasks_panel_no_longer_says_it_was_assigned(
    new_page,
    medininkai_unit,  # noqa: F811
):
    dispatcher = User.objects.get(username="dispatcher")
    task = task_create(
        actor=dispatcher,
        data=TaskInput(
            kind="checkpoint",
            title="Checkpoint at the lay-by",
            location=Point(25.6, 54.55, srid=4326),
        ),
    )
    page = new_page(DESKTOP)
    sign_in(page, "dispatcher")
    page.goto("/dispatch/live/")
    page.get_by_role("button", name="Checkpoint at the lay-by").click()
    page.get_by_role("button", name="Assign MED-7").click()
    panel = page.locator("[data-task-panel]")
    expect(panel).to_contain_text(ASSIGNED_TO_MED_7)

    officer = User.objects.get(username="officer")
    for target in ("acknowledged", "en_route", "on_scene"):
        task = task_transition(actor=officer, task=task, target=target)
    task_transition(actor=officer, task=task, target=TaskStatus.COMPLETED, note="Nothing found")

    expect(panel.locator("[data-task-status]")).to_have_text("Completed")
    expect(panel).not_to_contain_text(ASSIGNED_TO_MED_7)
