"""The officer's pages: my unit's tasks (and no other unit's) as cards with the next
step, the list the page polls (304 while nothing changed), and my unit's duty and shift."""

from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree.ElementTree import Element

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dispatch.models import MobileUnit, PatrolZone, Shift, Task, TaskStatus, UnitStatus
from dispatch.services.tasks import TaskInput, task_create, task_transition
from tests.factories import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

MY_TASKS = reverse("dispatch:my-tasks")
FEED = reverse("dispatch:my-tasks-feed")
MY_UNIT = reverse("dispatch:my-unit")
MEDININKAI = Point(25.6536, 54.5395, srid=4326)
OPEN_CARDS = ".//*[@data-open-list]//*[@data-task-id]"


@pytest.fixture
def unit(unit_a):
    return MobileUnit.objects.create(
        org_unit=unit_a, call_sign="MU-A1", status=UnitStatus.AVAILABLE
    )


@pytest.fixture
def unit_b_mobile(unit_b):
    return MobileUnit.objects.create(
        org_unit=unit_b, call_sign="MU-B1", status=UnitStatus.AVAILABLE
    )


def assigned(dispatcher, unit, title, priority=2, **extra) -> Task:
    task = task_create(
        actor=dispatcher,
        data=TaskInput(
            kind="inspection", title=title, priority=priority, location=MEDININKAI, **extra
        ),
    )
    return task_transition(actor=dispatcher, task=task, target=TaskStatus.ASSIGNED, unit=unit)


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _TreeBuilder(HTMLParser):
    """The page as an ElementTree, to look things up with its XPath subset."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data):
        current = self.stack[-1]
        if len(current):
            current[-1].tail = (current[-1].tail or "") + data
        else:
            current.text = (current.text or "") + data


def soup(response) -> Any:
    builder = _TreeBuilder()
    builder.feed(response.content.decode())
    return builder.root


def text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def page_version(response) -> str:
    return soup(response).find(".//*[@data-feed-root]").get("data-version")


def card(page: Any, task: Task) -> Any:
    return page.find(f".//*[@id='task-{task.pk}']")


def test_my_tasks_shows_my_units_open_tasks_most_urgent_first_and_no_other_units(
    officer, dispatcher, unit, unit_b_mobile, client_for
):
    routine = assigned(dispatcher, unit, "Routine check at the fuel station")
    urgent = assigned(dispatcher, unit, "Stop lorry LT ABC123", priority=4)
    elsewhere = assigned(dispatcher, unit_b_mobile, "Unit B's task")

    page = soup(client_for(officer).get(MY_TASKS))

    open_ids = [c.get("data-task-id") for c in page.findall(OPEN_CARDS)]
    assert open_ids == [str(urgent.pk), str(routine.pk)]
    assert card(page, elsewhere) is None
    urgent_card = card(page, urgent)
    assert "Stop lorry LT ABC123" in text(urgent_card)
    assert text(urgent_card.find(".//*[@data-task-status]")) == "Assigned"
    assert "Urgent" in text(urgent_card.find(".//*[@class='task-card__meta']"))
    button = urgent_card.find(".//button[@data-move]")
    assert text(button) == "Acknowledge"
    assert button.get("data-expected") == "assigned"


def test_each_step_offers_the_next_one(officer, dispatcher, unit, client_for):
    task = assigned(dispatcher, unit, "Check lorry")
    client = client_for(officer)
    labels = []
    for target in (TaskStatus.ACKNOWLEDGED, TaskStatus.EN_ROUTE, TaskStatus.ON_SCENE):
        task = task_transition(actor=officer, task=task, target=target)
        labels.append(text(card(soup(client.get(MY_TASKS)), task).find(".//button")))

    assert labels == ["En route", "On scene", "Complete"]
    on_scene = card(soup(client.get(MY_TASKS)), task)
    form = on_scene.find(".//form[@data-complete-form]")
    assert "hidden" in form.attrib
    assert text(form.find(f".//label[@for='outcome-{task.pk}']")) == "Outcome"
    assert "required" in form.find(".//textarea").attrib
    assert text(form.find(".//button[@type='submit']")) == "Confirm completion"


def test_a_card_links_to_navigation_and_to_a_violation_at_the_tasks_place(
    officer, dispatcher, unit, client_for
):
    task = assigned(dispatcher, unit, "Check lorry")
    for target in (TaskStatus.ACKNOWLEDGED, TaskStatus.EN_ROUTE, TaskStatus.ON_SCENE):
        task = task_transition(actor=officer, task=task, target=target)

    found = card(soup(client_for(officer).get(MY_TASKS)), task)

    assert found.find(".//a[@data-navigate]").get("href") == (
        "geo:54.539500,25.653600?q=54.539500,25.653600"
    )
    web = found.find(".//a[@class='small task-card__web-directions']").get("href")
    assert web.startswith("https://www.openstreetmap.org/directions?")
    offer = urlsplit(found.find(".//p[@class='task-card__violation small']/a").get("href"))
    assert offer.path == reverse("cases:violation-create")
    assert parse_qs(offer.query) == {
        "lat": ["54.539500"],
        "lon": ["25.653600"],
        "origin": [f"dispatch.task:{task.pk}"],
        "back": [f"{MY_TASKS}#task-{task.pk}"],
    }


def test_tasks_closed_today_are_listed_apart_and_older_ones_not_at_all(
    officer, dispatcher, unit, client_for
):
    done = assigned(dispatcher, unit, "Done today")
    for target in (TaskStatus.ACKNOWLEDGED, TaskStatus.EN_ROUTE, TaskStatus.ON_SCENE):
        done = task_transition(actor=officer, task=done, target=target)
    done = task_transition(
        actor=officer, task=done, target=TaskStatus.COMPLETED, note="Nothing found"
    )
    old = assigned(dispatcher, unit, "Cancelled last week")
    old = task_transition(
        actor=dispatcher, task=old, target=TaskStatus.CANCELLED, note="Called off"
    )
    Task.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=7))

    page = soup(client_for(officer).get(MY_TASKS))

    closed = page.find(".//details[@data-closed-today]")
    assert "open" not in closed.attrib
    assert text(closed.find("summary")) == "Closed today: 1 task"
    closed_card = card(closed, done)
    assert text(closed_card.find(".//*[@data-task-status]")) == "Completed"
    assert "Nothing found" in text(closed_card)
    links = [text(a) for a in closed_card.findall(".//a")]
    assert "Log a violation here" in links
    assert card(page, old) is None
    assert "No open tasks" in text(page.find(".//*[@data-open-list]"))


def test_an_officer_outside_any_mobile_unit_is_told_so(client_for):
    desk_officer = UserFactory(
        username="desk", org_unit=OrgUnitFactory(code="post"), roles=["officer"]
    )
    client = client_for(desk_officer)

    for url in (MY_TASKS, FEED, MY_UNIT):
        response = client.get(url)
        assert response.status_code == 200
        assert "You are not in a mobile unit." in response.content.decode()


def task_queries(client, **headers) -> tuple[Any, list[str]]:
    """The response, and the SQL it ran on tasks."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(FEED, headers=headers)
    return response, [q["sql"] for q in queries.captured_queries if "dispatch_task" in q["sql"]]


