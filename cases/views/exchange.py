"""The exchange records of a verified violation: preview both, download either. Audited."""

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases.models import ViolationStatus
from cases.selectors.violations import violation_get_for_user
from cases.services.exchange import cen_record
from portal.access import permission_required
from portal.models import AuditAction, User
from portal.services.audit import audit_record

EXCHANGEABLE = (ViolationStatus.VERIFIED, ViolationStatus.LINKED)


@permission_required("cases.view_violation", "cases.export_violation")
@require_GET
def violation_cen_preview(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    violation = violation_get_for_user(user=user, pk=pk)
    if violation.status not in EXCHANGEABLE:
        messages.error(request, _("Only a verified violation yields exchange records."))
        return redirect(violation.get_absolute_url())
    audit_record(
        actor=user, action=AuditAction.VIEW, obj=violation, changes={"view": "exchange records"}
    )
    non_nominal = cen_record(violation, nominal=False)
    nominal = cen_record(violation, nominal=True)
    context = {
        "violation": violation,
        "non_nominal": json.dumps(non_nominal.content, indent=2, ensure_ascii=False),
        "nominal": json.dumps(nominal.content, indent=2, ensure_ascii=False),
        "omitted": non_nominal.omitted,
    }
    return render(request, "cases/violation_cen.html", context)


@permission_required("cases.view_violation", "cases.export_violation")
@require_GET
def violation_cen_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    violation = violation_get_for_user(user=user, pk=pk)
    if violation.status not in EXCHANGEABLE or kind not in ("nominal", "non-nominal"):
        messages.error(request, _("Only a verified violation yields exchange records."))
        return redirect(violation.get_absolute_url())
    record = cen_record(violation, nominal=kind == "nominal")
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        obj=violation,
        changes={"record": kind, "omitted_fields": len(record.omitted)},
    )
    response = HttpResponse(
        json.dumps(record.content, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{violation.reference}-{kind}.json"'
    return response
