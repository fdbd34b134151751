"""Exemptions from the training gate: the list, granting one (from the training pages
or a person's page) and ending one early. Administrators only; every change audited by
the services (portal.services.gate)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.access import permission_required
from portal.forms.training import ExemptionEndForm, ExemptionFilterForm, ExemptionForm
from portal.models import GateExemption, User
from portal.roles import role_labels
from portal.selectors import gate as selectors
from portal.selectors.training import local_today
from portal.services import gate as services

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # behind an access rule


@permission_required("portal.view_gateexemption")
@require_http_methods(["GET"])
def exemption_list(request: HttpRequest) -> HttpResponse:
    form = ExemptionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    exemptions = selectors.exemption_list_for_user(
        user=_actor(request), q=filters.get("q", ""), status=filters.get("status", "")
    )
    page = Paginator(exemptions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/training/exemption_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "today": local_today()},
    )


@permission_required("portal.view_gateexemption", "portal.add_gateexemption")
@require_http_methods(["GET", "POST"])
def exemption_create(request: HttpRequest) -> HttpResponse:
    initial = {key: request.GET[key] for key in ("person", "role") if request.GET.get(key)}
    form = ExemptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            exemption = services.exemption_grant(
                actor=_actor(request),
                person=form.cleaned_data["person"],
                role=form.cleaned_data["role"],
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _exemption_text(exemption))
            return redirect("portal:training-exemption-detail", pk=exemption.pk)
    return render(
        request,
        "portal/training/exemption_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _exemption_text(exemption: GateExemption) -> str:
    return _("%(name)s may act as %(role)s without a certificate until %(date)s.") % {
        "name": exemption.person.get_full_name() or exemption.person.username,
        "role": role_labels([exemption.role])[0],
        "date": exemption.until.isoformat(),
    }


def _detail_page(
    request: HttpRequest,
    exemption: GateExemption,
    *,
    end_form: ExemptionEndForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "portal/training/exemption_detail.html",
        {
            "exemption": exemption,
            "running": exemption.is_active_on(local_today()),
            "end_form": end_form or ExemptionEndForm(),
        },
        status=status,
    )


@permission_required("portal.view_gateexemption")
@require_http_methods(["GET"])
def exemption_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, selectors.exemption_get_for_user(user=_actor(request), pk=pk))


@permission_required("portal.view_gateexemption", "portal.change_gateexemption")
@require_POST
def exemption_end(request: HttpRequest, pk: int) -> HttpResponse:
    exemption = selectors.exemption_get_for_user(user=_actor(request), pk=pk)
    form = ExemptionEndForm(request.POST)
    if form.is_valid():
        try:
            services.exemption_end(
                actor=_actor(request), exemption=exemption, reason=form.cleaned_data["end_reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Exemption ended: the training gate applies to the person again.")
            )
            return redirect("portal:training-exemption-detail", pk=exemption.pk)
    return _detail_page(request, exemption, end_form=form, status=400)
