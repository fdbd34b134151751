"""Linking violations and entities to a case, from its page. The entity search tells,
without detail, where a match sits in a restricted case the user may not open."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.forms.investigations import EntityLinkForm, EntitySearchForm, ViolationLinkForm
from cases.models import CaseEntity, CaseViolation
from cases.selectors.case_content import case_link_get
from cases.selectors.entities import (
    entity_get_for_user,
    entity_list_for_user,
    restricted_case_matches_for_query,
)
from cases.selectors.investigations import case_get_for_user
from cases.selectors.violations import violation_scope_for_user
from cases.services import investigations as case_services
from cases.views.common import actor_of, add_service_errors
from cases.views.investigations import case_page_context
from portal.access import permission_required
from portal.models import AuditAction
from portal.services.audit import audit_record


def _back(case_pk: int, anchor: str) -> HttpResponse:
    from django.urls import reverse

    return redirect(f"{reverse('investigations:case-detail', kwargs={'pk': case_pk})}#{anchor}")


@permission_required("cases.view_case", "cases.change_case", "cases.view_violation")
@require_POST
def case_violation_link(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    case = case_get_for_user(user=user, pk=pk, for_work=True)
    form = ViolationLinkForm(request.POST)
    if form.is_valid():
        reference = form.cleaned_data["reference"].strip().upper()
        violation = violation_scope_for_user(user=user).filter(reference=reference).first()
        if violation is None:
            form.add_error("reference", _("There is no violation %(ref)s.") % {"ref": reference})
        else:
            try:
                case_services.case_violation_link(
                    actor=user, case=case, violation=violation, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Violation linked."))
                return _back(case.pk, "violations")
    return render(
        request,
        "cases/investigations/case_detail.html",
        case_page_context(request, case, violation_form=form),
        status=400,
    )


@permission_required("cases.view_case", "cases.change_case")
@require_POST
def case_violation_unlink(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk, for_work=True)
    link = case_link_get(case=case, model=CaseViolation, pk=link_id)
    case_services.case_violation_unlink(actor=actor_of(request), link=link)
    messages.success(request, _("Violation unlinked."))
    return _back(case.pk, "violations")


@permission_required("cases.view_case", "cases.change_case", "cases.view_entity")
@require_http_methods(["GET", "POST"])
def case_entity_link(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: search the registry (within reach), with the restricted-case message; POST:
    link the chosen entity with the reason."""
    user = actor_of(request)
    case = case_get_for_user(user=user, pk=pk, for_work=True)
    search = EntitySearchForm(request.GET or None)
    link_form = EntityLinkForm(request.POST or None)
    results: list = []
    restricted_leads: list[str] = []
    status = 200
    if request.method == "POST":
        if link_form.is_valid():
            try:
                entity = entity_get_for_user(user=user, pk=link_form.cleaned_data["entity"])
            except Http404:
                link_form.add_error(None, _("This entity is not in the registry."))
            else:
                try:
                    case_services.case_entity_link(
                        actor=user,
                        case=case,
                        entity=entity,
                        reason=link_form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    add_service_errors(link_form, error)
                else:
                    messages.success(request, _("%(name)s linked.") % {"name": entity.label})
                    return _back(case.pk, "entities")
        status = 400
    elif search.is_valid():
        query = search.cleaned_data["q"]
        results = list(entity_list_for_user(user=user, query=query))
        restricted_leads = restricted_case_matches_for_query(user=user, query=query)
        audit_record(
            actor=user,
            action=AuditAction.SEARCH,
            obj=case,
            changes={"entity_search": query, "found": len(results)},
        )
    linked = set(case.entity_links.values_list("entity_id", flat=True))
    return render(
        request,
        "cases/investigations/case_entity_link.html",
        {
            "case": case,
            "search": search,
            "link_form": link_form,
            "results": results,
            "linked": linked,
            "restricted_leads": restricted_leads,
        },
        status=status,
    )


@permission_required("cases.view_case", "cases.change_case")
@require_POST
def case_entity_unlink(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    case = case_get_for_user(user=actor_of(request), pk=pk, for_work=True)
    link = case_link_get(case=case, model=CaseEntity, pk=link_id)
    case_services.case_entity_unlink(actor=actor_of(request), link=link)
    messages.success(request, _("Entity unlinked."))
    return _back(case.pk, "entities")
