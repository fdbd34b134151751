"""The import job (kind ``cases.data_import``) and what starts it.

Two passes over the file, both streamed: the first reads and checks every row and writes
the error report; the second writes the valid rows in batches. With any invalid row the
import stops after the first pass and writes nothing, unless the analyst chose "import
the valid rows". A refused file (cases/services/imports/errors.py) writes nothing."""

import csv
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import DataImport, ImportFormat, ImportStatus
from cases.services.ftm import ftm_import
from cases.services.imports.errors import ImportRefusedError
from cases.services.imports.mapping import MappedRow, map_row
from cases.services.imports.readers import read_rows
from cases.services.imports.write import RegistryGrowth, rows_write
from portal.job_kinds import JobParameter
from portal.lib.exports import csv_safe_row
from portal.models import AuditAction, Job, JobLogLevel, User
from portal.services.audit import audit_record
from portal.services.jobs import (
    TRANSIENT_ERRORS,
    JobCancelled,
    JobContext,
    JobFailed,
    job_start,
)

LOG_EVERY_ROWS = 10_000
# The counters, the rate and the time left are written every so many rows of pass 1.
COUNT_EVERY_ROWS = 1_000
ERROR_REPORT_HEADER = ["row", "column", "value", "reason"]


class DataImportParameters(forms.Form):
    data_import = forms.IntegerField(label=gettext_lazy("Import (its id)"), min_value=1)


def data_import_check(user: User, cleaned: dict[str, Any]) -> None:
    """Only the analyst who uploaded the file starts its import."""
    if not DataImport.objects.filter(pk=cleaned["data_import"], created_by=user).exists():
        raise ValidationError({"data_import": _("There is no such import of yours.")})


def data_import_describe(viewer: User, given: dict[str, Any]) -> list[JobParameter]:
    label = _("Import")
    data_import = DataImport.objects.filter(pk=given.get("data_import") or 0).first()
    if data_import is None or not viewer.has_perm("cases.import_entities"):
        return [JobParameter(label=label, value=str(given.get("data_import", "")))]
    return [JobParameter(label=label, value=str(data_import), url=data_import.get_absolute_url())]


def data_import_start(*, actor: User, data_import: DataImport) -> Job:
    """Queue the import's job (the mapping and options are already on it)."""
    if data_import.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the analyst who uploaded the file imports it."))
    if not data_import.may_start:
        raise ValidationError(_("This import is already under way."))
    if data_import.file_format != ImportFormat.FTM and data_import.mapping is None:
        raise ValidationError(_("Choose or make a mapping first."))
    with transaction.atomic():
        job = job_start(
            actor=actor,
            kind_name="cases.data_import",
            parameters={"data_import": data_import.pk},
        )
        DataImport.objects.filter(pk=data_import.pk).update(
            job=job, status=ImportStatus.QUEUED, message="", finished_at=None
        )
    return job


def _rows(data_import: DataImport, path: Path, start: int = 0) -> Iterator[MappedRow]:
    """The file's rows mapped and checked, from row number ``start`` on (the rows before
    it are read, to find it, but neither mapped nor checked)."""
    mapping = data_import.mapping
    if mapping is None:
        raise ImportRefusedError(_("Choose or make a mapping first."))
    for number, record in read_rows(
        path,
        file_format=data_import.file_format,
        encoding=data_import.encoding,
        record_element=mapping.record_element,
    ):
        if number >= start:
            yield map_row(number, record, mapping.entities, mapping.relations)


