"""Downloads of the lists analysts use: the entity registry and the case list as CSV or
XLSX, and a case's entities as GraphML or FtM. Audited by cases.services.list_exports;
a refusal (a wrong format, too many rows) goes back to the list with its message."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases.forms.investigations import CaseFilterForm
from cases.forms.registry import RegistryFilterForm
from cases.selectors.investigations import CaseFilter, case_get_for_user
from cases.selectors.registry import RegistryFilter
from cases.services import list_exports
from cases.views.common import actor_of
from portal.access import permission_required
from portal.lib.downloads import download_response


def _back(request: HttpRequest, list_url: str, error: ValidationError) -> HttpResponseBase:
    for message in error.messages:
        messages.error(request, message)
    query = request.GET.urlencode()
    return redirect(f"{list_url}?{query}" if query else list_url)


@permission_required("cases.view_entity", "cases.export_entity")
@require_GET
def entity_table_export(request: HttpRequest, file_format: str) -> HttpResponseBase:
    list_url = reverse("entities:entity-list")
    form = RegistryFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{list_url}?{request.GET.urlencode()}")
    try:
        export = list_exports.entity_table_export(
            actor=actor_of(request),
            filters=form.to_filter() if form.is_bound else RegistryFilter(),
            file_format=file_format,
        )
    except ValidationError as error:
        return _back(request, list_url, error)
    return download_response(
        export.content, content_type=export.content_type, filename=export.filename
    )


@permission_required("cases.view_case", "cases.export_case")
@require_GET
def case_list_export(request: HttpRequest, file_format: str) -> HttpResponseBase:
    list_url = reverse("investigations:case-list")
    form = CaseFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{list_url}?{request.GET.urlencode()}")
    try:
        export = list_exports.case_table_export(
            actor=actor_of(request),
            filters=form.to_filter() if form.is_bound else CaseFilter(),
            file_format=file_format,
        )
    except ValidationError as error:
        return _back(request, list_url, error)
    return download_response(
        export.content, content_type=export.content_type, filename=export.filename
    )


@permission_required("cases.view_case", "cases.view_relation", "cases.export_case")
@require_GET
def case_entities_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponseBase:
    actor = actor_of(request)
    case = case_get_for_user(user=actor, pk=pk)
    try:
        export = list_exports.case_graph_export(actor=actor, case=case, file_format=file_format)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(case)
    return download_response(
        export.content, content_type=export.content_type, filename=export.filename
    )
