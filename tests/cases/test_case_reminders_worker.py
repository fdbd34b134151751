"""The reminders' beat entry names a registered task, and a real worker sends each
reminder once."""

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from cases.models import CaseTask
from cases.services.case_work import case_task_add
from cases.services.investigations import CaseInput, case_create
from cases.tasks import case_reminders_send_task


def test_the_reminders_are_declared_for_beat_and_name_a_registered_task():
    from portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["cases-reminders-hourly"]
    app.loader.import_default_modules()
    assert entry["task"] == "cases.case_reminders_send"
    assert entry["task"] in app.tasks
    assert entry["schedule"] == crontab(minute=5)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_a_task_reminder_once(celery_worker_process, analyst):
    case = case_create(actor=analyst, data=CaseInput(title="Worker case"))
    task = case_task_add(
        actor=analyst, case=case, title="Call", assignee=analyst, due_date=timezone.localdate()
    )
    first = case_reminders_send_task.delay().get(timeout=30)
    second = case_reminders_send_task.delay().get(timeout=30)
    assert first == {"tasks": 1, "requests": 0}
    assert second == {"tasks": 0, "requests": 0}
    assert CaseTask.objects.get(pk=task.pk).reminded_at is not None
