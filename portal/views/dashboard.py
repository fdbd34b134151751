"""The landing page: one panel per role the user holds, and the health check."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.access import login_only, public
from portal.models import User
from portal.selectors.dashboard import dashboard_panels, gate_notices
from portal.selectors.health import health_report


@login_only
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_only: signed in
    return render(
        request,
        "portal/dashboard.html",
        {"panels": dashboard_panels(user), "gate": gate_notices(user)},
    )


@public
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)
