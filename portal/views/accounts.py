"""Sign in (password, then one-time code where the role needs it), sign out, password."""

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from portal.access import login_only, public
from portal.forms.accounts import ApiTokenRevokeForm, OneTimeCodeForm
from portal.models import User
from portal.selectors.accounts import api_token_get_for_subject, api_token_list_for_subject
from portal.services import accounts
from portal.services.invitations import InvitationProblem, InvitationRefusedError, invitation_check
from portal.services.invitations import invitation_accept as invitation_accept_service
from portal.two_factor import confirmed_totp_device, session_verified, totp_verify


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@public
@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            accounts.account_login(request=request, user=form.get_user())
            return redirect(_next_url(request))
        accounts.account_login_failed(username=request.POST.get("username", ""))
    return render(request, "registration/login.html", {"form": form, "next": _next_url(request)})


@public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    accounts.account_logout(request=request)
    messages.info(request, _("You have signed out."))
    return redirect("portal:login")


@login_only
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_only: signed in
    if confirmed_totp_device(user) is None:
        return redirect("portal:two-factor-setup")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = totp_verify(user, form.cleaned_data["code"])
        if device is not None:
            accounts.two_factor_session_verify(request=request, user=user, device=device)
            return redirect(_next_url(request))
        form.add_error("code", _("That code is not valid. Wait for a new code and try again."))
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@login_only
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_only: signed in
    if confirmed_totp_device(user) is not None and not session_verified(user):
        return redirect("portal:two-factor-verify")
    device = accounts.two_factor_device_start(user=user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if accounts.two_factor_device_confirm(
            request=request, user=user, device=device, token=form.cleaned_data["code"]
        ):
            messages.success(request, _("Two-factor sign-in is now set up for your account."))
            return redirect(_next_url(request))
        form.add_error(
            "code", _("That code is not valid. Check the clock of your phone and try again.")
        )
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#0b2545")
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "config_url": device.config_url,
            "next": _next_url(request),
        },
    )


INVITATION_PROBLEMS = {
    InvitationProblem.UNKNOWN: _lazy(
        "This invitation link is not valid. Check that you opened the whole link from the "
        "e-mail, or ask your administrator for a new one."
    ),
    InvitationProblem.USED: _lazy(
        "This invitation link has been used already: sign in with the password you chose."
    ),
    InvitationProblem.EXPIRED: _lazy(
        "This invitation link has expired. Ask your administrator for a new one."
    ),
    InvitationProblem.WITHDRAWN: _lazy(
        "A newer invitation was sent to you: use the link in the latest e-mail."
    ),
    InvitationProblem.INACTIVE: _lazy("This account is deactivated."),
}


@public
@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, key: str) -> HttpResponse:
    """A new person sets their first password on the link e-mailed to them, then signs
    in (and sets up two-factor sign-in where their role needs it)."""
    try:
        invitation = invitation_check(key=key)
    except InvitationRefusedError as refused:
        return render(
            request,
            "registration/invitation.html",
            {"problem": INVITATION_PROBLEMS[refused.problem]},
            status=410 if refused.problem != InvitationProblem.UNKNOWN else 404,
        )
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept_service(key=key, password=form.cleaned_data["new_password1"])
        except InvitationRefusedError as refused:
            return render(
                request,
                "registration/invitation.html",
                {"problem": INVITATION_PROBLEMS[refused.problem]},
                status=410,
            )
        messages.success(
            request,
            _("Your password is set. Sign in as %(username)s.") % {"username": user.username},
        )
        return redirect("portal:login")
    return render(
        request, "registration/invitation.html", {"form": form, "subject": invitation.user}
    )


@login_only
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_only: signed in
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        accounts.password_changed(user=user)
        messages.success(request, _("Your password has been changed."))
        return redirect(_next_url(request))
    return render(
        request,
        "registration/password_change.html",
        {
            "form": form,
            "next": _next_url(request),
            "required": user.password_change_required,
        },
    )


@login_only
@require_http_methods(["GET"])
def api_token_list(request: HttpRequest) -> HttpResponse:
    """The signed-in person's API tokens, one per client, each revocable."""
    user: User = request.user  # type: ignore[assignment]  # login_only: signed in
    return render(
        request,
        "portal/accounts/api_tokens.html",
        {"tokens": api_token_list_for_subject(subject=user)},
    )


@login_only
@require_POST
def api_token_revoke(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_only: signed in
    form = ApiTokenRevokeForm(request.POST)
    if form.is_valid():
        token = api_token_get_for_subject(subject=user, pk=form.cleaned_data["token"])
        accounts.api_token_revoke(actor=user, token=token)
        messages.success(request, _("Token of %(client)s revoked.") % {"client": token.name})
    else:
        messages.error(request, _("Choose a token to revoke."))
    return redirect("portal:api-token-list")
