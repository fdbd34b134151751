"""What a case holds, for its page and the API: read after case_get_for_user has
decided the case is within reach."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from cases.models import (
    AssistanceRequest,
    AssistanceStatus,
    Case,
    CaseDocument,
    CaseEntity,
    CaseEvent,
    CaseNote,
    CaseTask,
    CaseViolation,
)
from cases.selectors.investigations import case_scope_for_user
from portal.models import User


@dataclass(frozen=True)
class CaseContent:
    violations: list[CaseViolation]
    entities: list[CaseEntity]
    documents: list[CaseDocument]
    notes: list[CaseNote]
    events: list[CaseEvent]
    tasks: list[CaseTask]
    requests: list[AssistanceRequest]


def case_content(*, case: Case) -> CaseContent:
    return CaseContent(
        violations=list(
            case.violation_links.select_related("violation__category", "linked_by").order_by("id")
        ),
        entities=list(case.entity_links.select_related("entity", "linked_by").order_by("id")),
        documents=list(case.documents.select_related("uploaded_by").order_by("id")),
        notes=list(case.notes.select_related("author").order_by("-created_at", "-id")),
        events=list(case.events.order_by("starts_at", "id")),
        tasks=list(case.tasks.select_related("assignee").order_by("done", "due_date", "id")),
        requests=list(
            case.assistance_requests.select_related("answer_document").order_by("due_on", "id")
        ),
    )


def case_task_get(*, case: Case, pk: int) -> CaseTask:
    from django.http import Http404

    task = CaseTask.objects.filter(case=case, pk=pk).first()
    if task is None:
        raise Http404
    return task


def case_link_get(*, case: Case, model: type[CaseViolation] | type[CaseEntity], pk: int) -> Any:
    from django.http import Http404

    link = model.objects.filter(case=case, pk=pk).first()
    if link is None:
        raise Http404
    return link


def assistance_request_get(*, case: Case, pk: int) -> AssistanceRequest:
    from django.http import Http404

    request = AssistanceRequest.objects.filter(case=case, pk=pk).first()
    if request is None:
        raise Http404
    return request


def assistance_register_for_user(
    *, user: User, overdue_only: bool = False
) -> QuerySet[AssistanceRequest]:
    """Requests of every case within ``user``'s reach (need-to-know: a restricted case's
    requests only for its team), the overdue first, then by due date."""
    requests = AssistanceRequest.objects.filter(
        case__in=case_scope_for_user(user=user)
    ).select_related("case", "answer_document")
    if overdue_only:
        requests = requests.filter(status=AssistanceStatus.SENT, due_on__lt=timezone.localdate())
    return requests.order_by("status", "due_on", "id")


def assistance_is_overdue(request: AssistanceRequest) -> bool:
    return bool(
        request.status == AssistanceStatus.SENT
        and request.due_on
        and request.due_on < timezone.localdate()
    )
