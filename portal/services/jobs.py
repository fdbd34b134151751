"""Every change of a job: start (by a person), run (by a worker), cancel (by a person).

``job_start`` validates the parameters with the kind's form, creates the job and sends
it to Celery once the transaction commits. The worker's task calls ``job_run``, which
claims the job, hands the kind's function a ``JobContext`` and records how it ended.
The context writes each progress report, log line and result file at once (its own
autocommit), so that the job's page shows them while the job runs.
"""

import hashlib
import io
import json
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from portal.job_kinds import JobKind, UnknownJobKindError, job_kind_get
from portal.models import (
    JOB_LOG_MAX_LINES,
    AuditAction,
    Job,
    JobLogLevel,
    JobLogLine,
    JobResult,
    JobStatus,
    User,
)
from portal.models.jobs import JOB_LOG_MESSAGE_MAX
from portal.services.audit import audit_record

logger = logging.getLogger(__name__)

# A result file is written whole by the kind; anything bigger belongs in a streamed
# file of its own (the imports issue), not in one bytes object.
JOB_RESULT_MAX_BYTES = 200 * 1024 * 1024
# A result written on disk and copied in chunks (an evidence bundle) may be larger.
JOB_RESULT_MAX_FILE_BYTES = 20 * 1024 * 1024 * 1024


class JobCancelled(Exception):  # noqa: N818  (a signal to stop, not an error)
    """Raised inside a kind's function when its job was cancelled; the runner catches it."""


class JobFailed(Exception):  # noqa: N818  (named for what the person reads)
    """Raised by a kind's function to end its job as failed, with a reason meant for the
    person who started it (no traceback shown)."""


def _json_parameters(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The cleaned parameters as stored (dates and decimals as text)."""
    return json.loads(json.dumps(cleaned, cls=DjangoJSONEncoder))


def _enqueue(job_id: int, queue: str) -> None:
    from portal.tasks import job_run_task  # the task module imports this one

    options: dict[str, Any] = {"queue": queue} if queue else {}
    result = job_run_task.apply_async(args=(job_id,), **options)
    Job.objects.filter(pk=job_id, task_id="").update(task_id=result.id)


def job_start(*, actor: User, kind_name: str, parameters: dict[str, Any] | None) -> Job:
    """Create a queued job of ``kind_name`` for ``actor`` and send it to a worker on
    commit. Raises ValidationError (an unknown kind, parameters the kind refuses, by
    field) and PermissionDenied (the person may not start this kind)."""
    try:
        kind = job_kind_get(kind_name)
    except UnknownJobKindError:
        raise ValidationError({"kind": _("There is no job of this kind.")}) from None
    if not kind.may_start(actor):
        raise PermissionDenied(_("You may not start this kind of job."))
    if parameters is not None and not isinstance(parameters, dict):
        raise ValidationError({"parameters": _("Give the parameters as an object.")})
    form = kind.form(data=parameters or {})
    if not form.is_valid():
        raise ValidationError(
            {
                f"parameters.{name}" if name != "__all__" else "parameters": errors
                for name, errors in form.errors.items()
            }
        )
    if kind.check is not None:
        try:
            kind.check(actor, form.cleaned_data)
        except ValidationError as error:
            raise ValidationError(
                {f"parameters.{name}": errors for name, errors in error.message_dict.items()}
            ) from None
    with transaction.atomic():
        job = Job(
            kind=kind.name,
            parameters=_json_parameters(form.cleaned_data),
            owner=actor,
            queue=kind.queue,
            language=translation.get_language() or "",
        )
        job.full_clean()
        job.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=job,
            object_repr=str(kind.label)[:300],
            changes={"kind": kind.name, "parameters": job.parameters},
        )
        transaction.on_commit(lambda: _enqueue(job.pk, kind.queue))
    return job


def job_cancel(*, actor: User, job: Job) -> Job:
    """Cancel ``job``: at once when no worker has taken it yet; a running job is asked to
    stop and stops at its next check. Raises PermissionDenied (neither its owner nor
    allowed to cancel everyone's) and ValidationError (already finished)."""
    if job.owner_id != actor.pk and not actor.has_perm("portal.cancel_every_job"):
        raise PermissionDenied(_("You may not cancel this job."))
    now = timezone.now()
    with transaction.atomic():
        # Conditional updates: the worker may claim or finish the job at the same moment.
        stopped = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.CANCELLED,
            cancel_requested=True,
            finished_at=now,
            progress_message=_("Cancelled before it started."),
        )
        if not stopped:
            asked = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                cancel_requested=True
            )
            if not asked:
                raise ValidationError(_("This job has already finished."))
        job.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=job,
            changes={"cancel": True, "status": job.status},
        )
    return job


