"""Reads about the tasks that answer zone alerts ("Send a task" on an alert)."""

from collections.abc import Iterable

from dispatch.models import Task
from dispatch.selectors import task_list_for_user
from portal.models import User


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
