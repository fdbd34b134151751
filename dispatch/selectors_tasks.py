"""Reads around tasks that the task API and the officer's pages share: which linked
violations a person may see, and a task's response times.

(The task accessors themselves, ``task_list_for_user`` and ``task_get_for_user``, are
in dispatch/selectors.py.)"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied

from cases.selectors import violation_scope_for_user
from dispatch.models import Task
from portal.models import User


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
    measures as the monthly figures (dispatch.selectors_tracks.unit_month_stats)."""

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
