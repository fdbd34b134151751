"""Two people acting at once: each transition is decided on what is committed, never on
a stale read. Each test holds one transaction open on a thread, lets the other act on a
second thread until it waits for a lock, then commits the first."""

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from dispatch.models import (
    GeofenceAlert,
    MobileUnit,
    PatrolZone,
    Shift,
    Task,
    TaskStatus,
    UnitStatus,
)
from dispatch.services.tasks import TaskInput, task_create, task_transition
from portal.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

MEDININKAI = Point(25.6536, 54.5395, srid=4326)


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return bool(cursor.fetchone()[0])


def run_against_open_transaction(
    holder: Callable[[], Any], contender: Callable[[], Any]
) -> dict[str, Any]:
    """Run ``holder`` in a transaction on one thread and keep it open; run ``contender``
    on another; commit the holder once the contender waits for a lock (or has finished).
    Returns each side's result or exception."""
    held, release = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def hold() -> None:
        try:
            with transaction.atomic():
                outcome["holder"] = holder()
                held.set()
                release.wait(timeout=20)
        except Exception as error:
            outcome["holder"] = error
            held.set()
        finally:
            connections.close_all()

    def contend() -> None:
        held.wait(timeout=20)
        try:
            outcome["contender"] = contender()
        except Exception as error:
            outcome["contender"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hold), threading.Thread(target=contend)]
    for thread in threads:
        thread.start()
    held.wait(timeout=20)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and threads[1].is_alive() and not _waiting_for_a_lock():
        time.sleep(0.02)
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    return outcome


def _unit(org_unit: Any, call_sign: str) -> MobileUnit:
    return MobileUnit.objects.create(
        org_unit=org_unit,
        call_sign=call_sign,
        status=UnitStatus.AVAILABLE,
        last_position=Point(25.60, 54.55, srid=4326),
    )


def _task(dispatcher: User, title: str) -> Task:
    return task_create(
        actor=dispatcher, data=TaskInput(kind="inspection", title=title, location=MEDININKAI)
    )


def test_two_dispatchers_assigning_one_new_task_the_second_is_told_it_moved(
    dispatcher, unit_a, unit_b
):
    first_unit, second_unit = _unit(unit_a, "MU-A1"), _unit(unit_b, "MU-B1")
    task = _task(dispatcher, "Check lorry LT ABC123")
    colleague = cast(User, UserFactory(username="dispatcher_2", roles=["dispatcher"]))
    client = APIClient()
    client.force_authenticate(colleague)

    outcome = run_against_open_transaction(
        lambda: task_transition(
            actor=dispatcher,
            task=task,
            target=TaskStatus.ASSIGNED,
            unit=first_unit,
            expected_status=TaskStatus.NEW,
        ),
        lambda: client.post(
            reverse("api:task-transition", kwargs={"pk": task.pk}),
            {"status": "assigned", "unit": second_unit.pk, "expected_status": "new"},
            format="json",
        ),
    )

    assert not isinstance(outcome["holder"], Exception), outcome["holder"]
    response = outcome["contender"]
    assert response.status_code == 400, response.json()
    assert response.json()["errors"]["status"] == [
        "The task is already Assigned; reload to see its state."
    ]
    task.refresh_from_db()
    assert task.unit == first_unit
    assert task.events.count() == 1


def test_completing_one_task_while_another_is_assigned_leaves_the_unit_busy(
    dispatcher, officer, unit_a
):
    unit = _unit(unit_a, "MU-A1")
    first = _task(dispatcher, "First")
    task_transition(actor=dispatcher, task=first, target=TaskStatus.ASSIGNED, unit=unit)
    for step in (TaskStatus.ACKNOWLEDGED, TaskStatus.EN_ROUTE, TaskStatus.ON_SCENE):
        task_transition(actor=officer, task=first, target=step)
    second = _task(dispatcher, "Second")

    outcome = run_against_open_transaction(
        lambda: task_transition(
            actor=dispatcher, task=second, target=TaskStatus.ASSIGNED, unit=unit
        ),
        lambda: task_transition(
            actor=officer, task=first, target=TaskStatus.COMPLETED, note="Nothing found"
        ),
    )

    assert not isinstance(outcome["holder"], Exception), outcome["holder"]
    assert not isinstance(outcome["contender"], Exception), outcome["contender"]
    unit.refresh_from_db()
    second.refresh_from_db()
    assert second.status == TaskStatus.ASSIGNED
    assert unit.status == UnitStatus.BUSY


def test_two_dispatchers_sending_a_task_for_one_zone_alert_make_one_task(dispatcher, unit_a):
    unit = _unit(unit_a, "MU-A1")
    zone = PatrolZone.objects.create(
        name="Medininkai strip",
        area=Polygon(((25.5, 54.5), (25.7, 54.5), (25.7, 54.6), (25.5, 54.6), (25.5, 54.5))),
    )
    now = timezone.now()
    alert = GeofenceAlert.objects.create(
        unit=unit,
        shift=Shift.objects.create(
            unit=unit, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=6)
        ),
        zone=zone,
        left_at=now - timedelta(minutes=5),
        position=Point(25.60, 54.55, srid=4326),
        distance_m=3_000,
    )
    colleague = cast(User, UserFactory(username="dispatcher_2", roles=["dispatcher"]))

    def answer(actor: User, title: str) -> Task:
        return task_create(
            actor=actor,
            data=TaskInput(kind="patrol", title=title, location=MEDININKAI, alert_id=alert.pk),
        )

    outcome = run_against_open_transaction(
        lambda: answer(dispatcher, "Back to Medininkai"),
        lambda: answer(colleague, "Back to the strip"),
    )

    assert not isinstance(outcome["holder"], Exception), outcome["holder"]
    refused = outcome["contender"]
    assert isinstance(refused, ValidationError), refused
    assert refused.message_dict["alert"] == [
        "A task already answers this zone alert: Back to Medininkai."
    ]
    assert list(Task.objects.values_list("title", flat=True)) == ["Back to Medininkai"]
