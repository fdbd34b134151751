"""HTML pages of investigation cases: list, open (blank or from a template), the case's
page, edit, team. Thin: reach through cases.selectors.investigations, changes through
cases.services; every consultation of a case is audited."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.forms.case_content import DocumentForm, EventForm, NoteForm, TaskForm
from cases.forms.investigations import (
    CaseCreateForm,
    CaseFilterForm,
    CaseForm,
    EntitySearchForm,
    MemberForm,
    ViolationLinkForm,
)
from cases.models import Case, CaseRole
from cases.selectors.case_content import assistance_is_overdue, case_content
from cases.selectors.cross_case import case_cross_case_hits_for_user
from cases.selectors.investigation_panels import case_page_sections
from cases.selectors.investigations import (
    case_assignable_users,
    case_can_manage_team,
    case_can_work,
    case_get_for_user,
    case_list_for_user,
    case_role_of,
    case_team,
)
from cases.services import investigations as case_services
from cases.services.extract import extract_may_start
from cases.views.common import actor_of, add_service_errors
from portal.access import permission_required
from portal.pagination import CappedCountPaginator


@permission_required("cases.view_case")
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    cases = case_list_for_user(user=actor_of(request))
    if form.is_bound:
        cases = (
            case_list_for_user(user=actor_of(request), filters=form.to_filter())
            if form.is_valid()
            else cases.none()
        )
    page = CappedCountPaginator(cases, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/investigations/case_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@permission_required("cases.view_case", "cases.add_case")
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    form = CaseCreateForm(request.POST or None, initial={"template": request.GET.get("template")})
    if request.method == "POST" and form.is_valid():
        template = form.templates.get(form.cleaned_data.get("template") or "")
        try:
            case = case_services.case_create(
                actor=actor_of(request), data=form.to_input(), template=template
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect(case)
    return render(request, "cases/investigations/case_form.html", {"form": form, "case": None})


def case_page_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    """Everything the case's page shows; ``forms`` replaces a blank form with a bound one
    that came back with errors."""
    user = actor_of(request)
    can_work = case_can_work(user=user, case=case)
    my_role = case_role_of(user=user, case=case)
    content = case_content(case=case)
    context: dict[str, Any] = {
        "case": case,
        "content": content,
        "team": case_team(case=case),
        "my_role": my_role,
        "my_role_label": CaseRole(my_role).label if my_role else "",
        "can_work": can_work,
        "can_manage_team": case_can_manage_team(user=user, case=case),
        "can_extract": user.has_perm("cases.view_entity")
        and extract_may_start(user=user, case=case),
        "sections": case_page_sections(case=case, user=user),
        "overdue_requests": [r.pk for r in content.requests if assistance_is_overdue(r)],
        # Every other case and violation where the case's entities and its violations'
        # (or ones merged with them, or sharing an identifier) appear, need-to-know applied.
        "hits": case_cross_case_hits_for_user(user=user, case=case),
    }
    if can_work:
        context.update(
            {
                "violation_form": ViolationLinkForm(),
                "entity_search_form": EntitySearchForm(),
                "document_form": DocumentForm(),
                "note_form": NoteForm(),
                "event_form": EventForm(),
                "task_form": TaskForm(assignees=case_assignable_users(case=case)),
            }
        )
    context.update(forms)
    return context


@permission_required("cases.view_case")
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk)
    case_services.case_consult(actor=actor_of(request), case=case, what="page")
    return render(
        request, "cases/investigations/case_detail.html", case_page_context(request, case)
    )


@permission_required("cases.view_case", "cases.change_case")
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk, for_work=True)
    if request.method == "GET":
        case_services.case_consult(actor=actor_of(request), case=case, what="edit")
    initial = {
        "title": case.title,
        "summary": case.summary,
        "status": case.status,
        "priority": case.priority,
        "restricted": case.restricted,
    }
    form = CaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case_services.case_update(actor=actor_of(request), case=case, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Case saved."))
            return redirect(case)
    return render(request, "cases/investigations/case_form.html", {"form": form, "case": case})


@permission_required("cases.view_case", "cases.change_case")
@require_http_methods(["GET", "POST"])
def case_team_manage(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk, for_team=True)
    if request.method == "GET":
        case_services.case_consult(actor=actor_of(request), case=case, what="team")
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_services.case_member_add(
                actor=actor_of(request),
                case=case,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Team saved."))
            return redirect(reverse("investigations:case-team", kwargs={"pk": case.pk}))
    return render(
        request,
        "cases/investigations/case_team.html",
        {"case": case, "team": case_team(case=case), "form": form},
    )


@permission_required("cases.view_case", "cases.change_case")
@require_POST
def case_team_remove(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk, for_team=True)
    member = next((m for m in case_team(case=case) if m.pk == member_id), None)
    if member is None:
        raise Http404
    try:
        case_services.case_member_remove(actor=actor_of(request), case=case, member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Removed from the team."))
    return redirect(reverse("investigations:case-team", kwargs={"pk": case.pk}))
