"""Administration of users and organisational units."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal.access import permission_required
from portal.forms.accounts import ApiTokenRevokeWithReasonForm
from portal.forms.users import (
    OrgUnitForm,
    PasswordChangeRequireForm,
    TwoFactorResetForm,
    UnlockForm,
    UserCreateForm,
    UserFilterForm,
    UserProfileForm,
)
from portal.models import User
from portal.selectors.accounts import api_token_get_for_subject, api_token_list_for_subject
from portal.selectors.gate import exemptions_of, gate_standings_shown
from portal.selectors.training import may_see_record_of, training_record_for_user
from portal.selectors.users import (
    UserFilter,
    org_unit_get_for_user,
    org_unit_list_for_user,
    org_units_named,
    user_get_for_user,
    user_list_for_user,
    user_recent_audit,
    user_sign_in_facts,
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
    org_units_named(units=[member.org_unit for member in page])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "portal/users/list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@permission_required("portal.view_user", "portal.add_user")
@never_cache
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = users.user_create_by_administrator(
                actor=_actor(request),
                username=form.cleaned_data["username"],
                roles=form.selected_roles(),
                first_sign_in=form.chosen_first_sign_in(),
                fields=form.profile_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": created.user.username})
            if created.one_time_password:
                # Shown on this response only: the password is kept nowhere in clear.
                return render(
                    request,
                    "portal/users/created.html",
                    {"subject": created.user, "one_time_password": created.one_time_password},
                )
            messages.info(
                request,
                _("An invitation link was e-mailed to %(email)s.") % {"email": created.user.email},
            )
            return redirect("portal:user-detail", pk=created.user.pk)
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
    return _user_page(request, subject, form=form)


def _user_page(
    request: HttpRequest,
    subject: User,
    *,
    form: UserProfileForm | None = None,
    reset_form: TwoFactorResetForm | None = None,
    unlock_form: UnlockForm | None = None,
    password_form: PasswordChangeRequireForm | None = None,
    token_form: ApiTokenRevokeWithReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The user page, with the form that was sent and refused (if any) drawn again with
    its errors at its field and in its summary, what was typed kept; the others fresh."""
    actor = _actor(request)
    can_edit = actor.has_perm("portal.change_user")
    tokens = list(api_token_list_for_subject(subject=subject)) if can_edit else []
    org_units_named(units=[subject.org_unit])
    refused_token = token_form.initial.get("token") if token_form is not None else None
    context = {
        "form": form or UserProfileForm(instance=subject),
        "subject": subject,
        "can_edit": can_edit,
        "reset_form": reset_form or TwoFactorResetForm(),
        "unlock_form": unlock_form or UnlockForm(),
        "password_form": password_form or PasswordChangeRequireForm(),
        "sign_in": user_sign_in_facts(user=actor, subject=subject),
        "two_factor_required": two_factor_required(subject),
        "two_factor_enrolled": confirmed_totp_device(subject) is not None,
        "audit": user_recent_audit(user=actor, subject=subject),
        "training": training_record_for_user(user=actor, subject=subject)
        if may_see_record_of(user=actor, subject=subject)
        else None,
        "gate_standings": gate_standings_shown(subject),
        "gate_exemptions": exemptions_of(user=actor, subject=subject),
        "api_tokens": [
            (
                token,
                token_form
                if token_form is not None and token.pk == refused_token
                else ApiTokenRevokeWithReasonForm(token=token),
            )
            for token in tokens
        ],
    }
    return render(request, "portal/users/detail.html", context, status=status)


@permission_required("portal.view_user", "portal.reset_two_factor")
@require_POST
def user_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    subject = user_get_for_user(user=_actor(request), pk=pk)
    form = TwoFactorResetForm(request.POST)
    if not form.is_valid():
        return _user_page(request, subject, reset_form=form, status=400)
    accounts.two_factor_reset(
        actor=_actor(request), user=subject, reason=form.cleaned_data["reason"]
    )
    messages.success(
        request, _("Two-factor device removed: the user enrols again at the next sign-in.")
    )
    return redirect("portal:user-detail", pk=subject.pk)


@permission_required("portal.view_user", "portal.change_user")
@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    subject = user_get_for_user(user=_actor(request), pk=pk)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        return _user_page(request, subject, unlock_form=form, status=400)
    users.user_unlock(actor=_actor(request), user=subject, reason=form.cleaned_data["reason"])
    messages.success(request, _("Sign-in lockout lifted."))
    return redirect("portal:user-detail", pk=subject.pk)


@permission_required("portal.view_user", "portal.change_user")
@require_POST
def user_password_change_require(request: HttpRequest, pk: int) -> HttpResponse:
    subject = user_get_for_user(user=_actor(request), pk=pk)
    form = PasswordChangeRequireForm(request.POST)
    if not form.is_valid():
        return _user_page(request, subject, password_form=form, status=400)
    try:
        users.user_password_change_require(
            actor=_actor(request), user=subject, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        # Said at the top: the page draws no password form for a person without one.
        for message in error.messages:
            messages.error(request, message)
        return _user_page(request, subject, status=400)
    messages.success(
        request,
        _("%(name)s must choose a new password at the next sign-in.") % {"name": subject.username},
    )
    return redirect("portal:user-detail", pk=subject.pk)


@permission_required("portal.view_user", "portal.change_user")
@require_POST
def user_invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    subject = user_get_for_user(user=_actor(request), pk=pk)
    try:
        users.user_invitation_resend(actor=_actor(request), user=subject)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _user_page(request, subject, status=400)
    messages.success(
        request,
        _("A new invitation link was e-mailed to %(email)s; earlier links no longer work.")
        % {"email": subject.email},
    )
    return redirect("portal:user-detail", pk=subject.pk)


@permission_required("portal.view_user", "portal.change_user")
@require_POST
def user_api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    subject = user_get_for_user(user=_actor(request), pk=pk)
    # The token first (404 for anyone else's), so that a refused form is drawn again
    # under its own token. No token at all is no form of the page: said at the top.
    posted = request.POST.get("token", "").strip()
    if not posted.isdigit():
        messages.error(request, _("Choose a token to revoke."))
        return _user_page(request, subject, status=400)
    token = api_token_get_for_subject(subject=subject, pk=posted)
    form = ApiTokenRevokeWithReasonForm(request.POST, token=token)
    if not form.is_valid():
        return _user_page(request, subject, token_form=form, status=400)
    accounts.api_token_revoke(
        actor=_actor(request), token=token, reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("Token of %(client)s revoked.") % {"client": token.name})
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
        try:
            users.org_unit_create(
                actor=_actor(request), code=form.cleaned_data["code"], fields=form.unit_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
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
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("portal:unit-list")
    return render(request, "portal/units/form.html", {"form": form, "unit": unit})
