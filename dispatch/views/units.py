"""Mobile units: the list, one unit's page (members, home base, devices, tasks, shifts),
creating and editing a unit, out of service and back, registering and revoking devices.
Thin: an accessor or selector, a form, one service, a render or a redirect."""

from datetime import UTC, datetime, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dispatch.forms.common import add_service_errors
from dispatch.forms.units import DeviceRegisterForm, UnitFilterForm, UnitForm, UnitStatusForm
from dispatch.models import MobileUnit, UnitStatus
from dispatch.selectors.units import (
    unit_device_get,
    unit_get_for_user,
    unit_list_for_user,
    unit_page_for_user,
)
from dispatch.services.units import (
    unit_back_in_service,
    unit_create,
    unit_device_add,
    unit_device_revoke,
    unit_out_of_service,
    unit_update,
)
from portal.access import permission_required
from portal.models import User

UNITS_PER_PAGE = 50
# A report or a device seen within this is "just now" rather than "0 minutes ago".
JUST_NOW = timedelta(minutes=1)
VIEW = "dispatch.view_mobileunit"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # behind permission_required


def _flash_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@permission_required(VIEW)
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    form = UnitFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    units = unit_list_for_user(
        user=_user(request), status=data.get("status") or "", text=data.get("q") or ""
    )
    page = Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dispatch/unit_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            # The shift column for those who see shifts (an officer: only their own
            # unit's, ``shift_visible``); the last report like the unit page's map marker.
            "can_see_shifts": request.user.has_perm("dispatch.view_shift"),
            "can_see_positions": request.user.has_perm("dispatch.view_positionreport"),
            "can_see_devices": request.user.has_perm("dispatch.change_unitdevice"),
            "just_now": timezone.now() - JUST_NOW,
        },
    )


def _curl_example(request: HttpRequest, token: str) -> str:
    url = request.build_absolute_uri(reverse("api:position-ingest"))
    moment = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return (
        f"curl -X POST '{url}' \\\n"
        f"  -H 'Authorization: Device {token}' \\\n"
        "  -H 'Content-Type: application/json' \\\n"
        f"""  -d '{{"reports": [{{"device_time": "{moment}", """
        """"latitude": 54.6872, "longitude": 25.2797, "accuracy_m": 8}]}'"""
    )


def _detail_page(
    request: HttpRequest, unit: MobileUnit, new_token: dict[str, str] | None = None
) -> HttpResponse:
    response = render(
        request,
        "dispatch/unit_detail.html",
        {
            "unit": unit,
            "page": unit_page_for_user(user=_user(request), unit=unit),
            "new_token": new_token,
            "status_form": UnitStatusForm(),
            "device_form": DeviceRegisterForm(),
            "statuses": UnitStatus,
            "just_now": timezone.now() - JUST_NOW,
        },
    )
    if new_token is not None:
        # The token is in this one response only: no cache keeps a copy of it.
        response["Cache-Control"] = "no-store"
    return response


@permission_required(VIEW)
@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, unit_get_for_user(user=_user(request), pk=pk))


def _form_page(request: HttpRequest, form: UnitForm, unit: MobileUnit | None) -> HttpResponse:
    return render(request, "dispatch/unit_form.html", {"form": form, "unit": unit})


@permission_required(VIEW, "dispatch.add_mobileunit")
@require_http_methods(["GET", "POST"])
def unit_create_view(request: HttpRequest) -> HttpResponse:
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = unit_create(actor=_user(request), data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error, UnitForm.SERVICE_FIELDS)
        else:
            messages.success(
                request, _("Mobile unit %(call_sign)s created.") % {"call_sign": unit.call_sign}
            )
            return redirect("dispatch:unit-detail", pk=unit.pk)
    return _form_page(request, form, None)


@permission_required(VIEW, "dispatch.change_mobileunit")
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_get_for_user(user=_user(request), pk=pk)
    form = UnitForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            unit = unit_update(actor=_user(request), unit=unit, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error, UnitForm.SERVICE_FIELDS)
        else:
            messages.success(
                request, _("Mobile unit %(call_sign)s saved.") % {"call_sign": unit.call_sign}
            )
            return redirect("dispatch:unit-detail", pk=unit.pk)
    return _form_page(request, form, unit)


@permission_required(VIEW, "dispatch.change_mobileunit")
@require_POST
def unit_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_get_for_user(user=_user(request), pk=pk)
    form = UnitStatusForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
        return redirect("dispatch:unit-detail", pk=unit.pk)
    service = (
        unit_out_of_service
        if form.cleaned_data["action"] == UnitStatusForm.OUT
        else unit_back_in_service
    )
    try:
        unit = service(actor=_user(request), unit=unit, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(
            request,
            _("%(call_sign)s is now %(status)s.")
            % {"call_sign": unit.call_sign, "status": unit.get_status_display().lower()},
        )
    return redirect("dispatch:unit-detail", pk=unit.pk)


@permission_required(VIEW, "dispatch.add_unitdevice")
@require_POST
def unit_device_register_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_get_for_user(user=_user(request), pk=pk)
    form = DeviceRegisterForm(request.POST)
    if not form.is_valid():
        for message in form.errors.get("name", []):
            messages.error(request, str(message))
        return redirect(f"{reverse('dispatch:unit-detail', kwargs={'pk': unit.pk})}#devices")
    try:
        device, token = unit_device_add(
            actor=_user(request), unit=unit, name=form.cleaned_data["name"]
        )
    except ValidationError as error:
        _flash_errors(request, error)
        return redirect(f"{reverse('dispatch:unit-detail', kwargs={'pk': unit.pk})}#devices")
    messages.success(
        request,
        _("Device “%(name)s” registered for %(call_sign)s.")
        % {"name": device.name, "call_sign": unit.call_sign},
    )
    # The unit's page with the token, as the answer to this POST itself: the token is
    # kept nowhere on the server (not even in the session until the next page), and
    # neither reloading nor visiting the unit's page shows it again.
    return _detail_page(
        request,
        unit,
        new_token={"name": device.name, "token": token, "curl": _curl_example(request, token)},
    )


@permission_required(VIEW, "dispatch.change_unitdevice")
@require_POST
def unit_device_revoke_view(request: HttpRequest, pk: int, device_id: int) -> HttpResponse:
    unit = unit_get_for_user(user=_user(request), pk=pk)
    device = unit_device_get(unit=unit, device_id=device_id)
    try:
        device = unit_device_revoke(actor=_user(request), device=device)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(
            request,
            _("Device “%(name)s” revoked: its token is refused from now on.")
            % {"name": device.name},
        )
    return redirect(f"{reverse('dispatch:unit-detail', kwargs={'pk': unit.pk})}#devices")
