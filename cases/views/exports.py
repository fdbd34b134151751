"""Downloads of the filtered violation list: CSV, XLSX, GeoJSON. Audited by
cases.services.exports."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases.forms.violations import ViolationFilterForm
from cases.selectors.violations import ViolationFilter
from cases.services import exports as export_services
from cases.views.common import actor_of
from portal.access import permission_required
from portal.lib.downloads import download_response


@permission_required("cases.view_violation", "cases.export_violation")
@require_GET
def violation_export(request: HttpRequest, file_format: str) -> HttpResponseBase:
    list_url = reverse("cases:violation-list")
    form = ViolationFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{list_url}?{request.GET.urlencode()}")
    try:
        export = export_services.violation_export(
            actor=actor_of(request),
            filters=form.to_filter() if form.is_bound else ViolationFilter(),
            file_format=file_format,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        if hasattr(error, "error_dict") and "format" in error.error_dict:
            return redirect(list_url)
        return redirect(f"{list_url}?{request.GET.urlencode()}")
    return download_response(
        export.content, content_type=export.content_type, filename=export.filename
    )