class JobResultGoneError(Exception):
    """A result downloadable once was downloaded already: its file is deleted."""


def job_result_open(*, actor: User, result: JobResult) -> File:
    """Open a result file for ``actor`` (who reached it through the job's accessor) and
    write the download to the audit trail. A result kept ``once`` opens only for the
    job's owner (PermissionDenied for anyone else) and only once (JobResultGoneError
    after): its file is read, deleted and marked downloaded."""
    if result.once:
        return _job_result_take(actor=actor, result=result)
    audit_record(
        actor=actor,
        action=AuditAction.DOWNLOAD,
        obj=result,
        object_repr=result.name,
        changes={"job": result.job_id, "sha256": result.sha256, "size": result.size},
    )
    return result.file.open("rb")


def job_result_downloaded_text(result: JobResult) -> str:
    """What a page says of a result downloadable once that was downloaded."""
    taker = result.downloaded_by
    return _(
        "This file could be downloaded once: %(name)s downloaded it on %(when)s, and it is "
        "no longer kept."
    ) % {
        "name": (taker.get_full_name() or taker.username) if taker else "?",
        "when": date_format(timezone.localtime(result.downloaded_at), "DATETIME_FORMAT"),
    }


def _job_result_take(*, actor: User, result: JobResult) -> File:
    if result.job.owner_id != actor.pk:
        raise PermissionDenied(_("Only the person who started this job may download this file."))
    with transaction.atomic():
        # Two clicks at once: the row lock lets one of them take the file.
        locked = JobResult.objects.select_for_update().get(pk=result.pk)
        if locked.downloaded_at is not None:
            raise JobResultGoneError(job_result_downloaded_text(locked))
        with locked.file.open("rb") as stream:
            content = stream.read()
        locked.downloaded_at = timezone.now()
        locked.downloaded_by = actor
        locked.save(update_fields=["downloaded_at", "downloaded_by"])
        audit_record(
            actor=actor,
            action=AuditAction.DOWNLOAD,
            obj=locked,
            object_repr=locked.name,
            changes={
                "job": locked.job_id,
                "sha256": locked.sha256,
                "size": locked.size,
                "once": True,
            },
        )
        stored = locked.file.name
        # The secrets leave the disk only once the download is on the record.
        transaction.on_commit(lambda: locked.file.storage.delete(stored))
    return File(io.BytesIO(content), name=locked.name)


# --- Run by the worker ----------------------------------------------------------------
@dataclass
class JobContext:
    """What a kind's function gets: its job's parameters and owner, and the means to
    report progress, write its log, add result files and notice a cancel."""

    job_id: int
    kind: JobKind
    parameters: dict[str, Any]
    owner: User

    def progress(self, percent: float, message: str = "") -> None:
        """Report ``percent`` (0-100) done and what is being done; stops the job here
        (raises JobCancelled) when it was cancelled."""
        clamped = max(0, min(100, int(percent)))
        Job.objects.filter(pk=self.job_id).update(
            progress_percent=clamped, progress_message=message[:300]
        )
        self.check_cancelled()

    def log(self, message: str, level: JobLogLevel | str = JobLogLevel.INFO) -> None:
        job_log(job_id=self.job_id, message=message, level=level)

    def add_result(
        self, *, name: str, content: bytes, content_type: str, once: bool = False
    ) -> JobResult:
        """Keep ``content`` as a result file; ``once``: it holds secrets, only the owner
        downloads it, once."""
        return job_result_add(
            job_id=self.job_id, name=name, content=content, content_type=content_type, once=once
        )

    def add_result_file(self, *, name: str, path: Path, content_type: str) -> JobResult:
        """Keep the file at ``path`` (written on disk by the kind, e.g. a zip built as it
        streams) as a result, read and hashed in chunks, never whole in memory."""
        return job_result_add_file(
            job_id=self.job_id, name=name, path=path, content_type=content_type
        )

    def cancelled(self) -> bool:
        return bool(
            Job.objects.filter(pk=self.job_id, cancel_requested=True).values_list("pk").exists()
        )

    def check_cancelled(self) -> None:
        if self.cancelled():
            raise JobCancelled


def job_log(*, job_id: int, message: str, level: JobLogLevel | str = JobLogLevel.INFO) -> None:
    """Append a line to the job's log, keeping the newest JOB_LOG_MAX_LINES."""
    if level not in JobLogLevel.values:
        level = JobLogLevel.INFO
    JobLogLine.objects.create(
        job_id=job_id, at=timezone.now(), level=level, message=message[:JOB_LOG_MESSAGE_MAX]
    )
    if JobLogLine.objects.filter(job_id=job_id).count() > JOB_LOG_MAX_LINES:
        _log_trim(job_id)


