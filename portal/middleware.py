"""Request middleware: audit context, idle session expiry, two-factor enforcement,
the Permissions-Policy header."""

import time
import uuid
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages.storage import default_storage
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.api.errors import payload_too_large_response
from portal.lib.text import querydict_clean
from portal.request_context import RequestContext, current_request_context
from portal.two_factor import confirmed_totp_device, session_verified, two_factor_required

Handler = Callable[[HttpRequest], HttpResponse]
LAST_ACTIVITY_KEY = "portal_last_activity"
LAST_ACTIVITY_RESOLUTION_SECONDS = 60


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for the audit trail. A header set by our own reverse proxy
    (CLIENT_IP_HEADER, e.g. HTTP_X_REAL_IP) is read only when configured: without a
    proxy that overwrites it, any client could write its own address into the trail."""
    header = settings.CLIENT_IP_HEADER
    forwarded = request.META.get(header, "").strip() if header else ""
    return forwarded or request.META.get("REMOTE_ADDR") or None


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class RequestContextMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = RequestContext(
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            request_id=request.META.get("HTTP_X_REQUEST_ID", "")[:40] or uuid.uuid4().hex,
        )
        token = current_request_context.set(context)
        try:
            return self.get_response(request)
        finally:
            current_request_context.reset(token)


class IdleSessionTimeoutMiddleware:
    """Ends a signed-in session after SESSION_IDLE_TIMEOUT_MINUTES without a request."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_KEY)
            limit = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
            if last is not None and now - float(last) > limit:
                logout(request)
                if _is_api(request):
                    return JsonResponse(
                        {"type": "not_authenticated", "detail": _("Your session expired.")},
                        status=401,
                    )
                # This middleware runs before MessageMiddleware, so request._messages
                # does not exist yet: keep the notice in a storage of our own and write
                # it to this response (MessageMiddleware never sees this request).
                notices = default_storage(request)
                notices.add(messages.INFO, _("Your session expired after a period of inactivity."))
                response = redirect_to_login(request.get_full_path())
                notices.update(response)
                return response
            # Written at most once a minute: each write saves the whole session, and a
            # request running beside another (the service worker's page fetches) would
            # put back what it read, losing what the other stored (a dossier's purpose).
            if last is None or now - float(last) >= LAST_ACTIVITY_RESOLUTION_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


class TwoFactorEnforcementMiddleware:
    """Users whose role needs a second factor reach nothing but the two-factor pages,
    logout and the language switch until they have given a code."""

    ALLOWED_URL_NAMES = frozenset(
        {
            "portal:two-factor-verify",
            "portal:two-factor-setup",
            "portal:logout",
            "portal:healthz",
            "set_language",
        }
    )

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not session_verified(user)
            and two_factor_required(user)
            and not self._is_allowed(request)
        ):
            if _is_api(request):
                return JsonResponse(
                    {
                        "type": "two_factor_required",
                        "detail": _("A one-time code is required for this account."),
                    },
                    status=403,
                )
            has_device = confirmed_totp_device(user) is not None
            target = "portal:two-factor-verify" if has_device else "portal:two-factor-setup"
            # The full path, encoded: a query string (filters) survives the detour.
            next_query = urlencode({"next": request.get_full_path()}, safe="/")
            return redirect(f"{reverse(target)}?{next_query}")
        return self.get_response(request)

    def _is_allowed(self, request: HttpRequest) -> bool:
        match = request.resolver_match
        if match is None:
            from django.urls import Resolver404, resolve

            try:
                match = resolve(request.path_info)
            except Resolver404:
                return True
        return match.view_name in self.ALLOWED_URL_NAMES or request.path.startswith(
            settings.STATIC_URL
        )


class PasswordChangeRequiredMiddleware:
    """A person given a one-time password, or asked by an administrator for a new one,
    reaches nothing but the password page (and sign-out, the language switch and the
    two-factor pages, which come first) until they have changed it; the API refuses
    them likewise. The one place that enforces it, for every page and endpoint."""

    ALLOWED_URL_NAMES = TwoFactorEnforcementMiddleware.ALLOWED_URL_NAMES | {
        "portal:password-change"
    }

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "password_change_required", False)
            and not _url_allowed(request, self.ALLOWED_URL_NAMES)
        ):
            detail = _("You must choose a new password before you go on.")
            if _is_api(request):
                return JsonResponse(
                    {"type": "password_change_required", "detail": detail}, status=403
                )
            notices = default_storage(request)
            notices.add(messages.WARNING, detail)
            next_query = urlencode({"next": request.get_full_path()}, safe="/")
            response = redirect(f"{reverse('portal:password-change')}?{next_query}")
            notices.update(response)
            return response
        return self.get_response(request)


def _url_allowed(request: HttpRequest, names: frozenset[str]) -> bool:
    match = request.resolver_match
    if match is None:
        from django.urls import Resolver404, resolve

        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True
    return match.view_name in names or request.path.startswith(settings.STATIC_URL)


FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InputCleaningMiddleware:
    """Cleans the query string and a posted form of every request, page or API, with
    portal.lib.text (no NUL, no lone surrogate reaches a form, a filter or the
    database). API bodies are cleaned by the parsers of portal.api.parsers; a form
    body is cleaned here as well because DRF reuses ``request.POST`` once read."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # querydict_clean returns an immutable QueryDict, as Django's own.
        request.GET = querydict_clean(request.GET)  # type: ignore[assignment]
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            try:
                request.POST = querydict_clean(request.POST)  # type: ignore[assignment]
            except RequestDataTooBig:
                if _is_api(request):
                    return payload_too_large_response()
                raise  # a page: Django's own 400, as when CSRF reads the form
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Sends the Permissions-Policy header (PERMISSIONS_POLICY: feature -> allowed
    origins, "self" for our own; none = the feature is off), which Django has no
    setting for."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
