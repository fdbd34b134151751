"""The home page of each role leads to the work: what waits, how many, one tap to the
page that deals with it; a person sees the panels of their roles and no other's."""

import json
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from typing import cast

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.gis.geos import Point, Polygon
from django.urls import reverse
from django.utils import timezone
from django_celery_results.models import TaskResult
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.services.evidence import evidence_add
from cases.services.goods import GoodsInput, goods_line_add
from cases.services.violations import violation_submit, violation_update
from dispatch.models import (
    GeofenceAlert,
    MobileUnit,
    PatrolZone,
    Shift,
    Task,
    TaskStatus,
    UnitStatus,
)
from dispatch.services.notices import NoticeInput, notice_create, notice_mark_read
from dispatch.services.tasks import TaskInput, task_create, task_transition
from portal.models import OrgUnit, User
from portal.tasks import audit_chain_verify_task
from tests.cases.support import draft_of, jpeg_photo, point_north_of, upload, violation_input
from tests.factories import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("portal:dashboard")
MEDININKAI = Point(25.6536, 54.5395, srid=4326)
EVERY_PANEL = {
    "account",
    "my-unit",
    "log-violation",
    "open-tasks",
    "units-by-status",
    "zone-alerts",
    "response-times",
    "review",
    "my-cases",
    "accounts",
    "audit",
}


