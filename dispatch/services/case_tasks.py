"""A dispatch task answering an investigation case: linked and unlinked by an analyst
working the case (the link lives on the task, the side that depends)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case
from dispatch.models import Task
from portal.models import AuditAction, User
from portal.services.audit import audit_record


@transaction.atomic
def task_case_link(*, actor: User, task: Task, case: Case) -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.case_id == case.pk:
        raise ValidationError({"task": _("This task already answers this case.")})
    if task.case_id is not None:
        raise ValidationError({"task": _("This task already answers another case.")})
    task.case = case
    task.save(update_fields=["case"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=task, changes={"case": [None, case.number]}
    )
    return task


@transaction.atomic
def task_case_unlink(*, actor: User, task: Task, case: Case) -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.case_id != case.pk:
        raise ValidationError({"task": _("This task does not answer this case.")})
    task.case = None
    task.save(update_fields=["case"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=task, changes={"case": [case.number, None]}
    )
    return task
