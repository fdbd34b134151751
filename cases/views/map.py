"""The violation map page (its data comes from the API)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.forms.violations import ViolationFilterForm
from portal.access import permission_required


@permission_required("cases.view_violation")
@require_GET
def violation_map(request: HttpRequest) -> HttpResponse:
    form = ViolationFilterForm(request.GET or None)
    return render(request, "cases/violation_map.html", {"form": form})
