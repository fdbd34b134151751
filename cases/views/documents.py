"""A case's documents read for their text: the upload (one file or a zip), the page of
one document (its text beside a download of the original, its attachments, the
suggestions found in it), and the team's answer to a suggestion."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.forms.documents import DocumentUploadForm
from cases.selectors.documents import (
    document_page,
    document_suggestion_get,
    suggestion_label,
)
from cases.selectors.investigations import case_can_work, case_document_get, case_get_for_user
from cases.services.documents import suggest as suggest_services
from cases.services.documents.kinds import READABLE
from cases.services.documents.upload import case_document_read_start, case_documents_upload
from cases.services.investigations import case_consult
from cases.views.common import actor_of, add_service_errors
from portal.access import permission_required


@permission_required("cases.view_case", "cases.change_case")
@require_http_methods(["GET", "POST"])
def case_document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk, for_work=True)
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            documents, job = case_documents_upload(
                actor=actor_of(request),
                case=case,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(count)d documents kept; their text is being read.")
                % {"count": len(documents)},
            )
            return redirect("portal:job-detail", pk=job.pk)
    return render(
        request,
        "cases/investigations/document_upload.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@permission_required("cases.view_case")
@require_GET
def case_document_detail(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk)
    document = case_document_get(case=case, pk=document_id)
    case_consult(actor=actor_of(request), case=case, what=f"document {document.pk}")
    page = document_page(document=document)
    return render(
        request,
        "cases/investigations/document_detail.html",
        {
            "case": case,
            "page": page,
            "can_work": case_can_work(user=actor_of(request), case=case),
            "readable": document.content_type in READABLE,
        },
    )


def _answer(
    request: HttpRequest, pk: int, document_id: int, suggestion_id: int, accept: bool
) -> HttpResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk, for_work=True)
    document = case_document_get(case=case, pk=document_id)
    suggestion = document_suggestion_get(document=document, pk=suggestion_id)
    label = suggestion_label(suggestion)
    try:
        if accept:
            suggest_services.suggestion_accept(actor=actor_of(request), suggestion=suggestion)
        else:
            suggest_services.suggestion_reject(actor=actor_of(request), suggestion=suggestion)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"{label}: {message}")
    else:
        done = _("%(value)s added to the case.") if accept else _("%(value)s rejected.")
        messages.success(request, done % {"value": label})
    url = reverse(
        "investigations:case-document-detail", kwargs={"pk": case.pk, "document_id": document.pk}
    )
    return redirect(f"{url}#suggestions")


@permission_required("cases.view_case", "cases.change_case")
@require_POST
def document_suggestion_accept(
    request: HttpRequest, pk: int, document_id: int, suggestion_id: int
) -> HttpResponse:
    return _answer(request, pk, document_id, suggestion_id, accept=True)


@permission_required("cases.view_case", "cases.change_case")
@require_POST
def document_suggestion_reject(
    request: HttpRequest, pk: int, document_id: int, suggestion_id: int
) -> HttpResponse:
    return _answer(request, pk, document_id, suggestion_id, accept=False)


@permission_required("cases.view_case", "cases.change_case")
@require_POST
def case_document_read(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk, for_work=True)
    document = case_document_get(case=case, pk=document_id)
    try:
        job = case_document_read_start(actor=actor_of(request), document=document)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("investigations:case-document-detail", pk=case.pk, document_id=document.pk)
    return redirect("portal:job-detail", pk=job.pk)
