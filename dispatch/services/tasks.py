"""Task use cases: create, assign (one click, race-safe), move along the lifecycle, and
for the operations centre, edit a task or withdraw one created by mistake."""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.gis.geos import Point, Polygon
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Violation
from cases.selectors.violations import violation_get_for_user
from cases.signals import violation_logged
from dispatch.models import (
    GeofenceAlert,
    MobileUnit,
    Task,
    TaskEvent,
    TaskEventKind,
    TaskStatus,
    UnitStatus,
)
from dispatch.models.tasks import (
    DISPATCH_MOVES,
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    TIMESTAMP_FIELD,
    UNIT_MOVES,
    WITHDRAWABLE_STATUSES,
    transition_allowed,
)
from dispatch.selectors.units import is_own_unit, serves_in
from dispatch.services.areas import area_check
from portal.lib.text import lengths_check
from portal.models import AuditAction, User
from portal.services.audit import audit_record

# A task's description is the dispatcher's briefing, read on a phone; every list of
# tasks carries it, so it stays a few paragraphs long.
DESCRIPTION_MAX = 4000


# The note of a move: the reason for cancelling, or the outcome of a completed task.
NOTE_MAX = 2000


@dataclass
class TaskInput:
    kind: str
    title: str
    priority: int = 2
    description: str = ""
    location: Point | None = None
    area: Polygon | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    violation_id: int | None = None
    alert_id: int | None = None


def _alert_unanswered(*, actor: User, alert_id: int) -> GeofenceAlert:
    """The zone alert ``alert_id`` for a new task to answer, locked until the task is
    saved: two dispatchers pressing "Send a task" on one alert at once are served one
    after the other, and the second is told the first's task already answers it. An
    alert gets another task only once its task is completed or cancelled."""
    if not actor.has_perm("dispatch.view_geofencealert"):
        raise ValidationError({"alert": _("No such zone alert.")})
    alert = GeofenceAlert.objects.select_for_update().filter(pk=alert_id).first()
    if alert is None:
        raise ValidationError({"alert": _("No such zone alert.")})
    answering = (
        Task.objects.filter(alert=alert, status__in={TaskStatus.NEW, *OPEN_STATUSES})
        .order_by("-created_at")
        .first()
    )
    if answering is not None:
        raise ValidationError(
            {
                "alert": _("A task already answers this zone alert: %(title)s.")
                % {"title": answering.title}
            }
        )
    return alert


@transaction.atomic
def task_create(*, actor: User, data: TaskInput) -> Task:
    if not actor.has_perm("dispatch.add_task"):
        raise PermissionDenied
    lengths_check({"description": (data.description.strip(), DESCRIPTION_MAX)})
    task = Task(
        kind=data.kind,
        title=data.title.strip(),
        priority=data.priority,
        description=data.description.strip(),
        location=data.location,
        area=data.area,
        window_start=data.window_start,
        window_end=data.window_end,
        created_by=actor,
    )
    if data.area is not None:
        area_check(data.area)
    if data.location is None and data.area is not None:
        task.location = data.area.centroid  # units are recommended by distance to a point
    _violation_apply(task, actor, data.violation_id)
    if data.alert_id is not None:
        task.alert = _alert_unanswered(actor=actor, alert_id=data.alert_id)
    _task_check(task)
    task.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=task,
        changes={
            "kind": task.kind,
            "title": task.title,
            "alert": task.alert_id,
            "violation": task.violation_id,
        },
    )
    return task


def task_movable_by(*, actor: User, task: Task) -> bool:
    """``actor`` may move ``task`` along its lifecycle at all: some move is theirs
    (the same rule as each move's, below, for whichever target)."""
    return any(_may_move(actor, task, target) for target in DISPATCH_MOVES | UNIT_MOVES)


def _may_move(actor: User, task: Task, target: str) -> bool:
    """Dispatch moves (assign, cancel) belong to the operations centre; the unit's own
    officers move their task along (acknowledge, en route, on scene, complete)."""
    if target in DISPATCH_MOVES:
        return actor.has_perm("dispatch.change_task")
    if target in UNIT_MOVES:
        return is_own_unit(user=actor, unit=task.unit) and actor.has_perm("dispatch.view_task")
    return False


