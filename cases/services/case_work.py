"""The work of a case: its tasks, its mutual-assistance requests, and the reminders
sent once before their due dates (run by beat: cases.tasks.case_reminders_send)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    AssistanceRequest,
    AssistanceStatus,
    Case,
    CaseDocument,
    CaseTask,
)
from portal.lib.text import hidden_characters_check, lengths_check
from portal.models import AuditAction, User
from portal.services.audit import audit_record, model_changes

TASK_TITLE_MAX = 200
SUBJECT_MAX = 5_000
# Reminders go this many days before the due date (and on it, when found later).
TASK_REMIND_DAYS_BEFORE = 2
ASSISTANCE_REMIND_DAYS_BEFORE = 5


@transaction.atomic
def case_task_add(
    *, actor: User, case: Case, title: str, assignee: User | None, due_date: date | None
) -> CaseTask:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Say what is to be done.")})
    lengths_check({"title": (title, TASK_TITLE_MAX)})
    hidden_characters_check({"title": title})
    if due_date is not None and due_date < timezone.localdate():
        raise ValidationError({"due_date": _("The due date is in the past.")})
    if assignee is not None and not (
        assignee.pk == case.lead_analyst_id or case.members.filter(user=assignee).exists()
    ):
        raise ValidationError({"assignee": _("Give the task to someone on the case team.")})
    task = CaseTask.objects.create(
        case=case, title=title, assignee=assignee, due_date=due_date, created_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        changes={
            "task_added": {
                "task": task.pk,
                "title": title,
                "assignee": assignee.get_username() if assignee else "",
                "due_date": due_date,
            }
        },
    )
    return task


@transaction.atomic
def case_task_done(*, actor: User, task: CaseTask, done: bool = True) -> CaseTask:
    if task.done == done:
        return task
    task.done = done
    task.done_at = timezone.now() if done else None
    task.save(update_fields=["done", "done_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=task.case,
        changes={"task_done": {"task": task.pk, "done": done}},
    )
    return task


@dataclass(frozen=True)
class AssistanceInput:
    direction: str
    agency: str
    agency_name: str
    legal_basis: str
    subject: str
    their_reference: str = ""
    sent_on: date | None = None
    due_on: date | None = None
    status: str = AssistanceStatus.DRAFT
    answer_document: CaseDocument | None = None


ASSISTANCE_FIELDS = [
    "direction",
    "agency",
    "agency_name",
    "legal_basis",
    "subject",
    "their_reference",
    "sent_on",
    "due_on",
    "status",
    "answer_document",
]


def _assistance_check(*, case: Case, data: AssistanceInput) -> None:
    errors: dict[str, str] = {}
    if not data.legal_basis.strip():
        errors["legal_basis"] = _("Give the legal basis of the request.")
    if not data.subject.strip():
        errors["subject"] = _("Say what was asked.")
    if data.sent_on and data.due_on and data.due_on < data.sent_on:
        errors["due_on"] = _("The answer cannot be due before the request was sent.")
    if data.sent_on and data.sent_on > timezone.localdate():
        errors["sent_on"] = _("The request cannot be sent in the future.")
    if data.status in (AssistanceStatus.SENT, AssistanceStatus.ANSWERED) and not data.sent_on:
        errors["sent_on"] = _("Give the date the request was sent.")
    if data.status == AssistanceStatus.SENT and not data.due_on:
        errors["due_on"] = _("Give the date the answer is due.")
    if data.status == AssistanceStatus.ANSWERED and data.answer_document is None:
        errors["answer_document"] = _("Attach the answer: upload it as a case document first.")
    if data.answer_document is not None and data.answer_document.case_id != case.pk:
        errors["answer_document"] = _("The answer must be a document of this case.")
    if errors:
        raise ValidationError(errors)
    lengths_check(
        {
            "legal_basis": (data.legal_basis, 300),
            "subject": (data.subject, SUBJECT_MAX),
            "agency_name": (data.agency_name, 200),
            "their_reference": (data.their_reference, 100),
        }
    )


@transaction.atomic
def assistance_request_create(
    *, actor: User, case: Case, data: AssistanceInput
) -> AssistanceRequest:
    _assistance_check(case=case, data=data)
    request = AssistanceRequest(case=case, created_by=actor)
    for field in ASSISTANCE_FIELDS:
        value = getattr(data, field)
        setattr(request, field, value.strip() if isinstance(value, str) else value)
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        changes={
            "assistance_request_added": {
                "request": request.pk,
                "direction": request.direction,
                "agency": request.agency,
                "due_on": request.due_on,
            }
        },
    )
    return request


@transaction.atomic
def assistance_request_update(
    *, actor: User, request: AssistanceRequest, data: AssistanceInput
) -> AssistanceRequest:
    _assistance_check(case=request.case, data=data)
    request = AssistanceRequest.objects.select_for_update().get(pk=request.pk)
    before = {field: getattr(request, field) for field in ASSISTANCE_FIELDS}
    for field in ASSISTANCE_FIELDS:
        value = getattr(data, field)
        setattr(request, field, value.strip() if isinstance(value, str) else value)
    if before["due_on"] != request.due_on:
        request.reminded_at = None  # a new due date earns a new reminder
    request.full_clean()
    changes = model_changes(request, ASSISTANCE_FIELDS, before)
    if changes:
        if "answer_document" in changes:
            changes["answer_document"] = [
                getattr(before["answer_document"], "pk", None),
                getattr(request.answer_document, "pk", None),
            ]
        request.save(update_fields=[*ASSISTANCE_FIELDS, "reminded_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=request.case,
            changes={"assistance_request": {"request": request.pk, **changes}},
        )
    return request


def _case_url(case: Case) -> str:
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    return f"{base}{reverse('investigations:case-detail', kwargs={'pk': case.pk})}"


def case_task_reminders_send(*, today: date | None = None) -> int:
    """E-mail each assignee of an open task due within TASK_REMIND_DAYS_BEFORE days, once:
    a task is claimed by a conditional UPDATE of ``reminded_at`` (two workers, or a
    re-delivered beat message, find it claimed and send nothing). Returns the count."""
    today = today or timezone.localdate()
    due = CaseTask.objects.filter(
        done=False,
        reminded_at__isnull=True,
        assignee__isnull=False,
        due_date__lte=today + timedelta(days=TASK_REMIND_DAYS_BEFORE),
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = CaseTask.objects.filter(pk=pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if not claimed:
                continue
            task = CaseTask.objects.select_related("case", "assignee").get(pk=pk)
            if task.assignee is None or not task.assignee.email:
                continue
            send_mail(
                subject=_("Case %(number)s: task due %(date)s")
                % {"number": task.case.number, "date": task.due_date},
                message=_("%(title)s\nDue: %(date)s\n%(url)s")
                % {"title": task.title, "date": task.due_date, "url": _case_url(task.case)},
                from_email=None,
                recipient_list=[task.assignee.email],
            )
            audit_record(
                actor=None,
                action=AuditAction.UPDATE,
                obj=task.case,
                changes={"task_reminded": {"task": task.pk, "to": task.assignee.get_username()}},
            )
            sent += 1
    return sent


def assistance_reminders_send(*, today: date | None = None) -> int:
    """E-mail the lead analyst of each case whose request awaits an answer due within
    ASSISTANCE_REMIND_DAYS_BEFORE days, once per due date (claimed like a task's)."""
    today = today or timezone.localdate()
    due = AssistanceRequest.objects.filter(
        status=AssistanceStatus.SENT,
        reminded_at__isnull=True,
        due_on__lte=today + timedelta(days=ASSISTANCE_REMIND_DAYS_BEFORE),
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = AssistanceRequest.objects.filter(pk=pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if not claimed:
                continue
            request = AssistanceRequest.objects.select_related("case__lead_analyst").get(pk=pk)
            lead = request.case.lead_analyst
            if not lead.email:
                continue
            send_mail(
                subject=_("Case %(number)s: answer of %(agency)s due %(date)s")
                % {
                    "number": request.case.number,
                    "agency": request.agency_label,
                    "date": request.due_on,
                },
                message=_("%(subject)s\nDue: %(date)s\n%(url)s")
                % {
                    "subject": request.subject[:500],
                    "date": request.due_on,
                    "url": _case_url(request.case),
                },
                from_email=None,
                recipient_list=[lead.email],
            )
            audit_record(
                actor=None,
                action=AuditAction.UPDATE,
                obj=request.case,
                changes={"assistance_reminded": {"request": request.pk}},
            )
            sent += 1
    return sent
