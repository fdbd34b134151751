"""Mutual-assistance requests of a case, and the register across cases (need-to-know:
only the cases within the user's reach) with what is overdue."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.forms.case_content import AssistanceForm, RegisterFilterForm
from cases.selectors.case_content import (
    assistance_is_overdue,
    assistance_register_for_user,
    assistance_request_get,
)
from cases.selectors.investigations import case_get_for_user
from cases.services import case_work as work_services
from cases.services import investigations as case_services
from cases.views.common import actor_of, add_service_errors
from portal.access import permission_required
from portal.models import AuditAction
from portal.pagination import CappedCountPaginator
from portal.services.audit import audit_record


@permission_required("cases.view_case", "cases.change_case")
@require_http_methods(["GET", "POST"])
def assistance_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk, for_work=True)
    form = AssistanceForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            work_services.assistance_request_create(
                actor=actor_of(request), case=case, data=form.to_input()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Request saved."))
            return redirect(
                f"{reverse('investigations:case-detail', kwargs={'pk': case.pk})}#requests"
            )
    return render(
        request,
        "cases/investigations/assistance_form.html",
        {"case": case, "form": form, "request_obj": None},
    )


@permission_required("cases.view_case", "cases.change_case")
@require_http_methods(["GET", "POST"])
def assistance_edit(request: HttpRequest, pk: int, request_id: int) -> HttpResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk, for_work=True)
    assistance = assistance_request_get(case=case, pk=request_id)
    if request.method == "GET":
        case_services.case_consult(
            actor=actor_of(request), case=case, what=f"assistance request {assistance.pk}"
        )
    initial = {
        "direction": assistance.direction,
        "agency": assistance.agency,
        "agency_name": assistance.agency_name,
        "legal_basis": assistance.legal_basis,
        "subject": assistance.subject,
        "their_reference": assistance.their_reference,
        "sent_on": assistance.sent_on,
        "due_on": assistance.due_on,
        "status": assistance.status,
        "answer_document": assistance.answer_document_id,
    }
    form = AssistanceForm(request.POST or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            work_services.assistance_request_update(
                actor=actor_of(request), request=assistance, data=form.to_input()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Request saved."))
            return redirect(
                f"{reverse('investigations:case-detail', kwargs={'pk': case.pk})}#requests"
            )
    return render(
        request,
        "cases/investigations/assistance_form.html",
        {"case": case, "form": form, "request_obj": assistance},
    )


@permission_required("cases.view_case")
@require_GET
def assistance_register(request: HttpRequest) -> HttpResponse:
    form = RegisterFilterForm(request.GET or None)
    overdue_only = bool(form.is_valid() and form.cleaned_data.get("overdue"))
    requests = assistance_register_for_user(user=actor_of(request), overdue_only=overdue_only)
    page = CappedCountPaginator(requests, 50).get_page(request.GET.get("page"))
    audit_record(
        actor=actor_of(request),
        action=AuditAction.VIEW,
        object_type="cases.assistancerequest",
        object_repr="register",
        changes={"overdue_only": overdue_only, "shown": len(page.object_list)},
    )
    overdue_ids = {r.pk for r in page.object_list if assistance_is_overdue(r)}
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/investigations/assistance_register.html",
        {"form": form, "page": page, "overdue_ids": overdue_ids, "query": query.urlencode()},
    )
