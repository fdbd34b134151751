"""Django's error handlers (handler400/403/404/500 in portal/urls.py): the API's JSON
error shape under /api/, the portal's own error pages everywhere else.

DRF answers errors raised inside its views itself (portal.api.errors.exception_handler);
these handlers answer what never reached an API view (a path no route matches, a
request Django refused first) and exceptions DRF lets through (a bug: a 500).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token
from rest_framework import exceptions

from portal.api.errors import BadRequest, GateRefused, ServerError, error_response
from portal.selectors.gate import RoleNotInForce


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return error_response(BadRequest())
    return defaults.bad_request(request, exception)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    gated = exception if isinstance(exception, RoleNotInForce) else None
    if _is_api(request):
        return error_response(
            GateRefused(gated.missing) if gated is not None else exceptions.PermissionDenied()
        )
    if gated is not None:
        # The training gate took the role this page needs: name the course and the
        # next session with places (templates/403.html).
        return render(request, "403.html", {"missing_training": gated.missing}, status=403)
    return defaults.permission_denied(request, exception)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return error_response(exceptions.NotFound())
    return defaults.page_not_found(request, exception)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return error_response(ServerError())
    # Rendered without the request's context, as Django's own handler does: whatever
    # failed (the database, a context processor) must not fail the error page too.
    return defaults.server_error(request)
