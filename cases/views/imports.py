"""HTML pages of imports into the entity registry: upload, preview and mapping, result
(with the job's progress), and the error report."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.forms.imports import ImportUploadForm, MappingForm, properties_by_schema
from cases.models import DataImport, ImportFormat
from cases.selectors.imports import (
    import_get_for_user,
    imports_for_user,
    mapping_get_for_user,
)
from cases.services.imports.encoding import encoding_choices
from cases.services.imports.readers import TEXT_FORMATS
from cases.services.imports.run import data_import_start
from cases.services.imports.upload import (
    data_import_configure,
    data_import_preview,
    mapping_save,
)
from cases.services.imports.upload import data_import_upload as upload_service
from cases.views.common import actor_of, add_service_errors
from portal.access import permission_required
from portal.models import AuditAction
from portal.pagination import CappedCountPaginator
from portal.services.audit import audit_record

IMPORTER = ("cases.import_entities",)


@permission_required(*IMPORTER)
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    """The imports, newest first, and the upload form."""
    user = actor_of(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data_import = upload_service(
                actor=user, upload=form.cleaned_data["file"], dataset=form.cleaned_data["dataset"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(data_import)
    page = CappedCountPaginator(imports_for_user(user=user), 20).get_page(request.GET.get("page"))
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/imports/list.html", {"form": form, "page": page}, status=status)


def _mapping_form(request: HttpRequest, data_import: DataImport) -> tuple[MappingForm, object]:
    encoding = request.GET.get("encoding") or request.POST.get("encoding") or ""
    record_element = request.GET.get("record_element") or request.POST.get("record_element") or ""
    encodings = encoding_choices(data_import.detected_encoding)
    if encoding not in dict(encodings):
        encoding = ""
    saved = mapping_get_for_user(user=actor_of(request), pk=request.GET.get("mapping") or 0)
    if saved is not None and not record_element:
        record_element = saved.record_element
    preview = data_import_preview(
        data_import=data_import, encoding=encoding, record_element=record_element
    )
    initial: dict[str, object] = {"encoding": encoding or data_import.encoding}
    if saved is not None:
        initial.update(MappingForm.initial_from(saved, preview.columns))
    if preview.record_element:
        initial["record_element"] = preview.record_element
    form = MappingForm(
        request.POST or None,
        initial=initial,
        columns=preview.columns,
        samples=preview.rows[0][1] if preview.rows else {},
        encodings=encodings if data_import.file_format in TEXT_FORMATS else [],
        record_elements=preview.record_elements,
    )
    return form, preview


def _start(request: HttpRequest, data_import: DataImport, form: MappingForm) -> HttpResponse | None:
    user = actor_of(request)
    data = form.cleaned_data
    mapping = data.get("saved")
    if mapping is None and data_import.file_format != ImportFormat.FTM:
        entities, relations = form.mapping_spec()
        name = data.get("save_as") or f"{data_import.original_name} #{data_import.pk}"
        try:
            mapping = mapping_save(
                actor=user,
                name=name,
                file_format=data_import.file_format,
                record_element=data.get("record_element") or "",
                entities=entities,
                relations=relations,
            )
        except ValidationError as error:
            add_service_errors(form, error, fields={"entities": "__all__", "name": "save_as"})
            return None
    data_import_configure(
        actor=user,
        data_import=data_import,
        mapping=mapping,
        encoding=data.get("encoding") or "",
        valid_rows_only=data["valid_rows_only"],
    )
    try:
        data_import_start(actor=user, data_import=data_import)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, _("The import has started; this page shows its progress."))
    return redirect(data_import)


@permission_required(*IMPORTER)
@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview and mapping while the file waits; its progress and result after."""
    user = actor_of(request)
    data_import = import_get_for_user(user=user, pk=pk)
    waiting = data_import.may_start
    if request.method == "POST":
        if not waiting:
            messages.error(
                request,
                _("This import is already under way.")
                if data_import.under_way
                else _("This import is done; upload the file again to import it again."),
            )
            return redirect(data_import)
        if data_import.created_by_id != user.pk:
            raise PermissionDenied(_("Only the analyst who uploaded the file imports it."))
    form, preview = _mapping_form(request, data_import) if waiting else (None, None)
    if request.method == "POST" and form is not None and form.is_valid():
        response = _start(request, data_import, form)
        if response is not None:
            return response
    context = {
        "data_import": data_import,
        "form": form,
        "preview": preview,
        "properties_by_schema": properties_by_schema() if form is not None else {},
        "may_start": data_import.created_by_id == user.pk,
    }
    if request.method == "GET":
        # The preview shows the file's content: its consultation is audited.
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            obj=data_import,
            object_repr=str(data_import)[:300],
            changes={},
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/imports/detail.html", context, status=status)


@permission_required(*IMPORTER)
@require_GET
def import_errors(request: HttpRequest, pk: int) -> FileResponse:
    """The error report: row, column, value and reason of every problem (CSV)."""
    user = actor_of(request)
    data_import = import_get_for_user(user=user, pk=pk)
    if not data_import.error_report:
        raise Http404(_("This import has no error report."))
    audit_record(
        actor=user,
        action=AuditAction.DOWNLOAD,
        obj=data_import,
        object_repr=str(data_import)[:300],
        changes={"error_report": True},
    )
    return FileResponse(
        data_import.error_report.open("rb"),
        as_attachment=True,
        filename=f"import-{data_import.pk}-errors.csv",
        content_type="text/csv; charset=utf-8",
    )