class _Page(HTMLParser):
    """The panels of a page (data-panel), each panel's figures (data-stat -> the number
    shown) and links (href), read from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.panels: dict[str, dict[str, object]] = {}
        self._panel: str | None = None
        self._stat: str | None = None
        self._in_value = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("data-panel"):
            self._panel = str(values["data-panel"])
            self.panels[self._panel] = {"stats": {}, "links": [], "stat_links": {}}
        if self._panel is None:
            return
        panel = self.panels[self._panel]
        if tag == "a" and values.get("href"):
            panel["links"].append(values["href"])  # type: ignore[attr-defined]
        if values.get("data-stat"):
            self._stat = str(values["data-stat"])
            panel["stat_links"][self._stat] = values.get("href")  # type: ignore[index]
        if self._stat and "stat__value" in (values.get("class") or ""):
            self._in_value = True

    def handle_endtag(self, tag: str) -> None:
        if self._in_value and tag == "span":
            self._in_value = False
            self._stat = None

    def handle_data(self, data: str) -> None:
        if self._in_value and self._panel and self._stat and data.strip():
            self.panels[self._panel]["stats"][self._stat] = data.strip()  # type: ignore[index]


def home_of(client) -> tuple[_Page, str]:
    response = client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    page = _Page()
    page.feed(html)
    return page, html


def stats(page: _Page, panel: str) -> dict[str, str]:
    return page.panels[panel]["stats"]  # type: ignore[return-value]


def stat_links(page: _Page, panel: str) -> dict[str, str]:
    return page.panels[panel]["stat_links"]  # type: ignore[return-value]


def links(page: _Page, panel: str) -> list[str]:
    return page.panels[panel]["links"]  # type: ignore[return-value]


@pytest.fixture
def mobile_a(unit_a):
    return MobileUnit.objects.create(org_unit=unit_a, call_sign="MU-A1", status=UnitStatus.BUSY)


@pytest.fixture
def mobile_b(unit_b):
    return MobileUnit.objects.create(
        org_unit=unit_b, call_sign="MU-B1", status=UnitStatus.AVAILABLE
    )


def task_for(dispatcher, unit, title, *, priority=2, status=TaskStatus.ASSIGNED) -> Task:
    task = task_create(
        actor=dispatcher,
        data=TaskInput(kind="inspection", title=title, priority=priority, location=MEDININKAI),
    )
    if status == TaskStatus.NEW:
        return task
    task = task_transition(actor=dispatcher, task=task, target=TaskStatus.ASSIGNED, unit=unit)
    for step in (TaskStatus.ACKNOWLEDGED, TaskStatus.EN_ROUTE, TaskStatus.ON_SCENE):
        if task.status == status:
            break
        officer = unit.org_unit.members.first()
        task = task_transition(actor=officer, task=task, target=step)
    return task


# ---------------------------------------------------------------------------------------
# Officer


def test_the_officer_sees_the_unit_duty_tasks_notices_and_drafts_and_no_other_panel(
    officer, officer_b, dispatcher, mobile_a, mobile_b, client_for
):
    routine = task_for(dispatcher, mobile_a, "Patrol the A3", priority=2)
    urgent = task_for(dispatcher, mobile_a, "Intercept LT KLM 442", priority=4)
    task_for(dispatcher, mobile_b, "Another unit's task", priority=4)
    unread = notice_create(
        actor=dispatcher,
        data=NoticeInput(title="Wanted van", priority="urgent", unit_ids=[mobile_a.pk]),
    )
    read = notice_create(
        actor=dispatcher, data=NoticeInput(title="Road closed", unit_ids=[mobile_a.pk])
    )
    notice_mark_read(actor=officer, notice=read)
    notice_create(actor=dispatcher, data=NoticeInput(title="B only", unit_ids=[mobile_b.pk]))
    first_draft = draft_of(officer, place_description="Medininkai, lorry lane 3")
    second_draft = draft_of(officer, place_description="Šumskas road")
    submitted = draft_of(officer)
    violation_submit(actor=officer, violation=submitted)
    draft_of(officer_b)

    page, html = home_of(client_for(officer))

    assert set(page.panels) == {"my-unit", "log-violation", "account"}
    assert "MU-A1 · Mobile Unit A" in html  # the unit's one name
    assert stats(page, "my-unit") == {"open-tasks": "2", "unread-notices": "1"}
    my_tasks = reverse("dispatch:my-tasks")
    unit_links = links(page, "my-unit")
    # Most urgent first, each one tap from its card on My tasks.
    assert unit_links.index(f"{my_tasks}#task-{urgent.pk}") < unit_links.index(
        f"{my_tasks}#task-{routine.pk}"
    )
    assert f"{my_tasks}#notice-{unread.pk}" in unit_links
    assert f"{my_tasks}#notice-{read.pk}" in unit_links
    assert "Another unit&#x27;s task" not in html
    assert "B only" not in html
    violation_links = links(page, "log-violation")
    assert violation_links[0] == reverse("cases:violation-create")
    assert violation_links[1:] == [
        second_draft.get_absolute_url(),
        first_draft.get_absolute_url(),
    ]
    assert submitted.reference not in html


def test_the_officer_starts_duty_from_the_home_page_and_comes_back_to_it(
    officer, mobile_a, client_for
):
    MobileUnit.objects.filter(pk=mobile_a.pk).update(status=UnitStatus.OFF_DUTY)
    client = client_for(officer)
    _page, html = home_of(client)
    assert 'data-unit-status="off_duty"' in html

    response = client.post(
        reverse("dispatch:my-unit-duty"), {"action": "start", "next": "dashboard"}
    )

    assert response.status_code == 302
    assert response["Location"] == HOME
    mobile_a.refresh_from_db()
    assert mobile_a.status == UnitStatus.AVAILABLE
    _page, html = home_of(client)
    assert 'data-unit-status="available"' in html
    assert "On duty: MU-A1 · Mobile Unit A is available." in html


def test_an_officer_without_a_mobile_unit_is_told_so(officer, client_for):
    page, html = home_of(client_for(officer))
    assert "my-unit" in page.panels
    assert "You do not serve in a mobile unit" in html


# ---------------------------------------------------------------------------------------
# Dispatcher


@pytest.fixture
def operations_day(officer, officer_b, dispatcher, mobile_a, mobile_b):
    """Tasks in every open state, one closed and one withdrawn; units in three states;
    an open alert not acknowledged, an open one acknowledged, one closed."""
    task_for(dispatcher, mobile_a, "New one", status=TaskStatus.NEW)
    task_for(dispatcher, mobile_a, "New two", status=TaskStatus.NEW)
    task_for(dispatcher, mobile_b, "Assigned", status=TaskStatus.ASSIGNED)
    acknowledged = task_for(dispatcher, mobile_a, "Acknowledged", status=TaskStatus.ACKNOWLEDGED)
    on_scene = task_for(dispatcher, mobile_a, "On scene", status=TaskStatus.ON_SCENE)
    # Response times: acknowledged after 60 s and 120 s, on scene after 600 s.
    now = timezone.now()
    Task.objects.filter(pk=acknowledged.pk).update(
        assigned_at=now - timedelta(seconds=60), acknowledged_at=now
    )
    Task.objects.filter(pk=on_scene.pk).update(
        assigned_at=now - timedelta(seconds=600),
        acknowledged_at=now - timedelta(seconds=480),
        on_scene_at=now,
    )
    MobileUnit.objects.create(
        org_unit=cast(OrgUnit, OrgUnitFactory(code="mobile-c", name="Kena")),
        call_sign="KEN-1",
        status=UnitStatus.OUT_OF_SERVICE,
    )
    MobileUnit.objects.create(
        org_unit=cast(OrgUnit, OrgUnitFactory(code="mobile-d", name="Vilnius")),
        call_sign="VLN-1",
        status=UnitStatus.AVAILABLE,
    )
    zone = PatrolZone.objects.create(
        name="Border strip",
        area=Polygon.from_bbox((25.45, 54.50, 25.80, 54.66)),
    )
    for unit, acknowledged_at, returned_at in (
        (mobile_a, None, None),
        (mobile_b, now, None),
    ):
        shift = Shift.objects.create(
            unit=unit, starts_at=now - timedelta(hours=2), ends_at=now + timedelta(hours=6)
        )
        GeofenceAlert.objects.create(
            unit=unit,
            shift=shift,
            zone=zone,
            left_at=now - timedelta(minutes=10),
            position=Point(25.9, 54.55, srid=4326),
            distance_m=2_000,
            acknowledged_at=acknowledged_at,
            acknowledged_by=dispatcher if acknowledged_at else None,
            returned_at=returned_at,
        )


def test_the_dispatcher_sees_tasks_by_state_units_alerts_and_response_times(
    dispatcher, operations_day, client_for, django_assert_max_num_queries
):
    client = client_for(dispatcher)
    with django_assert_max_num_queries(20):
        page, html = home_of(client)

    assert set(page.panels) == {
        "open-tasks",
        "units-by-status",
        "zone-alerts",
        "response-times",
        "account",
    }
    assert stats(page, "open-tasks") == {
        "open-total": "5",
        "new": "2",
        "assigned": "1",
        "acknowledged": "1",
        "en_route": "0",
        "on_scene": "1",
    }
    # Both units with a task are busy.
    assert stats(page, "units-by-status") == {
        "available": "1",
        "busy": "2",
        "off_duty": "0",
        "out_of_service": "1",
    }
    assert stats(page, "zone-alerts") == {"open-alerts": "2", "unacknowledged-alerts": "1"}
    # Medians over today's tasks that reached the step: (60 + 120) / 2 s and 600 s.
    assert stats(page, "response-times") == {
        "acknowledge-median": "1 min 30 s",
        "arrive-median": "10 min 00 s",
    }
    assert "MU-A1 · Mobile Unit A" in html


def test_each_figure_of_the_dispatcher_leads_to_the_page_filtered_by_it(
    dispatcher, operations_day, client_for
):
    client = client_for(dispatcher)
    page, _html = home_of(client)

    assigned = f"{reverse('dispatch:live-map')}?status=assigned"
    assert assigned in links(page, "open-tasks")
    live = client.get(assigned).content.decode()
    assert 'data-task-filter="assigned"' in live
    assert '"onlyStatus": "assigned"' in live

    available = client.get(stat_links(page, "units-by-status")["available"])
    assert [unit.call_sign for unit in available.context["page"].object_list] == ["VLN-1"]

    alerts = client.get(stat_links(page, "zone-alerts")["open-alerts"])
    listed = alerts.context["page"].object_list
    assert {alert.unit.call_sign for alert in listed} == {"MU-A1", "MU-B1"}
    assert all(alert.returned_at is None for alert in listed)
    stats_page = stat_links(page, "response-times")["acknowledge-median"]
    assert client.get(stats_page).status_code == 200


def test_the_alert_list_filtered_to_open_ones_leaves_the_closed_out(
    dispatcher, mobile_a, client_for
):
    now = timezone.now()
    zone = PatrolZone.objects.create(name="Z", area=Polygon.from_bbox((25.4, 54.5, 25.8, 54.7)))
    shift = Shift.objects.create(
        unit=mobile_a, starts_at=now - timedelta(hours=3), ends_at=now + timedelta(hours=3)
    )
    for returned in (now - timedelta(minutes=5), None):
        GeofenceAlert.objects.create(
            unit=mobile_a,
            shift=shift,
            zone=zone,
            left_at=now - timedelta(minutes=30),
            position=Point(25.9, 54.55, srid=4326),
            distance_m=900,
            returned_at=returned,
        )

    every = client_for(dispatcher).get(reverse("dispatch:alert-list"))
    open_only = client_for(dispatcher).get(reverse("dispatch:alert-list") + "?state=open")

    assert len(every.context["page"].object_list) == 2
    assert [alert.returned_at for alert in open_only.context["page"].object_list] == [None]


# ---------------------------------------------------------------------------------------
# Analyst


@pytest.fixture
def review_queue(officer, analyst):
    """Four submitted violations: one with goods worth 5,000 EUR, one with two photos,
    two that are possible duplicates of each other (the same vehicle nearby that day),
    and one edited by the analyst after submission; a draft that is not in the queue."""
    from cases.services.entities import entity_resolve, violation_entity_link

    valued = draft_of(officer)
    goods_line_add(
        actor=officer,
        violation=valued,
        data=GoodsInput(
            hs_code="240220",
            description="Cigarettes",
            quantity=Decimal(500),
            quantity_unit="pcs",
            value_eur=Decimal("5000.00"),
        ),
    )
    photographed = draft_of(officer)
    evidence_add(actor=officer, violation=photographed, upload=upload("a.jpg", jpeg_photo()))
    evidence_add(
        actor=officer,
        violation=photographed,
        upload=upload("b.jpg", jpeg_photo(size=(800, 600))),
    )
    twins = [draft_of(officer), draft_of(officer, location=point_north_of(MEDININKAI, 2))]
    vehicle, _ = entity_resolve(
        actor=officer, kind="vehicle", values={"plate": "ABC123", "plate_country": "LT"}
    )
    for twin in twins:
        violation_entity_link(actor=officer, violation=twin, entity=vehicle, role="vehicle_used")
    for violation in (valued, photographed, *twins):
        violation_submit(actor=officer, violation=violation)
    edited = twins[0]
    violation_update(
        actor=analyst,
        violation=edited,
        data=violation_input(narrative="Corrected after the driver's statement."),
    )
    draft_of(officer)
    return {"valued": valued, "photographed": photographed, "twins": twins, "edited": edited}


def test_the_analyst_sees_the_review_queue_and_what_to_sort_it_by(
    analyst, review_queue, client_for, django_assert_max_num_queries
):
    client = client_for(analyst)
    with django_assert_max_num_queries(16):
        page, html = home_of(client)

    assert set(page.panels) == {"review", "my-cases", "account"}
    assert stats(page, "review") == {"waiting": "4"}
    counts = {
        sort: html.split(f'data-count="{sort}">')[1].split("<")[0]
        for sort in ("value", "goods", "evidence", "duplicates", "edits")
    }
    assert counts == {"value": "1", "goods": "1", "evidence": "1", "duplicates": "2", "edits": "1"}


@pytest.mark.parametrize(
    ("sort", "first"),
    [("value", "valued"), ("evidence", "photographed"), ("edits", "edited")],
)
def test_a_sort_link_of_the_analyst_opens_the_queue_with_those_first(
    analyst, review_queue, client_for, sort, first
):
    client = client_for(analyst)
    page, _html = home_of(client)
    url = next(link for link in links(page, "review") if link.endswith(f"?sort={sort}"))

    queue = client.get(url)

    assert queue.status_code == 200
    rows = list(queue.context["page"].object_list)
    assert rows[0] == review_queue[first]
    assert len(rows) == 4


def test_the_review_queue_sorted_by_possible_duplicates_puts_the_pair_first(
    analyst, review_queue, client_for
):
    rows = list(
        client_for(analyst)
        .get(reverse("cases:violation-review") + "?sort=duplicates")
        .context["page"]
        .object_list
    )
    assert set(rows[:2]) == set(review_queue["twins"])
    assert [row.duplicate_count for row in rows] == [1, 1, 0, 0]


def test_an_unknown_sort_of_the_review_queue_is_the_oldest_first(analyst, review_queue, client_for):
    response = client_for(analyst).get(reverse("cases:violation-review") + "?sort=%27;drop")
    assert response.status_code == 200
    assert response.context["sort"] == "oldest"


# ---------------------------------------------------------------------------------------
# Administrator


def test_the_administrator_sees_locked_accounts_missing_two_factor_and_the_audit_trail(
    administrator, analyst, client_for, settings
):
    locked = cast(User, UserFactory(username="k.locked", roles=["officer"]))
    AccessAttempt.objects.create(
        username=locked.username,
        ip_address="10.0.0.7",
        user_agent="phone",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/accounts/login/",
    )
    # An analyst must use a second factor; this one has none, the other has one.
    UserFactory(username="analyst_with_device", roles=["analyst"])
    TOTPDevice.objects.create(
        user=analyst.__class__.objects.get(username="analyst_with_device"),
        name="phone",
        confirmed=True,
    )
    TOTPDevice.objects.get_or_create(user=administrator, name="phone", confirmed=True)
    client = client_for(administrator)

    page, html = home_of(client)

    assert set(page.panels) == {"accounts", "audit", "account"}
    assert stats(page, "accounts") == {"locked": "1", "no-2fa": "1"}
    assert reverse("portal:user-detail", kwargs={"pk": locked.pk}) in links(page, "accounts")
    locked_list = client.get(stat_links(page, "accounts")["locked"])
    assert [user.username for user in locked_list.context["page"].object_list] == ["k.locked"]
    missing = client.get(stat_links(page, "accounts")["no-2fa"])
    assert [user.username for user in missing.context["page"].object_list] == [analyst.username]
    # Never verified yet: the panel says so, and leads to the audit trail.
    assert 'data-audit-state="warn"' in html
    assert reverse("portal:audit-list") in links(page, "audit")
    # ... and to the jobs page, where the verification can be started now.
    assert reverse("portal:job-list") + "#start-title" in links(page, "audit")


def test_the_audit_panel_shows_the_latest_verification_and_anchor(administrator, client_for):
    from portal.services.audit_anchors import audit_chain_anchor

    audit_chain_anchor()
    TaskResult.objects.create(
        task_id="verify-1",
        task_name="portal.audit_chain_verify",
        status="SUCCESS",
        result=json.dumps(audit_chain_verify_task()),
        date_done=timezone.now(),
    )

    _page, html = home_of(client_for(administrator))

    assert 'data-audit-state="ok"' in html
    assert "intact" in html

    TaskResult.objects.create(
        task_id="verify-2",
        task_name="portal.audit_chain_verify",
        status="SUCCESS",
        result=json.dumps({"intact": False, "checked": 3, "problems": ["x", "y"]}),
        date_done=timezone.now() + timedelta(seconds=1),
    )
    _page, html = home_of(client_for(administrator))
    assert 'data-audit-state="bad"' in html
    assert "The latest verification found 2 problems." in html


# ---------------------------------------------------------------------------------------
# Several roles, and the names


def test_a_person_with_two_roles_sees_the_panels_of_each(unit_a, mobile_a, client_for):
    both = UserFactory(username="officer_analyst", org_unit=unit_a, roles=["officer", "analyst"])

    page, _html = home_of(client_for(both))

    assert set(page.panels) == {"my-unit", "log-violation", "review", "my-cases", "account"}
    assert not (set(page.panels) & {"open-tasks", "accounts", "audit"})
    assert set(page.panels) <= EVERY_PANEL


def test_organisation_and_mobile_units_read_as_two_things_in_both_languages(
    administrator, client_for
):
    TOTPDevice.objects.get_or_create(user=administrator, name="phone", confirmed=True)
    client = client_for(administrator)
    for language, organisation, mobile_units in (
        ("en", "Organisation", "Mobile units"),
        ("lt", "Organizacinė struktūra", "Mobiliosios grupės"),
    ):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        html = client.get(HOME).content.decode()
        nav = html.split('id="sidebar"')[1].split("</nav>")[0]
        assert 'data-nav="units"' in nav
        units_item = nav.split('data-nav="units"')[1].split("</a>")[0]
        mobile_item = nav.split('data-nav="mobile-units"')[1].split("</a>")[0]
        assert organisation in units_item
        assert mobile_units in mobile_item
        assert client.get(reverse("portal:unit-list")).content.decode().count(organisation) >= 2


def test_the_mobile_unit_has_one_name_on_the_officer_pages_and_the_live_feed(
    officer, dispatcher, mobile_a, client_for, api_client_for
):
    task_for(dispatcher, mobile_a, "Inspect the lorry")
    officer_client = client_for(officer)

    for url in (HOME, reverse("dispatch:my-tasks"), reverse("dispatch:my-unit")):
        assert "MU-A1 · Mobile Unit A" in officer_client.get(url).content.decode(), url

    feed = api_client_for(dispatcher).get(reverse("api:live-feed")).json()
    assert [unit["label"] for unit in feed["units"]] == ["MU-A1 · Mobile Unit A"]
    assert [task["unit_label"] for task in feed["tasks"]] == ["MU-A1 · Mobile Unit A"]
