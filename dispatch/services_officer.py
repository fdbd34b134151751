"""The officer's own use cases: going on and off duty, sharing the unit's position from
the browser, and linking the violation logged at a task's place to that task.

An officer acts only for the mobile unit of their own organisational unit: every
function here takes the unit from the acting user (``mobile_unit_of``) or checks it
against them, so an officer of another unit can never act for this one."""

import re
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from cases.models import Violation
from cases.signals import violation_logged
from dispatch.models import MobileUnit, PositionSource, Task, TaskStatus, UnitStatus
from dispatch.selectors import mobile_unit_of
from dispatch.selectors_officer import unit_has_open_task
from dispatch.services import IngestResult, positions_ingest
from dispatch.services_units import unit_status_set
from portal.models import AuditAction, User
from portal.services.audit import audit_record

# The opaque marker the violation form carries back from a task ("dispatch.task:42").
TASK_ORIGIN_PREFIX = "dispatch.task:"
_TASK_ORIGIN = re.compile(r"^dispatch\.task:(\d{1,12})$")


def serves_in(user: User, unit: MobileUnit | None) -> bool:
    """``user`` is an officer of ``unit`` (the unit of their organisational unit)."""
    return (
        unit is not None
        and user.is_authenticated
        and user.org_unit_id is not None
        and user.org_unit_id == unit.org_unit_id
        and user.has_perm("dispatch.serve_in_unit")
    )


def officer_unit_get(*, user: User) -> MobileUnit:
    """The unit ``user`` serves in, or a clear refusal."""
    unit = mobile_unit_of(user)
    if unit is None or not serves_in(user, unit):
        raise PermissionDenied(_("You do not serve in a mobile unit."))
    return unit


def task_origin(task: Task) -> str:
    return f"{TASK_ORIGIN_PREFIX}{task.pk}"


@transaction.atomic
def unit_duty_start(*, actor: User, unit: MobileUnit) -> MobileUnit:
    """Off duty → available. Starting again while on duty changes nothing (a double
    tap); a unit out of service is put back by the operations centre, not here."""
    if not serves_in(actor, unit):
        raise PermissionDenied
    # Locked like an assignment locks it: a dispatcher assigning at this moment waits.
    unit = MobileUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.status == UnitStatus.OUT_OF_SERVICE:
        raise ValidationError(
            _("%(unit)s is out of service; the operations centre puts it back in service.")
            % {"unit": unit.call_sign}
        )
    if unit.status != UnitStatus.OFF_DUTY:
        return unit
    return unit_status_set(actor=actor, unit=unit, status=UnitStatus.AVAILABLE, reason="duty")


@transaction.atomic
def unit_duty_end(*, actor: User, unit: MobileUnit) -> MobileUnit:
    """Available → off duty; refused while the unit has an open task (finish it, or ask
    the operations centre to take it back). Ending again while off duty changes nothing."""
    if not serves_in(actor, unit):
        raise PermissionDenied
    # The lock makes "no open task" hold until commit: an assignment (which locks the
    # unit too, and refuses units off duty) cannot slip in between check and update.
    unit = MobileUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.status == UnitStatus.OFF_DUTY:
        return unit
    if unit.status == UnitStatus.OUT_OF_SERVICE:
        raise ValidationError(
            _("%(unit)s is out of service; the operations centre changes its status.")
            % {"unit": unit.call_sign}
        )
    if unit.status == UnitStatus.BUSY or unit_has_open_task(unit=unit):
        raise ValidationError(
            _(
                "You cannot end duty while a task is open: complete it, or ask the "
                "operations centre to take it back."
            )
        )
    return unit_status_set(actor=actor, unit=unit, status=UnitStatus.OFF_DUTY, reason="duty")


# A phone's clock may be off by minutes; within this it is left alone.
CLOCK_SKEW_IGNORED = timedelta(seconds=30)


def reports_on_server_clock(reports: list[Any], client_time: datetime | None) -> list[Any]:
    """The reports with their times moved by the phone clock's error, measured as the
    difference between the phone's time when it sent the batch and the server's.
    Reports that cannot be read are left as they are (the ingest refuses them)."""
    if client_time is None:
        return reports
    skew = client_time - timezone.now()
    if abs(skew) <= CLOCK_SKEW_IGNORED:
        return reports
    moved: list[Any] = []
    for report in reports:
        try:
            when = parse_datetime(str(report.get("device_time")))
        except (AttributeError, ValueError):
            when = None
        if when is None or timezone.is_naive(when):
            moved.append(report)
        else:
            moved.append({**report, "device_time": (when - skew).isoformat()})
    return moved


def browser_positions_ingest(
    *, actor: User, reports: list[Any], client_time: datetime | None = None
) -> IngestResult:
    """Position reports from the officer's phone (browser geolocation), stored for the
    officer's own unit with source "browser". Positions are shared only while the unit
    is on duty: an officer off duty is not tracked. A phone whose clock runs fast or
    slow (``client_time``: its clock when it sent the batch) has its times corrected."""
    unit = officer_unit_get(user=actor)
    if unit.status == UnitStatus.OFF_DUTY:
        raise ValidationError(
            {"unit": [_("Start duty first: positions are shared only while on duty.")]}
        )
    return positions_ingest(
        unit=unit,
        device=None,
        reports=reports_on_server_clock(reports, client_time),
        source=PositionSource.BROWSER,
    )


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
