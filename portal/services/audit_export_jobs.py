"""The audit trail's export job: the filtered trail as CSV or XLSX, written by a worker
with progress (the trail can hold millions of records, too many for a request), every
text cell escaped against formula injection, the export itself audited."""

import csv
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from portal.lib.exports import csv_safe_row, xlsx_safe
from portal.models import AuditAction, AuditRecord
from portal.selectors.audit import AuditFilter, audit_list_for_user
from portal.services.audit import audit_record
from portal.services.jobs import JobContext, JobFailed

EXPORT_HEADER = [
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
PROGRESS_EVERY = 5000


def audit_export_row(record: AuditRecord) -> list[Any]:
    return [
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


def _parameters(parameters: dict[str, Any]) -> tuple[str, AuditFilter]:
    """The format and the filters of a job, from the parameters its kind's form cleaned
    when it was started (stored as JSON: the dates as ISO text)."""
    file_format = parameters.get("file_format")
    if file_format not in ("csv", "xlsx"):
        raise JobFailed(_("Choose CSV or XLSX."))

    def text(name: str) -> str:
        return str(parameters.get(name) or "")

    def day(name: str) -> date | None:
        value = parameters.get(name)
        return date.fromisoformat(value) if value else None

    try:
        filters = AuditFilter(
            actor=text("actor"),
            action=text("action"),
            object_type=text("object_type"),
            object_id=text("object_id"),
            text=text("text"),
            date_from=day("date_from"),
            date_to=day("date_to"),
        )
    except (TypeError, ValueError) as error:
        raise JobFailed(_("The export's dates are not valid.")) from error
    return file_format, filters


def audit_export_job(context: JobContext) -> None:
    """Export the records the job's filters select, as its owner may read them."""
    file_format, filters = _parameters(context.parameters)
    records = audit_list_for_user(user=context.owner, filters=filters).order_by("id")
    total = records.count()
    audit_record(
        actor=context.owner,
        action=AuditAction.EXPORT,
        object_type="portal.auditrecord",
        object_repr=f"audit trail {file_format.upper()}",
        changes={
            "filters": {key: str(value) for key, value in vars(filters).items() if value},
            "records": total,
            "job": context.job_id,
        },
    )
    context.log(_("Exporting %(count)d audit records.") % {"count": total})
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"audit-{stamp}.{file_format}"
        if file_format == "xlsx":
            _write_xlsx(context, records, total, path)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            _write_csv(context, records, total, path)
            content_type = "text/csv; charset=utf-8"
        context.add_result_file(name=path.name, path=path, content_type=content_type)
    context.progress(100, _("%(count)d records exported") % {"count": total})


def _report_progress(context: JobContext, done: int, total: int) -> None:
    if done % PROGRESS_EVERY == 0:
        percent = 95 * done / total if total else 95
        context.progress(
            percent, _("%(done)d of %(total)d records") % {"done": done, "total": total}
        )


def _write_csv(context: JobContext, records: Any, total: int, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(EXPORT_HEADER)
        for done, record in enumerate(records.iterator(chunk_size=2000), start=1):
            writer.writerow(csv_safe_row(audit_export_row(record)))
            _report_progress(context, done, total)


def _write_xlsx(context: JobContext, records: Any, total: int, path: Path) -> None:
    # Write-only: rows go to disk as they come, memory stays flat on a long trail.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit trail")[:31])
    sheet.append(EXPORT_HEADER)
    for done, record in enumerate(records.iterator(chunk_size=2000), start=1):
        sheet.append([xlsx_safe(value) for value in audit_export_row(record)])
        _report_progress(context, done, total)
    workbook.save(path)
