"""Vehicles, people and companies of a violation, from the shared entity registry."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.forms.entities import CompanyForm, PersonForm, VehicleForm
from cases.models import EntityKind
from cases.selectors.entities import involvement_get
from cases.selectors.violations import violation_get_for_user
from cases.services import entities as entity_services
from cases.views.common import actor_of, add_service_errors
from cases.views.violations import after_page_form
from portal.access import permission_required


def _registry_entity_add(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[Any],
    kind: str,
    prefix: str,
    identifiers: tuple[str, ...],
    properties: tuple[str, ...],
    success: str,
) -> HttpResponse:
    """A vehicle or company met at the violation: the small form, then one service."""
    violation = violation_get_for_user(user=actor_of(request), pk=pk, for_edit=True)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entity_services.violation_entity_add(
                actor=actor_of(request),
                violation=violation,
                kind=kind,
                values={key: data[key] for key in identifiers},
                properties={key: data[key] for key in properties},
                role=data["role"],
                client_key=data["client_key"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
    return after_page_form(
        request, violation, form=form, name=f"{prefix}_form", success=success, anchor="people"
    )


@permission_required("cases.view_violation", "cases.change_violation", "cases.add_entity")
@require_POST
def vehicle_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _registry_entity_add(
        request,
        pk,
        form_class=VehicleForm,
        kind=EntityKind.VEHICLE,
        prefix="vehicle",
        identifiers=("plate", "plate_country", "vin"),
        properties=("make_model", "vin", "plate"),
        success=_("Vehicle added."),
    )


@permission_required("cases.view_violation", "cases.change_violation", "cases.add_entity")
@require_POST
def person_add(request: HttpRequest, pk: int) -> HttpResponse:
    violation = violation_get_for_user(user=actor_of(request), pk=pk, for_edit=True)
    form = PersonForm(request.POST, prefix="person")
    if form.is_valid():
        data = form.cleaned_data
        document = (
            {
                "number": data["document_number"],
                "document_type": data["document_type"] or "other",
                "country": data["document_country"],
            }
            if data.get("document_number") or data.get("document_type")
            else None
        )
        try:
            entity_services.violation_person_add(
                actor=actor_of(request),
                violation=violation,
                names={"first_name": data["first_name"], "last_name": data["last_name"]},
                properties=entity_services.person_properties(
                    birth_date=data["birth_date"], nationality=data["nationality"]
                ),
                document=document,
                role=data["role"],
                client_key=data["client_key"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
    return after_page_form(
        request,
        violation,
        form=form,
        name="person_form",
        success=_("Person added."),
        anchor="people",
    )


@permission_required("cases.view_violation", "cases.change_violation")
@require_POST
def involvement_remove(request: HttpRequest, pk: int, involvement_id: int) -> HttpResponse:
    violation = violation_get_for_user(user=actor_of(request), pk=pk, for_edit=True)
    involvement = involvement_get(violation=violation, pk=involvement_id)
    entity_services.violation_entity_unlink(actor=actor_of(request), involvement=involvement)
    messages.success(request, _("Removed from this violation."))
    return redirect(f"{violation.get_absolute_url()}#people")


@permission_required("cases.view_violation", "cases.change_violation", "cases.add_entity")
@require_POST
def company_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _registry_entity_add(
        request,
        pk,
        form_class=CompanyForm,
        kind=EntityKind.COMPANY,
        prefix="company",
        identifiers=("name", "registration_code", "country"),
        properties=("registration_code", "country"),
        success=_("Company added."),
    )