def _unit_status_after(unit: MobileUnit) -> None:
    """A unit with an open task is busy; without one it is available again. ``unit``
    is locked and freshly read by the caller (task_transition), so its status and its
    open tasks are read as they are, not as another transaction left them."""
    busy = Task.objects.filter(unit=unit, status__in=OPEN_STATUSES).exists()
    wanted = UnitStatus.BUSY if busy else UnitStatus.AVAILABLE
    if unit.status in (UnitStatus.AVAILABLE, UnitStatus.BUSY) and unit.status != wanted:
        unit.status = wanted
        unit.status_changed_at = timezone.now()
        unit.save(update_fields=["status", "status_changed_at"])


def _status_label(status: str) -> str:
    try:
        return str(TaskStatus(status).label)
    except ValueError:
        return status


@transaction.atomic
def task_transition(
    *,
    actor: User,
    task: Task,
    target: str,
    unit: MobileUnit | None = None,
    note: str = "",
    expected_status: str | None = None,
) -> Task:
    """Move ``task`` to ``target``; refuses moves the lifecycle does not allow, and moves
    the actor may not make. ``expected_status``: the state the actor saw; the move is
    refused if the task has left it meanwhile (a stale screen, another dispatcher).

    Locks the task, then every unit the move concerns (the task's unit and the unit
    assigned), in primary-key order: two dispatchers acting on one task, or on two
    tasks of one unit, are served one after the other, and the unit's busy/available
    status is decided on what is committed, never on a stale read."""
    lengths_check({"note": (note.strip(), NOTE_MAX)})
    task = Task.objects.select_for_update().get(pk=task.pk)
    return _move(
        actor=actor,
        task=task,
        target=target,
        unit=unit,
        note=note,
        expected_status=expected_status,
    )


def _move(
    *,
    actor: User,
    task: Task,
    target: str,
    unit: MobileUnit | None,
    note: str,
    expected_status: str | None,
    withdrawing: bool = False,
) -> Task:
    """task_transition's work on ``task``, locked and freshly read by the caller."""
    if expected_status and task.status != expected_status:
        raise ValidationError(
            {
                "status": _("The task is already %(status)s; reload to see its state.")
                % {"status": task.get_status_display()}
            }
        )
    if not transition_allowed(task.status, target):
        raise ValidationError(
            {
                "status": _("A task cannot go from %(current)s to %(target)s.")
                % {"current": _status_label(task.status), "target": _status_label(target)}
            }
        )
    if not _may_move(actor, task, target):
        raise PermissionDenied
    # Same order everywhere (task, then units by pk): no two transitions wait on each
    # other in a circle.
    unit_ids = {task.unit_id}
    if target == TaskStatus.ASSIGNED and unit is not None:
        unit_ids.add(unit.pk)
    locked = {
        locked_unit.pk: locked_unit
        for locked_unit in MobileUnit.objects.select_for_update()
        .filter(pk__in={pk for pk in unit_ids if pk is not None})
        .order_by("pk")
    }
    if target == TaskStatus.ASSIGNED:
        if unit is None:
            raise ValidationError({"unit": _("Choose the unit to assign.")})
        unit = locked[unit.pk]
        if unit.status not in (UnitStatus.AVAILABLE, UnitStatus.BUSY):
            raise ValidationError(
                {"unit": _("%(unit)s is off duty or out of service.") % {"unit": unit.call_sign}}
            )
        task.unit = unit
    if target == TaskStatus.CANCELLED and not note.strip():
        # The unit and the record both need to know why a task was called off.
        raise ValidationError({"note": _("Give the reason for cancelling.")})
    if target == TaskStatus.COMPLETED:
        if not note.strip():
            raise ValidationError({"note": _("Write the outcome: what was found and done.")})
        task.outcome = note.strip()
    now = timezone.now()
    event = TaskEvent(
        task=task,
        from_status=task.status,
        to_status=target,
        at=now,
        by=actor,
        note=note.strip()[:300],
        kind=TaskEventKind.WITHDRAW if withdrawing else TaskEventKind.MOVE,
    )
    task.status = target
    setattr(task, TIMESTAMP_FIELD[target], now)
    if withdrawing:
        task.withdrawn_at = now
    task.save()
    event.save()
    for affected in locked.values():
        _unit_status_after(affected)
    changes: dict[str, Any] = {"status": [event.from_status, target], "unit": str(task.unit or "")}
    if withdrawing:
        changes["withdrawn"] = True
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=task, changes=changes, reason=note.strip()
    )
    return task


