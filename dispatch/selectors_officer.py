"""Reads for the officer's own pages: my unit's tasks.

Everything here is scoped by the unit passed in; the views get that unit from
``dispatch.selectors.mobile_unit_of(user)``, so an officer only ever reads their own
unit's rows. (The unit's current and next shift: dispatch.selectors_planning.)"""

import hashlib
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from dispatch.lifecycle import OPEN_STATUSES
from dispatch.models import MobileUnit, Task, TaskStatus
from portal.timefmt import start_of_today

CLOSED_STATUSES = (TaskStatus.COMPLETED, TaskStatus.CANCELLED)


def _unit_tasks(*, unit: MobileUnit) -> QuerySet[Task]:
    """The unit's open tasks and those it closed today: what its page shows."""
    return Task.objects.filter(unit=unit).filter(
        Q(status__in=OPEN_STATUSES) | Q(status__in=CLOSED_STATUSES, closed_at__gte=start_of_today())
    )


@dataclass(frozen=True)
class UnitTasks:
    open: list[Task]
    closed_today: list[Task]


def unit_tasks_for_officer(*, unit: MobileUnit) -> UnitTasks:
    """Open tasks most urgent first, then newest; today's closed ones, latest first.
    One query (the task index on (unit, status) serves it)."""
    tasks = list(_unit_tasks(unit=unit).select_related("violation").order_by("-priority", "-id"))
    closed = [task for task in tasks if task.status in CLOSED_STATUSES]
    closed.sort(key=lambda task: task.closed_at or task.updated_at, reverse=True)
    return UnitTasks(
        open=[task for task in tasks if task.status not in CLOSED_STATUSES],
        closed_today=closed,
    )


def unit_tasks_version(*, unit: MobileUnit) -> str:
    """A short fingerprint of what the officer's task list shows: it changes when a task
    is assigned to the unit or taken away, changes state or content, when the unit's
    status changes, and with the language. The page polls every few seconds and the
    list is rendered only when this differs (one light query otherwise)."""
    rows = _unit_tasks(unit=unit).order_by("id").values_list("id", "status", "updated_at")
    digest = hashlib.sha256()
    digest.update(f"{get_language()}|{unit.status}|{start_of_today().date()}".encode())
    for task_id, status, updated_at in rows:
        digest.update(f"|{task_id}:{status}:{updated_at.timestamp()}".encode())
    return digest.hexdigest()[:20]


def unit_has_open_task(*, unit: MobileUnit) -> bool:
    return Task.objects.filter(unit=unit, status__in=OPEN_STATUSES).exists()
