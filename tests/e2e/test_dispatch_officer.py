"""The officer on a phone: a task the operations centre sends appears on "My tasks"
without a reload and is announced; the officer takes it to completion, logs a violation
at its place; on "My unit" the phone shares its position."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.utils import timezone

from dispatch.models import (
    MobileUnit,
    PatrolZone,
    PositionReport,
    PositionSource,
    Shift,
    Task,
    TaskStatus,
)
from dispatch.services.tasks import TaskInput, task_create, task_transition
from portal.models import OrgUnit, User
from portal.services.demo import demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

MEDININKAI = Point(25.6536, 54.5395, srid=4326)
HERE = {"latitude": 54.6431, "longitude": 25.2157, "accuracy": 12}


def officers_unit(status: str = "available") -> MobileUnit:
    """The demo officer serves in Medininkai, the mobile unit MED-1 ("MED-1 · Medininkai")."""
    return MobileUnit.objects.create(
        org_unit=OrgUnit.objects.get(code="mobile-medininkai"),
        call_sign="MED-1",
        vehicle_plate="KMU 123",
        status=status,
    )


def send_task(unit: MobileUnit, title: str, **extra) -> Task:
    """The dispatcher creates a task and assigns it to the unit, as the live map does."""
    dispatcher = User.objects.get(username="dispatcher")
    task = task_create(
        actor=dispatcher,
        data=TaskInput(kind="inspection", title=title, location=MEDININKAI, **extra),
    )
    return task_transition(actor=dispatcher, task=task, target=TaskStatus.ASSIGNED, unit=unit)


@pytest.mark.django_db(transaction=True)
def test_a_new_task_appears_is_announced_and_the_officer_completes_it(new_page):
    demo_seed(password=PASSWORD)
    unit = officers_unit()
    page = new_page(PHONE)
    sign_in(page, "officer")
    page.goto("/dispatch/my-tasks/")
    page.get_by_text("No open tasks").wait_for()
    page.evaluate("window.__sameDocument = true")

    task = send_task(
        unit,
        "Check lorry LT ABC123 at lane 3",
        priority=4,
        description="Tip-off: cigarettes behind the spare wheel.",
        window_start=timezone.now(),
        window_end=timezone.now() + timedelta(hours=2),
    )

    card = page.locator(f"#task-{task.pk}")
    card.wait_for(timeout=15_000)
    banner = page.get_by_role("alert").filter(has_text="New task")
    assert banner.is_visible()
    assert "Check lorry LT ABC123 at lane 3" in banner.inner_text()
    assert page.evaluate("window.__sameDocument") is True  # no reload
    assert "Assigned" in card.inner_text()
    screenshot(page, "officer-my-tasks-new-task-phone")
    banner.get_by_role("button", name="OK").click()

    for button, status in (
        ("Acknowledge", "Acknowledged"),
        ("En route", "En route"),
        ("On scene", "On scene"),
    ):
        card.get_by_role("button", name=button).click()
        card.locator("[data-task-status]", has_text=status).wait_for()
    assert card.get_by_role("link", name="Navigate").get_attribute("href").startswith("geo:54.5395")

    card.get_by_role("button", name="Complete").click()
    card.get_by_role("button", name="Confirm completion").click()
    card.get_by_text("Write the outcome first.").wait_for()  # required, and said so
    card.get_by_label("Outcome").fill("Lorry checked: 40 cartons seized.")
    screenshot(page, "officer-my-tasks-complete-phone")
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(f"/tasks/{task.pk}/transition/")
    ) as completing:
        card.get_by_role("button", name="Confirm completion").click()

    done = page.get_by_role("status").filter(has_text="Task completed.")
    done.wait_for()
    # The server answered the completion: it is saved.
    assert completing.value.ok
    assert Task.objects.get(pk=task.pk).status == TaskStatus.COMPLETED
    task.refresh_from_db()
    assert task.outcome == "Lorry checked: 40 cartons seized."
    page.get_by_text("Closed today: 1 task").click()
    closed = page.locator(f"#task-{task.pk}")
    assert "Completed" in closed.locator("[data-task-status]").inner_text()
    screenshot(page, "officer-my-tasks-closed-phone")

    # A violation at the task's place, linked back to the task.
    done.get_by_role("link", name="Log a violation here").click()
    page.wait_for_url("**/violations/new/**")
    assert page.locator("#id_latitude").input_value() == "54.539500"
    assert page.locator("#location-map .leaflet-marker-icon").count() == 1  # the pin shows
    page.get_by_role("radio", name="Other", exact=True).check()
    page.get_by_role("button", name="Save draft and continue").click()
    page.get_by_text("saved").first.wait_for()
    task.refresh_from_db()
    assert task.violation is not None
    assert task.violation.reported_by.username == "officer"


@pytest.mark.django_db(transaction=True)
def test_a_task_cancelled_meanwhile_is_reported_and_the_list_refreshes(new_page):
    demo_seed(password=PASSWORD)
    unit = officers_unit()
    task = send_task(unit, "Follow the white van")
    page = new_page(PHONE)
    sign_in(page, "officer")
    page.goto("/dispatch/my-tasks/")
    card = page.locator(f"#task-{task.pk}")
    card.wait_for()

    # The dispatcher cancels while the officer still looks at the old screen: the
    # page's polling is held back so that the tap meets the stale state.
    feed = "**/dispatch/my-tasks/feed/"
    page.route(feed, lambda route: route.abort())
    dispatcher = User.objects.get(username="dispatcher")
    task_transition(actor=dispatcher, task=task, target=TaskStatus.CANCELLED, note="Called off")
    card.get_by_role("button", name="Acknowledge").click()

    error = page.get_by_role("alert").filter(has_text="could not be changed")
    error.wait_for()
    assert "already Cancelled" in error.inner_text()
    screenshot(page, "officer-my-tasks-stale-phone")
    page.unroute(feed)
    page.get_by_text("Closed today: 1 task").wait_for()
    assert page.locator("[data-open-list] [data-task-id]").count() == 0
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_my_tasks_on_a_desk_shows_cards_beside_the_map(new_page):
    demo_seed(password=PASSWORD)
    unit = officers_unit()
    send_task(unit, "Routine check at the fuel station")
    send_task(unit, "Stop lorry LT ABC123", priority=4, description="Reported by ANPR camera 12.")
    page = new_page(DESKTOP)
    sign_in(page, "officer")
    page.goto("/dispatch/my-tasks/")
    page.get_by_text("Stop lorry LT ABC123").wait_for()

    titles = page.locator("[data-open-list] .task-card__title").all_inner_texts()
    assert titles == ["Stop lorry LT ABC123", "Routine check at the fuel station"]
    assert page.locator("#tasks-map .leaflet-interactive").count() >= 2
    screenshot(page, "officer-my-tasks-desktop")


@pytest.fixture
def geolocated_page(browser, live_server):
    """A phone-sized page whose browser may use geolocation and sits at a fixed place."""
    contexts = []

    def make(viewport=PHONE):
        context = browser.new_context(
            viewport=viewport,
            locale="en-GB",
            base_url=live_server.url,
            permissions=["geolocation"],
            geolocation=HERE,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_phone_shares_its_position_from_my_unit(geolocated_page, viewport, name):
    demo_seed(password=PASSWORD)
    unit = officers_unit(status="off_duty")
    zone = PatrolZone.objects.create(
        name="Vilnius north",
        colour="#137a3f",
        area=Polygon(
            ((25.15, 54.62), (25.30, 54.62), (25.30, 54.70), (25.15, 54.70), (25.15, 54.62)),
            srid=4326,
        ),
    )
    now = timezone.now()
    Shift.objects.create(
        unit=unit, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7), zone=zone
    )
    page = geolocated_page(viewport)
    sign_in(page, "officer")
    page.goto("/dispatch/my-unit/")
    assert page.get_by_label("Share my position").is_disabled()  # not while off duty

    page.get_by_role("button", name="Start duty").click()
    page.get_by_text("On duty: MED-1 · Medininkai is available.").wait_for()
    # The first fix is sent at once: wait for the server's answer to it.
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/my-unit/positions/"),
        timeout=15_000,
    ) as sending:
        page.get_by_label("Share my position").check()

    assert sending.value.ok
    assert PositionReport.objects.filter(unit=unit).exists()
    report = PositionReport.objects.get(unit=unit)
    assert report.source == PositionSource.BROWSER
    assert report.device_id is None
    assert report.point.y == pytest.approx(HERE["latitude"])
    assert report.point.x == pytest.approx(HERE["longitude"])
    assert report.accuracy_m == pytest.approx(12)
    page.locator("[data-accuracy]", has_text="± 12 m").wait_for()
    assert page.locator("[data-last-sent]").inner_text() != "—"
    assert "Vilnius north" in page.locator(".officer-shift").inner_text()
    page.locator("#unit-map path[stroke='#137a3f']").wait_for()  # the zone, in its colour
    screenshot(page, f"officer-my-unit-sharing-{name}")

    # The choice is remembered: on My tasks the phone carries on sharing.
    page.goto("/dispatch/my-tasks/")
    page.locator("[data-share-message]", has_text="Sharing your position.").wait_for()
    assert page.get_by_label("Share my position").is_checked()
    screenshot(page, f"officer-my-tasks-sharing-{name}")
