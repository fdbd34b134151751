"""HTML pages of violations: thin, through cases.selectors and cases.services."""

import re
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.forms.entities import CompanyForm, PersonForm, VehicleForm
from cases.forms.evidence import EvidenceForm
from cases.forms.goods import GoodsLineForm
from cases.forms.violations import (
    ViolationFilterForm,
    ViolationForm,
    category_error_entries,
    category_field_groups,
)
from cases.models import (
    LocationSource,
    Violation,
    ViolationStatus,
)
from cases.selectors.violations import (
    REVIEW_SORTS,
    ViolationFilter,
    violation_can_edit,
    violation_get_for_user,
    violation_history,
    violation_list_for_user,
    violation_may_verify,
    violation_possible_duplicates,
    violation_review_queue_for_user,
)
from cases.services import violations as violation_services
from cases.services.exchange import violation_exchangeable
from cases.services.violations import ORIGIN_PATTERN
from cases.views.common import actor_of, add_service_errors
from portal.access import permission_required
from portal.models import AuditAction
from portal.pagination import CappedCountPaginator
from portal.services.audit import audit_record


@permission_required("cases.view_violation")
@require_GET
def violation_list(request: HttpRequest) -> HttpResponse:
    form = ViolationFilterForm(request.GET or None)
    violations = violation_list_for_user(user=actor_of(request), filters=ViolationFilter())
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            filters = form.to_filter()
            violations = violation_list_for_user(
                user=actor_of(request), filters=filters, sort=data.get("sort") or "newest"
            )
        else:
            violations = violations.none()
    # Counting a filtered million rows costs more than the page: count up to 10,000.
    page = CappedCountPaginator(violations, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/violation_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def review_sort_labels() -> list[tuple[str, str]]:
    """The orders of the review queue, as the page's sort links name them."""
    return [
        ("oldest", _("Waiting longest")),
        ("value", _("Highest value")),
        ("goods", _("Most goods lines")),
        ("evidence", _("Most evidence")),
        ("duplicates", _("Possible duplicates")),
        ("edits", _("Edited in review")),
    ]


@permission_required("cases.view_violation", "cases.verify_violation")
@require_GET
def violation_review(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "oldest")
    if sort not in REVIEW_SORTS:
        sort = "oldest"
    page = CappedCountPaginator(
        violation_review_queue_for_user(user=actor_of(request), sort=sort), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/violation_review.html",
        {
            "page": page,
            "query": f"sort={sort}" if sort != "oldest" else "",
            "sort": sort,
            "sorts": review_sort_labels(),
        },
    )


def _form_context(
    form: ViolationForm,
    errors: dict[str, str] | None = None,
    saved: tuple[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The form and its category groups: the category chosen in the posted form, or the
    saved one (``saved``: code and details of the violation being edited), or none."""
    if form.is_bound:
        selected = str(form.data.get("category") or "")
        values = {category.code: form.detail_values(category) for category in form.categories}
    elif saved is not None:
        selected, values = saved[0], {saved[0]: saved[1]}
    else:
        selected, values = "", {}
    groups = category_field_groups(form.categories, values, selected, errors or {})
    return {
        "form": form,
        "category_groups": groups,
        "summary_extra": category_error_entries(groups),
    }


@permission_required("cases.view_violation", "cases.add_violation")
@require_http_methods(["GET", "POST"])
def violation_create(request: HttpRequest) -> HttpResponse:
    form = ViolationForm(request.POST or None, initial=_create_prefill(request))
    detail_errors: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            violation, _created = violation_services.violation_create(
                actor=actor_of(request),
                data=form.to_input(),
                client_key=form.cleaned_data.get("client_key"),
            )
        except ValidationError as error:
            detail_errors = {
                k: v[0] for k, v in error.message_dict.items() if k.startswith("details.")
            }
            add_service_errors(
                form,
                ValidationError(
                    {k: v for k, v in error.message_dict.items() if k not in detail_errors}
                ),
            )
        else:
            messages.success(
                request,
                _("Draft %(reference)s saved. Add goods, people, vehicles and photos, then submit.")
                % {"reference": violation.reference},
            )
            return redirect("cases:violation-detail", pk=violation.pk)
    return render(
        request,
        "cases/violation_form.html",
        {**_form_context(form, detail_errors), "violation": None, "back_url": _back_url(request)},
    )


def _create_prefill(request: HttpRequest) -> dict[str, Any]:
    """A new violation offered from another page: ?lat=..&lon=..&origin=app.thing:id
    (e.g. from a dispatch task, at its place). Values that do not fit are left out: it is
    an offer, the officer still checks the form."""
    initial: dict[str, Any] = {}
    try:
        latitude, longitude = float(request.GET["lat"]), float(request.GET["lon"])
    except (KeyError, ValueError):
        pass
    else:
        if -90 <= latitude <= 90 and -180 <= longitude <= 180:
            initial.update(
                latitude=round(latitude, 6),
                longitude=round(longitude, 6),
                location_source=LocationSource.MAP,
            )
    origin = request.GET.get("origin", "")
    if re.fullmatch(ORIGIN_PATTERN, origin):
        initial["origin"] = origin
    return initial


def _back_url(request: HttpRequest) -> str:
    """?back=/path on this site: the page the form was opened from, linked at the top."""
    back = request.GET.get("back", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return ""


def _exif_location_offer(request: HttpRequest) -> dict[str, Any]:
    """The photo position offered on the violation page (?lat=..&lon=..&source=exif)."""
    try:
        latitude, longitude = float(request.GET["lat"]), float(request.GET["lon"])
    except (KeyError, ValueError):
        return {}
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return {}
    return {"latitude": latitude, "longitude": longitude, "location_source": "exif"}


@permission_required("cases.view_violation", "cases.change_violation")
@require_http_methods(["GET", "POST"])
def violation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    violation = violation_get_for_user(user=actor_of(request), pk=pk, for_edit=True)
    initial = {
        "category": violation.category,
        "occurred_at": violation.occurred_at,
        "latitude": violation.location.y if violation.location else None,
        "longitude": violation.location.x if violation.location else None,
        "location_source": violation.location_source,
        "location_accuracy_m": violation.location_accuracy_m,
        "place_description": violation.place_description,
        "narrative": violation.narrative,
        "outside_area_confirmed": violation.outside_area_confirmed,
        "details": violation.details,
    }
    initial.update(_exif_location_offer(request))
    form = ViolationForm(request.POST or None, initial=initial)
    detail_errors: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            violation_services.violation_update(
                actor=actor_of(request),
                violation=violation,
                data=form.to_input(),
                client_key=form.cleaned_data.get("client_key"),
            )
        except ValidationError as error:
            detail_errors = {
                k: v[0] for k, v in error.message_dict.items() if k.startswith("details.")
            }
            add_service_errors(
                form,
                ValidationError(
                    {k: v for k, v in error.message_dict.items() if k not in detail_errors}
                ),
            )
        else:
            messages.success(request, _("Changes saved."))
            return redirect("cases:violation-detail", pk=violation.pk)
    context = _form_context(form, detail_errors, saved=(violation.category.code, violation.details))
    return render(request, "cases/violation_form.html", {**context, "violation": violation})


@permission_required("cases.view_violation")
@require_GET
def violation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    violation = violation_get_for_user(user=user, pk=pk)
    audit_record(actor=user, action=AuditAction.VIEW, obj=violation)
    return violation_page(request, violation)


# The small forms of the violation page, by the name the template knows them by.
PAGE_FORMS: dict[str, Callable[[], Any]] = {
    "goods_form": GoodsLineForm,
    "vehicle_form": lambda: VehicleForm(prefix="vehicle"),
    "person_form": lambda: PersonForm(prefix="person"),
    "company_form": lambda: CompanyForm(prefix="company"),
    "evidence_form": EvidenceForm,
}


def violation_page(
    request: HttpRequest,
    violation: Violation,
    *,
    refused: dict[str, Any] | None = None,
    submit_errors: list[str] | None = None,
) -> HttpResponse:
    """The violation page. With ``refused`` (a small form the server turned down, by its
    name in PAGE_FORMS) or ``submit_errors``, the page is shown again with status 400:
    what was typed stays in the form, each message at its field (the form opens and the
    browser is taken to it by the action's #fragment), nothing is lost."""
    user = actor_of(request)
    goods = list(violation.goods.select_related("hs_code"))
    involvements = list(violation.involvements.select_related("entity").order_by("id"))
    evidence = list(violation.evidence.all())
    can_edit = violation_can_edit(user=user, violation=violation)
    forms = {name: make() for name, make in PAGE_FORMS.items()}
    forms.update(refused or {})
    context = {
        "violation": violation,
        "step_pk": violation.pk,
        "goods": goods,
        "involvements": involvements,
        "evidence": evidence,
        "history": violation_history(violation=violation),
        "can_edit": can_edit,
        "can_submit": can_edit and violation.status == ViolationStatus.DRAFT,
        "submit_problems": violation_services.violation_submit_problems(violation)
        if violation.status == ViolationStatus.DRAFT
        else {},
        "submit_errors": submit_errors or [],
        "submit_key": request.POST.get("client_key", "") if submit_errors else uuid.uuid4(),
        "duplicates": violation_possible_duplicates(user=user, violation=violation)
        if violation.status in (ViolationStatus.DRAFT, ViolationStatus.SUBMITTED)
        else None,
        "can_verify": violation_may_verify(user=user, violation=violation),
        "can_exchange": user.has_perm("cases.export_violation")
        and violation_exchangeable(violation),
        **forms,
        "refused": next(iter(refused or {}), ""),
        "exif_suggestion": next((e for e in evidence if e.exif_location is not None), None)
        if violation.location is None
        else None,
    }
    status = 400 if refused or submit_errors else 200
    return render(request, "cases/violation_detail.html", context, status=status)


@permission_required("cases.view_violation", "cases.change_violation")
@require_POST
def violation_submit(request: HttpRequest, pk: int) -> HttpResponse:
    violation = violation_get_for_user(user=actor_of(request), pk=pk, for_edit=True)
    try:
        violation_services.violation_submit(
            actor=actor_of(request),
            violation=violation,
            client_key=_client_key(request),
        )
    except ValidationError as error:
        return violation_page(request, violation, submit_errors=error.messages)
    messages.success(
        request,
        _("%(reference)s submitted for verification.") % {"reference": violation.reference},
    )
    return redirect("cases:violation-detail", pk=violation.pk)


def after_page_form(
    request: HttpRequest, violation: Violation, *, form: Any, name: str, success: str, anchor: str
) -> HttpResponse:
    """After a small form of the violation page: back to its section with the success,
    or the page again (400) with the form as typed and its errors at the fields."""
    if form.errors:
        return violation_page(request, violation, refused={name: form})
    messages.success(request, success)
    return redirect(f"{violation.get_absolute_url()}#{anchor}")


def _client_key(request: HttpRequest) -> uuid.UUID | None:
    """The device's key of a write posted without a form class (Submit); a key that is
    no UUID is no key."""
    try:
        return uuid.UUID(request.POST.get("client_key", ""))
    except ValueError:
        return None


@permission_required("cases.view_violation", "cases.verify_violation")
@require_POST
def violation_verify(request: HttpRequest, pk: int) -> HttpResponse:
    violation = violation_get_for_user(user=actor_of(request), pk=pk)
    try:
        violation_services.violation_verify(actor=actor_of(request), violation=violation)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(reference)s verified.") % {"reference": violation.reference})
    return redirect("cases:violation-detail", pk=violation.pk)