def _log_trim(job_id: int) -> None:
    keep_from = (
        JobLogLine.objects.filter(job_id=job_id)
        .order_by("-id")
        .values_list("id", flat=True)[JOB_LOG_MAX_LINES - 1 : JOB_LOG_MAX_LINES]
        .first()
    )
    if keep_from is None:
        return
    dropped, _counts = JobLogLine.objects.filter(job_id=job_id, id__lt=keep_from).delete()
    if dropped:
        Job.objects.filter(pk=job_id).update(log_dropped=F("log_dropped") + dropped)


def _safe_result_name(name: str) -> str:
    # The last part of a path only, never a hidden or relative name.
    try:
        safe_name = get_valid_filename(PurePath(name.replace("\\", "/")).name).lstrip(".")[:150]
    except SuspiciousFileOperation:  # nothing usable left of the name
        safe_name = ""
    return safe_name or "result"


def job_result_add_file(*, job_id: int, name: str, path: Path, content_type: str) -> JobResult:
    """Store the file at ``path`` as a result of the job, with its size and SHA-256,
    copied and hashed in chunks (for results too large to hold in memory)."""
    size = path.stat().st_size
    if size > JOB_RESULT_MAX_FILE_BYTES:
        raise JobFailed(_("The result file is too large to keep."))
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    safe_name = _safe_result_name(name)
    result = JobResult(
        job_id=job_id,
        name=safe_name,
        size=size,
        sha256=digest.hexdigest(),
        content_type=content_type[:100] or "application/octet-stream",
    )
    with path.open("rb") as stream:
        result.file.save(f"{uuid.uuid4().hex}/{safe_name}", File(stream), save=False)
    result.save()
    return result


def job_result_add(
    *, job_id: int, name: str, content: bytes, content_type: str, once: bool = False
) -> JobResult:
    """Store a result file of the job with its size and SHA-256."""
    if len(content) > JOB_RESULT_MAX_BYTES:
        raise JobFailed(_("The result file is too large to keep."))
    safe_name = _safe_result_name(name)
    result = JobResult(
        job_id=job_id,
        name=safe_name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_type=content_type[:100] or "application/octet-stream",
        once=once,
    )
    # A random folder per file: two results of one job may share a name.
    result.file.save(f"{uuid.uuid4().hex}/{safe_name}", ContentFile(content), save=False)
    result.save()
    return result


def _claim(job_id: int) -> bool:
    """Take the job if it is still queued (at-least-once delivery: a second delivery,
    or a job cancelled while queued, finds nothing to take)."""
    return bool(
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED, cancel_requested=False).update(
            status=JobStatus.RUNNING,
            started_at=timezone.now(),
            attempts=F("attempts") + 1,
            progress_message="",
        )
    )


def _finish(job_id: int, status: JobStatus, **fields: Any) -> None:
    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        status=status, finished_at=timezone.now(), **fields
    )


def job_run(*, job_id: int) -> str:
    """Run a queued job to its end; returns the status it ended in (or "skipped" when it
    was not queued). The kind's own errors end the job as failed with their reason; it
    never raises for them, so one bad job never blocks a queue."""
    if not _claim(job_id):
        return "skipped"
    job = Job.objects.select_related("owner").get(pk=job_id)
    try:
        kind = job_kind_get(job.kind)
    except UnknownJobKindError:
        _finish(job_id, JobStatus.FAILED, error=_("This kind of job no longer exists."))
        return JobStatus.FAILED
    context = JobContext(job_id=job_id, kind=kind, parameters=job.parameters, owner=job.owner)
    with translation.override(job.language or None):
        return _run_kind(job, kind, context)


def _run_kind(job: Job, kind: JobKind, context: JobContext) -> str:
    job_id = job.pk
    try:
        context.check_cancelled()
        kind.run(context)
    except JobCancelled:
        context.log(_("Cancelled."), JobLogLevel.WARNING)
        _finish(job_id, JobStatus.CANCELLED, progress_message=_("Cancelled."))
        return JobStatus.CANCELLED
    except JobFailed as failure:
        reason = str(failure) or _("The job failed.")
        context.log(reason, JobLogLevel.ERROR)
        _finish(job_id, JobStatus.FAILED, error=reason)
        return JobStatus.FAILED
    except Exception as error:  # the job ends failed, the worker goes on to the next
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        reason = _("Stopped by an unexpected error: %(error)s") % {
            "error": f"{type(error).__name__}: {error}"[:500]
        }
        context.log(reason, JobLogLevel.ERROR)
        _finish(job_id, JobStatus.FAILED, error=reason)
        return JobStatus.FAILED
    _finish(job_id, JobStatus.SUCCEEDED, progress_percent=100)
    return JobStatus.SUCCEEDED
