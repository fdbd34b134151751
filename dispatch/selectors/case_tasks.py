"""The tasks that answer an investigation case, for the case's page (through
DispatchConfig.case_page_sections): those within the viewer's reach of tasks."""

from typing import Any

from django.utils.translation import gettext as _

from cases.models import Case
from cases.selectors.investigations import case_can_work
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