@transaction.atomic
def task_withdraw(
    *, actor: User, task: Task, reason: str, expected_status: str | None = None
) -> Task:
    """Withdraw ``task``, created by mistake: cancelled with ``reason``, marked withdrawn
    (it leaves the unit's page and every figure), while the unit has not acted on it yet
    (new or assigned). Afterwards it is work begun: cancel it instead."""
    if not actor.has_perm("dispatch.change_task"):
        raise PermissionDenied
    lengths_check({"note": (reason.strip(), NOTE_MAX)})
    if not reason.strip():
        raise ValidationError({"note": _("Say why the task is withdrawn.")})
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.status not in WITHDRAWABLE_STATUSES:
        raise ValidationError(
            {
                "status": _(
                    "The task is already %(status)s: only a new or assigned task can be "
                    "withdrawn. Cancel it with a reason instead."
                )
                % {"status": task.get_status_display()}
            }
        )
    return _move(
        actor=actor,
        task=task,
        target=TaskStatus.CANCELLED,
        unit=None,
        note=reason,
        expected_status=expected_status,
        withdrawing=True,
    )


# What the operations centre may change in a task: what it says, where and when, and
# the violation it follows up. Its lifecycle, unit and zone alert change by moves only.
# An edit event's note names what changed, in the order of the form and as the form
# groups it ("title,place"); the pages show these keys in the reader's language.
EDIT_GROUPS = {
    "kind": "kind",
    "priority": "priority",
    "title": "title",
    "description": "description",
    "location": "place",
    "area": "place",
    "window_start": "window",
    "window_end": "window",
    "violation_id": "violation",
}
EDITABLE_FIELDS = frozenset(EDIT_GROUPS)


def _place_apply(task: Task, changes: dict[str, Any]) -> None:
    """A new place replaces the old one whole: a point alone drops the area, an area
    alone puts the point (from which units are recommended) at its centre."""
    if "area" not in changes and "location" not in changes:
        return
    area = changes.get("area")
    location = changes.get("location")
    if location is None and area is None:
        raise ValidationError({"latitude": [_("Give the task's place: a point or an area.")]})
    if area is not None:
        area_check(area)
        location = location or area.centroid
    task.area = area
    task.location = location


def _task_check(task: Task) -> None:
    """What a task must be before it is saved, new or edited."""
    if task.window_start and task.window_end and task.window_end < task.window_start:
        raise ValidationError({"window_end": _("The window ends before it starts.")})
    task.full_clean(exclude=["created_by", "unit", "violation", "alert"])


def _violation_apply(task: Task, actor: User, violation_id: int | None) -> None:
    """Link ``task`` to the violation ``violation_id`` (one ``actor`` may open), or to
    none."""
    if violation_id is None:
        task.violation = None
        return
    if violation_id == task.violation_id:
        return
    try:
        task.violation = violation_get_for_user(user=actor, pk=violation_id)
    except Http404 as missing:
        raise ValidationError({"violation": _("No such violation.")}) from missing


