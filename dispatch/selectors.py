"""Reads for dispatch: which tasks a person may see, recommended units for a task."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.db.models import QuerySet
from django.http import Http404

from dispatch.lifecycle import OPEN_STATUSES
from dispatch.models import MobileUnit, Task, TaskStatus, UnitStatus
from portal.models import User


def task_list_for_user(
    *,
    user: User,
    open_only: bool = False,
    changed_since: datetime | None = None,
    unit: MobileUnit | None = None,
) -> QuerySet[Task]:
    """Tasks ``user`` may see: every unit's with ``view_all_tasks``, otherwise only those
    of the mobile unit of the user's own organisational unit (need to know)."""
    tasks = Task.objects.select_related("unit", "created_by", "violation")
    if not user.has_perm("dispatch.view_task"):
        return tasks.none()
    if not user.has_perm("dispatch.view_all_tasks"):
        if user.org_unit_id is None:
            return tasks.none()
        tasks = tasks.filter(unit__org_unit_id=user.org_unit_id)
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


def mobile_unit_of(user: User) -> MobileUnit | None:
    """The mobile unit an officer serves in (the one of their organisational unit)."""
    if user.org_unit_id is None:
        return None
    return MobileUnit.objects.filter(org_unit_id=user.org_unit_id).first()


@dataclass(frozen=True)
class Recommendation:
    unit: MobileUnit
    distance_m: float
    # Marks for the dispatcher: the unit is outside its shift's patrol zone, or has no
    # shift running now. Still recommended: the nearest unit may be the right one.
    off_zone: bool = False
    off_shift: bool = False


def units_recommended_for(*, location: Point, limit: int = 10) -> list[Recommendation]:
    """Available units with a known position, nearest first (distance on the spheroid)."""
    units = (
        MobileUnit.objects.filter(status=UnitStatus.AVAILABLE, last_position__isnull=False)
        .annotate(distance=Distance("last_position", location))
        .order_by("distance", "call_sign")[:limit]
    )
    return [Recommendation(unit=unit, distance_m=unit.distance.m) for unit in units]
