"""Evidence files of a violation: upload and download (audited)."""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.forms.evidence import EvidenceForm
from cases.selectors.evidence import evidence_get
from cases.selectors.violations import violation_get_for_user
from cases.services import evidence as evidence_services
from cases.views.common import actor_of, add_service_errors
from cases.views.violations import after_page_form
from portal.access import permission_required
from portal.models import AuditAction
from portal.services.audit import audit_record


@permission_required("cases.view_violation", "cases.change_violation")
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    violation = violation_get_for_user(user=actor_of(request), pk=pk, for_edit=True)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            evidence_services.evidence_add(
                actor=actor_of(request),
                violation=violation,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                client_key=form.cleaned_data["client_key"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
    return after_page_form(
        request,
        violation,
        form=form,
        name="evidence_form",
        success=_("File added."),
        anchor="evidence",
    )


@permission_required("cases.view_violation")
@require_GET
def evidence_download(
    request: HttpRequest, pk: int, evidence_id: int, variant: str
) -> FileResponse:
    if variant not in ("view", "download", "thumbnail"):
        raise Http404
    violation = violation_get_for_user(user=actor_of(request), pk=pk)
    evidence = evidence_get(violation=violation, pk=evidence_id)
    if variant == "thumbnail" and evidence.thumbnail:
        return FileResponse(evidence.thumbnail.open("rb"), content_type="image/jpeg")
    audit_record(
        actor=actor_of(request),
        action=AuditAction.DOWNLOAD,
        obj=violation,
        changes={"evidence": evidence.pk, "sha256": evidence.sha256},
    )
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=variant == "download",
        filename=evidence.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
