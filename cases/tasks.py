"""Periodic work of cases, on Celery. Thin: the logic lives in services."""

import logging
from typing import TypedDict

from celery import shared_task

from cases.services.case_work import assistance_reminders_send, case_task_reminders_send
from cases.services.categories import category_search_refresh

logger = logging.getLogger(__name__)


class ReminderReport(TypedDict):
    tasks: int
    requests: int


@shared_task(name="cases.case_reminders_send")
def case_reminders_send_task() -> ReminderReport:
    """Reminders of case tasks and mutual-assistance requests due soon (hourly, see
    CELERY_BEAT_SCHEDULE); each goes once, so a re-delivery sends nothing twice."""
    report: ReminderReport = {
        "tasks": case_task_reminders_send(),
        "requests": assistance_reminders_send(),
    }
    logger.info("Case reminders: %(tasks)d tasks, %(requests)d requests", report)
    return report


@shared_task(name="cases.category_search_refresh")
def category_search_refresh_task(category_id: int) -> int:
    """Refresh the search entries of a renamed category's violations (enqueued on commit
    by category_update); running it twice writes the same entries."""
    return category_search_refresh(category_id=category_id)
