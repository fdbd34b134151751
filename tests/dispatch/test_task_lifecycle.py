"""Tasks move only along the lifecycle, each move by the right person and timestamped;
the recommended units are the available ones, nearest first."""

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError

from dispatch.models import MobileUnit, TaskStatus, UnitStatus
from dispatch.selectors.units import units_recommended_for
from dispatch.services.tasks import TaskInput, task_create, task_transition
from portal.models import AuditRecord

pytestmark = pytest.mark.django_db

MEDININKAI = Point(25.6536, 54.5395, srid=4326)


@pytest.fixture
def unit(unit_a):
    return MobileUnit.objects.create(
        org_unit=unit_a,
        call_sign="MU-A1",
        status=UnitStatus.AVAILABLE,
        last_position=Point(25.60, 54.55, srid=4326),
    )


@pytest.fixture
def task(dispatcher):
    return task_create(
        actor=dispatcher,
        data=TaskInput(kind="inspection", title="Check lorry LT ABC123", location=MEDININKAI),
    )


def test_a_task_goes_from_new_to_completed_and_every_move_is_recorded(
    dispatcher, officer, unit, task
):
    task_transition(actor=dispatcher, task=task, target=TaskStatus.ASSIGNED, unit=unit)
    unit.refresh_from_db()
    assert unit.status == UnitStatus.BUSY
    for target in (TaskStatus.ACKNOWLEDGED, TaskStatus.EN_ROUTE, TaskStatus.ON_SCENE):
        task_transition(actor=officer, task=task, target=target)
    done = task_transition(
        actor=officer, task=task, target=TaskStatus.COMPLETED, note="300 packs seized"
    )

    assert done.status == TaskStatus.COMPLETED
    assert done.outcome == "300 packs seized"
    moments = [
        done.assigned_at,
        done.acknowledged_at,
        done.en_route_at,
        done.on_scene_at,
        done.closed_at,
    ]
    assert all(moment is not None for moment in moments)
    assert moments == sorted(moment for moment in moments if moment is not None)
    assert [e.to_status for e in done.events.all()] == [
        "assigned",
        "acknowledged",
        "en_route",
        "on_scene",
        "completed",
    ]
    unit.refresh_from_db()
    assert unit.status == UnitStatus.AVAILABLE
    assert AuditRecord.objects.filter(object_type="dispatch.task", action="update").count() == 5


@pytest.mark.parametrize(
    "target", [TaskStatus.ACKNOWLEDGED, TaskStatus.ON_SCENE, TaskStatus.COMPLETED]
)
def test_a_new_task_cannot_skip_assignment(dispatcher, task, target):
    with pytest.raises(ValidationError, match="cannot go from New to"):
        task_transition(actor=dispatcher, task=task, target=target)
    task.refresh_from_db()
    assert task.status == TaskStatus.NEW


def test_a_completed_task_cannot_move_again(dispatcher, officer, unit, task):
    task_transition(actor=dispatcher, task=task, target=TaskStatus.ASSIGNED, unit=unit)
    for target in (TaskStatus.ACKNOWLEDGED, TaskStatus.EN_ROUTE, TaskStatus.ON_SCENE):
        task_transition(actor=officer, task=task, target=target)
    task_transition(actor=officer, task=task, target=TaskStatus.COMPLETED, note="Nothing found")

    with pytest.raises(ValidationError, match="cannot go from"):
        task_transition(actor=dispatcher, task=task, target=TaskStatus.CANCELLED, note="Late")


@pytest.mark.parametrize("note", ["", "   "])
def test_a_task_is_cancelled_only_with_a_reason(dispatcher, unit, task, note):
    task_transition(actor=dispatcher, task=task, target=TaskStatus.ASSIGNED, unit=unit)

    with pytest.raises(ValidationError) as refused:
        task_transition(actor=dispatcher, task=task, target=TaskStatus.CANCELLED, note=note)

    assert refused.value.message_dict == {"note": ["Give the reason for cancelling."]}
    task.refresh_from_db()
    unit.refresh_from_db()
    assert (task.status, unit.status) == (TaskStatus.ASSIGNED, UnitStatus.BUSY)
    assert not task.events.filter(to_status=TaskStatus.CANCELLED).exists()


