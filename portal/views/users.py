"""Administration of users and organisational units."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.access import permission_required
from portal.forms.accounts import ApiTokenRevokeWithReasonForm
from portal.forms.users import (
    OrgUnitForm,
    ReasonForm,
    UserCreateForm,
    UserFilterForm,
    UserProfileForm,
)
from portal.models import User
from portal.selectors.accounts import api_token_get_for_subject, api_token_list_for_subject
from portal.selectors.users import (
    UserFilter,
    org_unit_get_for_user,
    org_unit_list_for_user,
    user_get_for_user,
    user_list_for_user,
    user_recent_audit,
)
from portal.services import accounts, users
from portal.two_factor import confirmed_totp_device, two_factor_required


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # behind permission_required


@permission_required("portal.view_user")
@require_http_methods(["GET"])
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    filters = (
        UserFilter(**{k: v for k, v in form.cleaned_data.items() if v})
        if form.is_valid()
        else UserFilter()
    )
    page = Paginator(user_list_for_user(user=_actor(request), filters=filters), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "portal/users/list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@permission_required("portal.view_user", "portal.add_user")
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = form.profile_fields()
        fields.pop("is_active")
        try:
            created = accounts.user_create(
                actor=_actor(request),
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                roles=form.selected_roles(),
                **fields,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": created.username})
            return redirect("portal:user-detail", pk=created.pk)
    return render(request, "portal/users/form.html", {"form": form, "subject": None})


@permission_required("portal.view_user")
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    subject = user_get_for_user(user=actor, pk=pk)
    can_edit = actor.has_perm("portal.change_user")
    form = UserProfileForm(request.POST or None, instance=subject)
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                users.user_update(
                    actor=actor,
                    user=subject,
                    fields=form.profile_fields(),
                    roles=form.selected_roles(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            except ValueError as error:
                form.add_error("is_active", str(error))
            else:
                messages.success(request, _("Changes saved."))
                return redirect("portal:user-detail", pk=subject.pk)
    context = {
        "form": form,
        "subject": subject,
        "can_edit": can_edit,
        "reason_form": ReasonForm(),
        "two_factor_required": two_factor_required(subject),
        "two_factor_enrolled": confirmed_totp_device(subject) is not None,
        "audit": user_recent_audit(user=actor, subject=subject),
        "api_tokens": api_token_list_for_subject(subject=subject) if can_edit else [],
    }
    return render(request, "portal/users/detail.html", context)


@permission_required("portal.view_user", "portal.reset_two_factor")
@require_POST
def user_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    subject = user_get_for_user(user=_actor(request), pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        accounts.two_factor_reset(
            actor=_actor(request), user=subject, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request, _("Two-factor device removed: the user enrols again at the next sign-in.")
        )
    else:
        messages.error(request, _("Give a reason for the reset."))
    return redirect("portal:user-detail", pk=subject.pk)


@permission_required("portal.view_user", "portal.change_user")
@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    subject = user_get_for_user(user=_actor(request), pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        users.user_unlock(actor=_actor(request), user=subject, reason=form.cleaned_data["reason"])
        messages.success(request, _("Sign-in lockout lifted."))
    else:
        messages.error(request, _("Give a reason for lifting the lockout."))
    return redirect("portal:user-detail", pk=subject.pk)


@permission_required("portal.view_user", "portal.change_user")
@require_POST
def user_api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    subject = user_get_for_user(user=_actor(request), pk=pk)
    form = ApiTokenRevokeWithReasonForm(request.POST)
    if form.is_valid():
        token = api_token_get_for_subject(subject=subject, pk=form.cleaned_data["token"])
        accounts.api_token_revoke(
            actor=_actor(request), token=token, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Token of %(client)s revoked.") % {"client": token.name})
    else:
        messages.error(request, _("Give a reason for revoking the token."))
    return redirect("portal:user-detail", pk=subject.pk)


@permission_required("portal.view_orgunit")
@require_http_methods(["GET"])
def org_unit_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/units/list.html", {"units": org_unit_list_for_user(user=_actor(request))}
    )


@permission_required("portal.view_orgunit", "portal.add_orgunit")
@require_http_methods(["GET", "POST"])
def org_unit_create(request: HttpRequest) -> HttpResponse:
    form = OrgUnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        users.org_unit_create(
            actor=_actor(request), code=form.cleaned_data["code"], fields=form.unit_fields()
        )
        messages.success(request, _("Unit created."))
        return redirect("portal:unit-list")
    return render(request, "portal/units/form.html", {"form": form, "unit": None})


@permission_required("portal.view_orgunit", "portal.change_orgunit")
@require_http_methods(["GET", "POST"])
def org_unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = org_unit_get_for_user(user=_actor(request), pk=pk)
    form = OrgUnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            users.org_unit_update(actor=_actor(request), unit=unit, fields=form.unit_fields())
        except ValueError as error:
            form.add_error("parent", str(error))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("portal:unit-list")
    return render(request, "portal/units/form.html", {"form": form, "unit": unit})
