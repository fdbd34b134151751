"""The tasks that answer an investigation case, for the case's page (through
DispatchConfig.case_page_sections): those within the viewer's reach of tasks."""

from typing import Any

from django.utils.translation import gettext as _

from cases.models import Case
from cases.selectors.investigations import case_can_work
from cases.selectors.timeline import TimelineItem
from dispatch.selectors.tasks import task_list_for_user
from portal.models import User

CASE_TASKS_SHOWN = 50


def case_tasks_section(*, case: Case, user: User) -> list[dict[str, Any]]:
    """The case page's "Dispatch tasks" section, for those who see every unit's tasks;
    nothing for others (the case page shows no empty section to them)."""
    if not user.has_perm("dispatch.view_all_tasks"):
        return []
    tasks = list(
        task_list_for_user(user=user)
        .filter(case=case)
        .select_related("unit")
        .order_by("-created_at")[:CASE_TASKS_SHOWN]
    )
    return [
        {
            "key": "dispatch-tasks",
            "title": _("Dispatch tasks"),
            "template": "dispatch/_case_tasks.html",
            "context": {
                "tasks": tasks,
                "can_link": case_can_work(user=user, case=case),
            },
        }
    ]


def case_task_timeline_kinds(*, user: User) -> list[str]:
    """The kinds of timeline item this app adds that ``user`` may see: the tasks that
    answer a case for whoever may open the tasks (DispatchConfig.case_timeline_kinds)."""
    return ["dispatch_task"] if user.has_perm("dispatch.view_task") else []


def case_task_timeline_items(*, case: Case, user: User, limit: int) -> list[TimelineItem]:
    """The tasks that answer ``case`` as items of its timeline (through
    DispatchConfig.case_timeline_items), within ``user``'s reach of tasks: a task with a
    time window is a period, otherwise the moment it was created; its place is its point
    or the centre of its area."""
    if not case_task_timeline_kinds(user=user):
        return []
    tasks = (
        task_list_for_user(user=user)
        .filter(case=case)
        .select_related("unit")
        .order_by("created_at", "id")[:limit]
    )
    items: list[TimelineItem] = []
    for task in tasks:
        geometry = task.location or (task.area.centroid if task.area is not None else None)
        start = task.window_start or task.created_at
        end = task.window_end if task.window_start and task.window_end else None
        items.append(
            TimelineItem(
                key=f"dispatch_task-{task.pk}",
                kind="dispatch_task",
                title=_("Task #%(number)s: %(title)s") % {"number": task.pk, "title": task.title},
                detail=" · ".join(
                    part for part in (str(task.get_status_display()), str(task.unit or "")) if part
                ),
                starts_at=start,
                ends_at=end,
                place=(
                    (round(geometry.x, 6), round(geometry.y, 6)) if geometry is not None else None
                ),
            )
        )
    return items
