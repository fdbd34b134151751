"""Reads of tasks, always through the user's reach: lists, one task, the unit's own tasks,
response times, the tasks answering zone alerts."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils.translation import get_language

from cases.selectors.violations import violation_scope_for_user
from dispatch.models import GeofenceAlert, MobileUnit, Task, TaskEvent, TaskStatus
from dispatch.models.tasks import OPEN_STATUSES
from portal.lib.timefmt import start_of_today
from portal.models import User
from portal.selectors.users import own_unit_filter


def task_list_for_user(
    *,
    user: User,
    open_only: bool = False,
    changed_since: datetime | None = None,
    unit: MobileUnit | None = None,
) -> QuerySet[Task]:
    """Tasks ``user`` may see: every unit's with ``view_all_tasks``, otherwise only those
    of the mobile unit of the user's own organisational unit (need to know)."""
    tasks = Task.objects.select_related("unit__org_unit", "created_by", "violation")
    if not user.has_perm("dispatch.view_task"):
        return tasks.none()
    if not user.has_perm("dispatch.view_all_tasks"):
        if user.org_unit_id is None:
            return tasks.none()
        tasks = tasks.filter(own_unit_filter(user=user, field="unit__org_unit_id"))
    if open_only:
        tasks = tasks.filter(status__in={TaskStatus.NEW, *OPEN_STATUSES})
    if changed_since is not None:
        tasks = tasks.filter(updated_at__gt=changed_since)
    if unit is not None:
        tasks = tasks.filter(unit=unit)
    return tasks


def task_get_for_user(*, user: User, pk: int) -> Task:
    task = task_list_for_user(user=user).filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


def violations_visible_to(*, user: User, violation_ids: Iterable[int | None]) -> set[int]:
    """Of ``violation_ids``, those ``user`` may open, by cases' own rule (the scope of
    ``violation_get_for_user``): a task shows the reference of and a link to its
    violation only then. A task may be linked to a violation of another unit, which
    that unit's officers must not learn of. One query for any number of ids."""
    wanted = {pk for pk in violation_ids if pk is not None}
    if not wanted:
        return set()
    try:
        scope = violation_scope_for_user(user=user)
    except PermissionDenied:
        return set()
    return set(scope.filter(pk__in=wanted).values_list("pk", flat=True))


@dataclass(frozen=True)
class ResponseTimes:
    """How fast the unit answered a task, in seconds from its (last) assignment: to
    the acknowledgement and to being on scene. None for a step not reached. The same
    measures as the monthly figures (dispatch.selectors.stats)."""

    to_acknowledge_s: float | None
    to_arrive_s: float | None


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds(), 1)


def task_response_times(task: Task) -> ResponseTimes:
    return ResponseTimes(
        to_acknowledge_s=_seconds(task.assigned_at, task.acknowledged_at),
        to_arrive_s=_seconds(task.assigned_at, task.on_scene_at),
    )


CLOSED_STATUSES = (TaskStatus.COMPLETED, TaskStatus.CANCELLED)


def _unit_tasks(*, unit: MobileUnit) -> QuerySet[Task]:
    """The unit's open tasks and those it closed today: what its page shows. A task
    withdrawn as a mistake leaves the page (the officer is told it was taken back)."""
    return Task.objects.filter(unit=unit, withdrawn_at__isnull=True).filter(
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


def alert_tasks_for_user(*, user: User, alert_ids: Iterable[int]) -> dict[int, Task]:
    """The newest task answering each of ``alert_ids``, among the tasks ``user`` may see,
    by alert id (alerts without one are missing). One query for a whole page of alerts;
    the tasks carry their id, title, status and alert only."""
    ids = list(alert_ids)
    if not ids:
        return {}
    tasks = (
        task_list_for_user(user=user)
        .select_related(None)
        .filter(alert_id__in=ids)
        .order_by("alert_id", "-created_at", "-pk")
        .distinct("alert_id")
        .only("id", "title", "status", "alert_id", "created_at")
    )
    return {task.alert_id: task for task in tasks if task.alert_id is not None}


def task_with_history(task: Task) -> Task:
    """``task`` with its history and each move's author: two queries however long the
    history (the detail lists every event with the name of who made it); one more for
    the zone alert it answers, with the alert's unit and zone, when it answers one."""
    prefetch_related_objects(
        [task],
        Prefetch("events", queryset=TaskEvent.objects.select_related("by")),
        Prefetch("alert", queryset=GeofenceAlert.objects.select_related("unit", "zone")),
    )
    return task