def test_a_cancelled_task_keeps_its_reason_and_frees_the_unit(dispatcher, unit, task):
    task_transition(actor=dispatcher, task=task, target=TaskStatus.ASSIGNED, unit=unit)

    task_transition(
        actor=dispatcher, task=task, target=TaskStatus.CANCELLED, note="Duplicate of task 12"
    )

    task.refresh_from_db()
    unit.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    assert task.events.get(to_status=TaskStatus.CANCELLED).note == "Duplicate of task 12"
    assert unit.status == UnitStatus.AVAILABLE


def test_an_officer_of_another_unit_cannot_acknowledge(dispatcher, officer_b, unit, task):
    task_transition(actor=dispatcher, task=task, target=TaskStatus.ASSIGNED, unit=unit)

    with pytest.raises(PermissionDenied):
        task_transition(actor=officer_b, task=task, target=TaskStatus.ACKNOWLEDGED)


def test_an_officer_cannot_assign_or_create(officer, unit, task):
    with pytest.raises(PermissionDenied):
        task_transition(actor=officer, task=task, target=TaskStatus.ASSIGNED, unit=unit)
    with pytest.raises(PermissionDenied):
        task_create(actor=officer, data=TaskInput(kind="patrol", title="x"))


def test_an_off_duty_unit_cannot_be_assigned(dispatcher, unit, task):
    MobileUnit.objects.filter(pk=unit.pk).update(status=UnitStatus.OFF_DUTY)

    with pytest.raises(ValidationError, match="off duty"):
        task_transition(actor=dispatcher, task=task, target=TaskStatus.ASSIGNED, unit=unit)


def test_a_window_that_ends_before_it_starts_is_refused(dispatcher):
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now()
    with pytest.raises(ValidationError, match="ends before it starts"):
        task_create(
            actor=dispatcher,
            data=TaskInput(
                kind="patrol",
                title="Night patrol",
                window_start=start,
                window_end=start - timedelta(hours=1),
            ),
        )


def test_recommended_units_are_the_available_ones_nearest_first(unit_a, unit_b):
    from portal.models import OrgUnit

    def new_org_unit(code: str) -> OrgUnit:
        return OrgUnit.objects.create(code=code, name=code, kind="mobile_unit")

    far = MobileUnit.objects.create(
        org_unit=unit_b,
        call_sign="MU-FAR",
        status=UnitStatus.AVAILABLE,
        last_position=Point(23.90, 54.90, srid=4326),
    )
    near = MobileUnit.objects.create(
        org_unit=unit_a,
        call_sign="MU-NEAR",
        status=UnitStatus.AVAILABLE,
        last_position=Point(25.66, 54.54, srid=4326),
    )
    MobileUnit.objects.create(
        org_unit=new_org_unit("busy"),
        call_sign="MU-BUSY",
        status=UnitStatus.BUSY,
        last_position=Point(25.6537, 54.5396, srid=4326),
    )
    MobileUnit.objects.create(
        org_unit=new_org_unit("nowhere"), call_sign="MU-NOWHERE", status=UnitStatus.AVAILABLE
    )

    recommended = units_recommended_for(location=MEDININKAI)

    assert [r.unit for r in recommended] == [near, far]
    assert recommended[0].distance_m < 1000
    assert 100_000 < recommended[1].distance_m < 140_000


def test_completing_without_an_outcome_is_refused(dispatcher, officer, unit, task):
    task_transition(actor=dispatcher, task=task, target=TaskStatus.ASSIGNED, unit=unit)
    for target in (TaskStatus.ACKNOWLEDGED, TaskStatus.EN_ROUTE, TaskStatus.ON_SCENE):
        task_transition(actor=officer, task=task, target=target)

    with pytest.raises(ValidationError) as refused:
        task_transition(actor=officer, task=task, target=TaskStatus.COMPLETED, note="   ")

    assert "note" in refused.value.message_dict
    task.refresh_from_db()
    assert task.status == TaskStatus.ON_SCENE