def _update(data_import: DataImport, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(data_import, name, value)
    DataImport.objects.filter(pk=data_import.pk).update(**fields)


def _rows_estimate(data_import: DataImport, read: int, chars: int) -> int | None:
    """How many rows the file holds, judged from the characters of those read so far
    against the file's size: CSV only (a workbook is compressed, JSON repeats its keys)."""
    if data_import.file_format != ImportFormat.CSV or not read or not chars:
        return None
    return max(read, round(read * data_import.size / chars))


def _check_pass(context: JobContext, data_import: DataImport, path: Path, report: Path) -> None:
    """Pass 1: read and check every row; the problems go to the error report. It writes
    nothing to the registry, so a run stopped in it starts it again from the first row;
    it ends by keeping its counts with the checkpoint that starts pass 2."""
    read = valid = invalid = chars = 0
    reported = {"read": 0, "valid": 0, "invalid": 0}
    context.counts.clear()  # an earlier attempt's counts of this pass start again
    context.count()

    def report_counts() -> None:
        context.count(
            read=read - reported["read"],
            valid=valid - reported["valid"],
            invalid=invalid - reported["invalid"],
        )
        reported.update(read=read, valid=valid, invalid=invalid)

    with report.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(ERROR_REPORT_HEADER)
        for number, record in read_rows(
            path,
            file_format=data_import.file_format,
            encoding=data_import.encoding,
            record_element=data_import.mapping.record_element if data_import.mapping else "",
        ):
            row = map_row(number, record, *_specs(data_import))
            read += 1
            chars += sum(len(value) + 1 for value in record.values())
            if row.problems:
                invalid += 1
                for problem in row.problems:
                    writer.writerow(
                        csv_safe_row([problem.row, problem.column, problem.value, problem.reason])
                    )
            else:
                valid += 1
            if read % COUNT_EVERY_ROWS == 0:
                report_counts()
                estimate = _rows_estimate(data_import, read, chars)
                # Both passes go over every row: the items are twice the rows.
                context.items(read, 2 * estimate if estimate else None, _("Checking the rows"))
            if read % LOG_EVERY_ROWS == 0:
                context.log(_("%(count)d rows read.") % {"count": read})
    context.log(
        _("%(read)d rows read: %(valid)d valid, %(invalid)d with problems.")
        % {"read": read, "valid": valid, "invalid": invalid}
    )
    if invalid:
        with report.open("rb") as written:
            data_import.error_report.save(f"import-{data_import.pk}-errors.csv", File(written))
    with transaction.atomic():
        _update(data_import, rows_read=read, rows_valid=valid, rows_invalid=invalid)
        report_counts()
        context.save_checkpoint({"stage": "write", "next_row": 0, "written": 0, "totals": {}})
    context.items(read, read + valid, _("Rows checked"))


def _specs(data_import: DataImport) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    mapping = data_import.mapping
    if mapping is None:
        raise ImportRefusedError(_("Choose or make a mapping first."))
    return mapping.entities, mapping.relations


WRITE_TOTALS = ("entities_created", "entities_matched", "relations_created", "rows_skipped")


def _write_pass(context: JobContext, data_import: DataImport, path: Path) -> None:
    """Pass 2: the valid rows, a batch per transaction, each with its counts and the
    checkpoint after it: a run stopped in this pass resumes after the last batch that
    committed, and none is written twice."""
    kept = context.checkpoint
    saved = kept.get("totals") or {}
    totals = {name: int(saved.get(name, 0)) for name in WRITE_TOTALS}
    start = int(kept.get("next_row", 0))
    written = int(kept.get("written", 0))
    if start:
        context.log(_("Writing again from row %(row)d.") % {"row": start})
    batch: list[MappedRow] = []
    size = int(settings.ENTITY_IMPORT_BATCH_ROWS)
    growth = RegistryGrowth()

    def flush() -> None:
        nonlocal written
        with transaction.atomic():
            counts = rows_write(data_import, batch)
            for name in totals:
                totals[name] += getattr(counts, name)
            written += len(batch)
            _update(data_import, **totals)
            context.count(
                created=counts.entities_created,
                matched=counts.entities_matched,
                relations=counts.relations_created,
                skipped=counts.rows_skipped,
            )
            context.save_checkpoint(
                {
                    "stage": "write",
                    "next_row": batch[-1].number + 1,
                    "written": written,
                    "totals": totals,
                }
            )
        batch.clear()
        # After the commit: the statistics gathered count the batches written so far.
        growth.add(counts.entities_created)
        read, valid = data_import.rows_read, data_import.rows_valid
        context.items(read + written, read + valid, _("Writing the entities"))

    for row in _rows(data_import, path, start):
        if row.problems:
            continue
        batch.append(row)
        if len(batch) >= size:
            flush()
    if batch:
        flush()
    context.log(
        _(
            "%(created)d entities created, %(matched)d matched to the registry's, "
            "%(relations)d relations, %(skipped)d rows already imported."
        )
        % {
            "created": totals["entities_created"],
            "matched": totals["entities_matched"],
            "relations": totals["relations_created"],
            "skipped": totals["rows_skipped"],
        }
    )


def _ftm_run(context: JobContext, data_import: DataImport, path: Path) -> None:
    """An FtM entity stream goes through the registry's FtM import (ids kept), streamed
    from the file. All or nothing: the import, its counts and the job's counters commit
    together, so a worker killed in it leaves nothing and the next one starts again."""
    with path.open("r", encoding=data_import.encoding or "utf-8-sig") as lines:
        try:
            with transaction.atomic():
                result = ftm_import(
                    actor=data_import.created_by,
                    lines=lines,
                    source_name=f"{data_import.dataset} sha256:{data_import.sha256[:16]}",
                )
                records = (
                    result.entities_created
                    + result.entities_updated
                    + result.relations_created
                    + result.relations_updated
                )
                _update(
                    data_import,
                    rows_read=records,
                    rows_valid=records,
                    entities_created=result.entities_created,
                    entities_matched=result.entities_updated,
                    relations_created=result.relations_created,
                )
                context.counts.clear()
                context.count(
                    read=records,
                    valid=records,
                    invalid=0,
                    created=result.entities_created,
                    matched=result.entities_updated,
                    relations=result.relations_created,
                )
        except ValidationError as error:
            raise ImportRefusedError(" ".join(error.messages)) from error
    for warning in result.warnings[:50]:
        context.log(warning, JobLogLevel.WARNING)


def _refuse(data_import: DataImport, message: str) -> None:
    _update(data_import, status=ImportStatus.REFUSED, message=message, finished_at=timezone.now())
    raise JobFailed(message)


def data_import_job(context: JobContext) -> None:
    """Job kind ``cases.data_import``."""
    data_import = (
        DataImport.objects.filter(
            pk=context.parameters.get("data_import") or 0, created_by=context.owner
        )
        .select_related("mapping", "created_by")
        .first()
    )
    if data_import is None:
        raise JobFailed(_("There is no such import of yours."))
    stage = context.checkpoint.get("stage")
    if stage == "done":  # killed after it had finished: nothing is left to do
        return
    _update(data_import, status=ImportStatus.RUNNING, message="")
    if stage is None:
        context.progress(2, _("Reading %(name)s") % {"name": data_import.original_name})
    path = Path(data_import.file.path)
    try:
        if data_import.file_format == ImportFormat.FTM:
            _ftm_run(context, data_import, path)
        else:
            if stage != "write":
                with tempfile.TemporaryDirectory(prefix="import-") as folder:
                    _check_pass(context, data_import, path, Path(folder) / "errors.csv")
            if data_import.rows_invalid and not data_import.valid_rows_only:
                _refuse(
                    data_import,
                    _(
                        "%(invalid)d of %(read)d rows have problems; nothing was imported. "
                        "Download the error report, or choose “import the valid rows”."
                    )
                    % {"invalid": data_import.rows_invalid, "read": data_import.rows_read},
                )
            _write_pass(context, data_import, path)
    except ImportRefusedError as refusal:
        _refuse(data_import, refusal.message)
    except JobCancelled:
        _update(
            data_import,
            status=ImportStatus.REFUSED,
            message=_(
                "Cancelled. The batches written so far stay; importing the same file "
                "again goes on from where this one stopped."
            ),
            finished_at=timezone.now(),
        )
        raise
    except JobFailed:
        raise
    except TRANSIENT_ERRORS:
        raise  # the job core tries it again, from the checkpoint
    except Exception:
        # The job core records the error; the import must not stay "running".
        _update(
            data_import,
            status=ImportStatus.REFUSED,
            message=_("The import stopped on an unexpected error; see its job."),
            finished_at=timezone.now(),
        )
        raise
    _finish(context, data_import)


def _finish(context: JobContext, data_import: DataImport) -> None:
    """Done, audited and its checkpoint "done" together: a worker killed after this
    leaves nothing to do again."""
    with transaction.atomic():
        _update(data_import, status=ImportStatus.DONE, finished_at=timezone.now())
        audit_record(
            actor=context.owner,
            action=AuditAction.CREATE,
            obj=data_import,
            object_repr=str(data_import)[:300],
            changes={
                "sha256": data_import.sha256,
                "rows_read": data_import.rows_read,
                "rows_invalid": data_import.rows_invalid,
                "entities_created": data_import.entities_created,
                "entities_matched": data_import.entities_matched,
                "relations_created": data_import.relations_created,
            },
        )
        context.save_checkpoint({"stage": "done"})
    context.progress(100, _("Imported"))
