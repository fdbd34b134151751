"""What a case holds, from its page: documents (upload, audited download), notes,
events and tasks."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.forms.case_content import DocumentForm, EventForm, NoteForm, TaskForm
from cases.selectors.case_content import case_task_get
from cases.selectors.investigations import (
    case_assignable_users,
    case_document_get,
    case_get_for_user,
)
from cases.services import case_content as content_services
from cases.services import case_work as work_services
from cases.views.common import actor_of, add_service_errors
from cases.views.investigations import case_page_context
from portal.access import permission_required
from portal.models import AuditAction
from portal.services.audit import audit_record


def _back(case_pk: int, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('investigations:case-detail', kwargs={'pk': case_pk})}#{anchor}")


def _again(request: HttpRequest, case: object, **forms: object) -> HttpResponse:
    return render(
        request,
        "cases/investigations/case_detail.html",
        case_page_context(request, case, **forms),  # type: ignore[arg-type]  # a Case
        status=400,
    )


@permission_required("cases.view_case", "cases.change_case")
@require_POST
def case_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk, for_work=True)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            content_services.case_document_add(
                actor=actor_of(request),
                case=case,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Document added."))
            return _back(case.pk, "documents")
    return _again(request, case, document_form=form)


@permission_required("cases.view_case")
@require_GET
def case_document_download(request: HttpRequest, pk: int, document_id: int) -> FileResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk)
    document = case_document_get(case=case, pk=document_id)
    audit_record(
        actor=actor_of(request),
        action=AuditAction.DOWNLOAD,
        obj=case,
        changes={"document": document.pk, "sha256": document.sha256},
    )
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=True,
        filename=document.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required("cases.view_case", "cases.change_case")
@require_POST
def case_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk, for_work=True)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            content_services.case_note_add(
                actor=actor_of(request), case=case, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Note added."))
            return _back(case.pk, "notes")
    return _again(request, case, note_form=form)


@permission_required("cases.view_case", "cases.change_case")
@require_POST
def case_event_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk, for_work=True)
    form = EventForm(request.POST)
    if form.is_valid():
        try:
            content_services.case_event_add(
                actor=actor_of(request),
                case=case,
                title=form.cleaned_data["title"],
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data.get("ends_at"),
                place=form.place(),
                place_description=form.cleaned_data.get("place_description") or "",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Event added."))
            return _back(case.pk, "events")
    return _again(request, case, event_form=form)


@permission_required("cases.view_case", "cases.change_case")
@require_POST
def case_task_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk, for_work=True)
    form = TaskForm(request.POST, assignees=case_assignable_users(case=case))
    if form.is_valid():
        try:
            work_services.case_task_add(
                actor=actor_of(request),
                case=case,
                title=form.cleaned_data["title"],
                assignee=form.cleaned_data.get("assignee"),
                due_date=form.cleaned_data.get("due_date"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Task added."))
            return _back(case.pk, "tasks")
    return _again(request, case, task_form=form)


@permission_required("cases.view_case", "cases.change_case")
@require_POST
def case_task_done(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk, for_work=True)
    task = case_task_get(case=case, pk=task_id)
    work_services.case_task_done(
        actor=actor_of(request), task=task, done=request.POST.get("done") != "0"
    )
    return _back(case.pk, "tasks")
