"""The audit trail for administrators: browse, filter, export. Never edit."""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.access import permission_required
from portal.forms.audit import AuditFilterForm
from portal.lib.exports import csv_safe_row
from portal.models import AuditAction, AuditRecord, User
from portal.selectors.audit import AuditFilter, audit_list_for_user
from portal.services.audit import audit_record


def _filters(form: AuditFilterForm) -> AuditFilter | None:
    """The filters asked for; None when they are invalid (then nothing is listed:
    silently dropping a filter would show, or export, the whole trail)."""
    if not form.is_bound:
        return AuditFilter()
    if not form.is_valid():
        return None
    data = form.cleaned_data
    return AuditFilter(**{k: v for k, v in data.items() if v not in (None, "")})


@permission_required("portal.view_auditrecord")
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = AuditFilterForm(request.GET or None)
    filters = _filters(form)
    records = (
        audit_list_for_user(user=user, filters=filters)
        if filters is not None
        else AuditRecord.objects.none()
    )
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@permission_required("portal.view_auditrecord", "portal.export_auditrecord")
@require_GET
def audit_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = AuditFilterForm(request.GET or None)
    filters = _filters(form)
    if filters is None:
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{reverse('portal:audit-list')}?{request.GET.urlencode()}")
    records = audit_list_for_user(user=user, filters=filters)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type="portal.auditrecord",
        object_repr="audit trail CSV",
        changes={"filters": {k: v for k, v in vars(filters).items() if v}},
    )
    writer = csv.writer(_Echo())
    header = [
        "id",
        "occurred_at",
        "user",
        "ip_address",
        "action",
        "object_type",
        "object_id",
        "object",
        "reason",
        "hash",
    ]

    def rows():  # type: ignore[no-untyped-def]  # generator of CSV lines
        yield writer.writerow(header)
        record: AuditRecord
        for record in records.iterator(chunk_size=2000):
            yield writer.writerow(
                csv_safe_row(
                    [
                        record.id,
                        record.occurred_at.isoformat(),
                        record.actor_username,
                        record.ip_address or "",
                        record.action,
                        record.object_type,
                        record.object_id,
                        record.object_repr,
                        record.reason,
                        record.record_hash,
                    ]
                )
            )

    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
