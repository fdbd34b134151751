"""Downloads of the filtered violation list: CSV, XLSX, GeoJSON. Audited."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases.forms.violations import ViolationFilterForm
from cases.selectors.violations import ViolationFilter, violation_list_for_user
from cases.services.exports import (
    EXPORT_ROW_LIMIT,
    csv_lines,
    export_filename,
    export_rows,
    geojson_chunks,
    xlsx_bytes,
)
from portal.access import permission_required
from portal.models import AuditAction, User
from portal.services.audit import audit_record

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}


@permission_required("cases.view_violation", "cases.export_violation")
@require_GET
def violation_export(request: HttpRequest, file_format: str) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]  # behind permission_required
    list_url = reverse("cases:violation-list")
    if file_format not in FORMATS:
        messages.error(request, _("Unknown export format."))
        return redirect(list_url)
    form = ViolationFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{list_url}?{request.GET.urlencode()}")
    filters = form.to_filter() if form.is_bound else ViolationFilter()
    violations = violation_list_for_user(user=user, filters=filters)
    total = violations.count()
    if total > EXPORT_ROW_LIMIT:
        messages.error(
            request,
            _("%(count)d violations match: narrow the filters to at most %(limit)d rows to export.")
            % {"count": total, "limit": EXPORT_ROW_LIMIT},
        )
        return redirect(f"{list_url}?{request.GET.urlencode()}")
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type="cases.violation",
        object_repr=f"violations {file_format.upper()} ({total})",
        changes={
            "format": file_format,
            "rows": total,
            "filters": {k: str(v) for k, v in vars(filters).items() if v},
        },
    )
    filename = export_filename(file_format)
    rows = export_rows(violations)
    response: HttpResponseBase
    if file_format == "xlsx":
        response = HttpResponse(xlsx_bytes(rows), content_type=FORMATS["xlsx"])
    elif file_format == "geojson":
        response = StreamingHttpResponse(geojson_chunks(rows), content_type=FORMATS["geojson"])
    else:
        response = StreamingHttpResponse(csv_lines(rows), content_type=FORMATS["csv"])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