@transaction.atomic
def task_update(
    *,
    actor: User,
    task: Task,
    changes: dict[str, Any],
    expected_updated_at: datetime | None = None,
) -> Task:
    """Change what ``task`` says (``changes``: some of EDITABLE_FIELDS, ``location`` and
    ``area`` as geometries), while it is not closed. The unit's officers see the new text
    on their next poll, told that it changed. ``expected_updated_at``: the version the
    dispatcher edited; refused when another change came in between."""
    if not actor.has_perm("dispatch.change_task"):
        raise PermissionDenied
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    task = Task.objects.select_for_update(of=("self",)).get(pk=task.pk)
    if task.status not in EDITABLE_STATUSES:
        raise ValidationError(
            {
                "status": _("The task is already %(status)s: a closed task is not edited.")
                % {"status": task.get_status_display()}
            }
        )
    if expected_updated_at is not None and task.updated_at != expected_updated_at:
        raise ValidationError(
            {"updated_at": _("The task changed while you were editing it; reload to see it.")}
        )
    before = {field: getattr(task, field) for field in EDITABLE_FIELDS}
    for field in ("kind", "priority", "window_start", "window_end"):
        if field in changes:
            setattr(task, field, changes[field])
    for field in ("title", "description"):
        if field in changes:
            setattr(task, field, changes[field].strip())
    lengths_check({"description": (task.description, DESCRIPTION_MAX)})
    _place_apply(task, changes)
    if "violation_id" in changes:
        _violation_apply(task, actor, changes["violation_id"])
    _task_check(task)
    # In the order of the form, as the history names them.
    changed = [field for field in EDIT_GROUPS if getattr(task, field) != before[field]]
    if not changed:
        return task
    now = timezone.now()
    task.edited_at = now
    task.save()
    TaskEvent.objects.create(
        task=task,
        from_status=task.status,
        to_status=task.status,
        at=now,
        by=actor,
        note=",".join(dict.fromkeys(EDIT_GROUPS[field] for field in changed)),
        kind=TaskEventKind.EDIT,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=task,
        changes={
            field: [_audit_value(before[field]), _audit_value(getattr(task, field))]
            for field in changed
        },
    )
    return task


def _audit_value(value: Any) -> Any:
    """Geometries as WKT, the rest as it is (the audit keeps JSON)."""
    wkt = getattr(value, "wkt", None)
    return wkt if wkt is not None else value


# The opaque marker the violation form carries back from a task ("dispatch.task:42").
TASK_ORIGIN_PREFIX = "dispatch.task:"


_TASK_ORIGIN = re.compile(r"^dispatch\.task:(\d{1,12})$")


def task_origin(task: Task) -> str:
    return f"{TASK_ORIGIN_PREFIX}{task.pk}"


@transaction.atomic
def task_violation_link(*, actor: User, task: Task, violation: Violation) -> bool:
    """Record on ``task`` the violation ``actor`` logged at its place. Only an officer of
    the task's unit links, only their own violation, and a task keeps the first
    violation linked to it. Returns whether the link was made (repeats are harmless)."""
    task = Task.objects.select_for_update(of=("self",)).select_related("unit").get(pk=task.pk)
    if not serves_in(actor, task.unit):
        raise PermissionDenied
    if violation.reported_by_id != actor.pk:
        raise PermissionDenied
    if task.status in (TaskStatus.NEW, TaskStatus.CANCELLED):
        raise ValidationError(_("A violation cannot be linked to a new or cancelled task."))
    if task.violation_id is not None:
        return False
    task.violation = violation
    task.save(update_fields=["violation", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=task,
        changes={"violation": [None, violation.reference]},
        reason="violation logged at the task's place",
    )
    return True


@receiver(violation_logged, dispatch_uid="dispatch.task_violation_link")
def on_violation_logged(
    sender: Any, *, violation: Violation, actor: User, origin: str = "", **kwargs: Any
) -> None:
    """Cases announces a violation logged from a form that came from elsewhere; if it
    came from one of our tasks, link it. An origin that is not ours, a task that does not
    exist or is not the actor's unit's, changes nothing: the violation itself is saved
    already and stays as it is."""
    match = _TASK_ORIGIN.match(origin or "")
    if match is None:
        return
    task = Task.objects.filter(pk=int(match.group(1))).first()
    if task is None:
        return
    try:
        task_violation_link(actor=actor, task=task, violation=violation)
    except (PermissionDenied, ValidationError):
        return