def test_the_list_answers_not_modified_until_something_changes(
    officer, dispatcher, unit, client_for
):
    task = assigned(dispatcher, unit, "Check lorry")
    client = client_for(officer)
    first = client.get(FEED)
    etag = first["ETag"]
    assert first["Cache-Control"] == "no-store"
    assert page_version(first) == etag.strip('"')

    unchanged, sql = task_queries(client, If_None_Match=etag)
    assert unchanged.status_code == 304
    assert len(sql) == 1  # the fingerprint only: nothing loaded, nothing rendered

    task_transition(actor=officer, task=task, target=TaskStatus.ACKNOWLEDGED)
    changed = client.get(FEED, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert text(card(soup(changed), task).find(".//*[@data-task-status]")) == "Acknowledged"


def test_the_list_changes_when_a_task_is_taken_away_from_the_unit(
    officer, dispatcher, unit, unit_b_mobile, client_for
):
    task = assigned(dispatcher, unit, "Check lorry")
    client = client_for(officer)
    etag = client.get(FEED)["ETag"]

    task_transition(actor=dispatcher, task=task, target=TaskStatus.ASSIGNED, unit=unit_b_mobile)

    response = client.get(FEED, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert card(soup(response), task) is None


def test_the_list_costs_the_same_few_queries_for_many_tasks(officer, dispatcher, unit, client_for):
    client = client_for(officer)
    assigned(dispatcher, unit, "Task 0")
    _response, one = task_queries(client)
    for number in range(1, 15):
        assigned(dispatcher, unit, f"Task {number}")

    response, many = task_queries(client)

    assert len(soup(response).findall(OPEN_CARDS)) == 15
    assert len(many) == len(one) == 2  # the fingerprint and the list


def test_my_unit_shows_the_shift_its_zone_and_the_duty_button(officer, unit, client_for):
    zone = PatrolZone.objects.create(
        name="Medininkai sector",
        area=Polygon(
            ((25.5, 54.5), (25.7, 54.5), (25.7, 54.6), (25.5, 54.6), (25.5, 54.5)), srid=4326
        ),
    )
    now = timezone.now()
    Shift.objects.create(
        unit=unit, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7), zone=zone
    )

    page = soup(client_for(officer).get(MY_UNIT))

    content = text(page)
    assert "MU-A1 · Mobile Unit A" in content  # the unit's one name (call sign · name)
    assert "Medininkai sector" in content
    end = page.find(".//button[@value='end']")
    assert text(end) == "End duty"
    assert "disabled" not in end.attrib
    share = page.find(".//input[@data-share-toggle]")
    assert text(page.find(f".//label[@for='{share.get('id')}']")) == "Share my position"
    assert "disabled" not in share.attrib


def test_my_unit_off_duty_offers_start_and_keeps_sharing_off(officer, unit, client_for):
    MobileUnit.objects.filter(pk=unit.pk).update(status=UnitStatus.OFF_DUTY)

    page = soup(client_for(officer).get(MY_UNIT))

    assert text(page.find(".//button[@value='start']")) == "Start duty"
    assert "disabled" in page.find(".//input[@data-share-toggle]").attrib
    assert "No shift planned for your unit." in text(page)


def test_my_unit_with_an_open_task_explains_why_duty_cannot_end(
    officer, dispatcher, unit, client_for
):
    assigned(dispatcher, unit, "Check lorry")

    page = soup(client_for(officer).get(MY_UNIT))

    assert "disabled" in page.find(".//button[@value='end']").attrib
    assert "Your unit has an open task" in text(page.find(".//*[@id='end-duty-help']"))


def _violation_of(user):
    from cases.models import ViolationCategory
    from cases.services.violations import ViolationInput, violation_create

    violation, _created = violation_create(
        actor=user,
        data=ViolationInput(
            occurred_at=timezone.now() - timedelta(minutes=5),
            category=ViolationCategory.objects.get(code="other"),
            location=MEDININKAI,
            location_source="map",
        ),
    )
    return violation


def test_a_card_names_the_linked_violation_only_when_the_officer_may_open_it(
    officer, officer_b, dispatcher, unit, client_for
):
    # The operations centre linked unit B's violation to a task of unit A.
    foreign = _violation_of(officer_b)
    own = _violation_of(officer)
    theirs = assigned(dispatcher, unit, "Follow up B's find", violation_id=foreign.pk)
    mine = assigned(dispatcher, unit, "Follow up my find", violation_id=own.pk)

    page = soup(client_for(officer).get(MY_TASKS))

    assert foreign.reference not in text(card(page, theirs))
    assert card(page, theirs).find(f".//a[@href='{foreign.get_absolute_url()}']") is None
    assert own.reference in text(card(page, mine))
    assert card(page, mine).find(f".//a[@href='{own.get_absolute_url()}']") is not None


def test_a_closed_card_shows_how_fast_the_unit_answered(officer, dispatcher, unit, client_for):
    done = assigned(dispatcher, unit, "Checked the lorry")
    for step in (TaskStatus.ACKNOWLEDGED, TaskStatus.EN_ROUTE, TaskStatus.ON_SCENE):
        task_transition(actor=officer, task=done, target=step)
    task_transition(actor=officer, task=done, target=TaskStatus.COMPLETED, note="Nothing found")
    dropped = assigned(dispatcher, unit, "Called off before anyone answered")
    task_transition(actor=dispatcher, task=dropped, target=TaskStatus.CANCELLED, note="Duplicate")
    sent = timezone.now() - timedelta(minutes=30)
    Task.objects.filter(pk=done.pk).update(
        assigned_at=sent,
        acknowledged_at=sent + timedelta(seconds=95),
        on_scene_at=sent + timedelta(seconds=750),
    )

    page = soup(client_for(officer).get(MY_TASKS))

    assert "Acknowledged after 1 min 35 s" in text(card(page, done))
    assert "On scene after 12 min 30 s" in text(card(page, done))
    assert "after" not in text(card(page, dropped))
