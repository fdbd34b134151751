"""The exchange records of a verified violation: preview both, download either. Audited
by cases.services.exchange."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from cases.selectors.violations import violation_get_for_user
from cases.services.exchange import violation_exchange_preview, violation_exchange_record
from cases.views.common import actor_of
from cases.views.exchange_reading import (
    exchange_record_for_reading,
    left_out_in_words,
    left_out_values,
)
from portal.access import permission_required


def _refused(request: HttpRequest, error: ValidationError, violation_url: str) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return redirect(violation_url)


@permission_required("cases.view_violation", "cases.export_violation")
@require_GET
def violation_cen_preview(request: HttpRequest, pk: int) -> HttpResponse:
    violation = violation_get_for_user(user=actor_of(request), pk=pk)
    try:
        preview = violation_exchange_preview(actor=actor_of(request), violation=violation)
    except ValidationError as error:
        return _refused(request, error, violation.get_absolute_url())
    context = {
        "violation": violation,
        "non_nominal": exchange_record_for_reading(preview.non_nominal, violation),
        "nominal": exchange_record_for_reading(preview.nominal, violation),
        "left_out": left_out_in_words(preview.non_nominal, violation),
        "kept_at_home": left_out_values(preview.non_nominal, violation),
    }
    return render(request, "cases/violation_cen.html", context)


@permission_required("cases.view_violation", "cases.export_violation")
@require_GET
def violation_cen_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    violation = violation_get_for_user(user=actor_of(request), pk=pk)
    try:
        record = violation_exchange_record(actor=actor_of(request), violation=violation, kind=kind)
    except ValidationError as error:
        return _refused(request, error, violation.get_absolute_url())
    response = HttpResponse(
        json.dumps(record.content, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{violation.reference}-{kind}.json"'
    return response
