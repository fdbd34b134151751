"""Every change of a job: start (by a person), run (by a worker), cancel (by a person).

``job_start`` validates the parameters with the kind's form, creates the job and sends
it to Celery once the transaction commits. The worker's task calls ``job_run``, which
claims the job, hands the kind's function a ``JobContext`` and records how it ended.
The context writes each progress report, log line and result file at once (its own
autocommit), so that the job's page shows them while the job runs.

Surviving failures (docs/operations.md). The claim is a conditional UPDATE that hands
the run a token; only writes with that token count, so a job runs to its end once. While
it runs, a thread beats its heartbeat; the reaper (``jobs_reap``, on beat) queues again
a running job whose worker stopped beating (killed, host lost), and a redelivered message
of such a job takes it too. A restarted job gets its last ``checkpoint``: a kind that
writes in steps saves it in the transaction of each step (``context.save_checkpoint``)
and so resumes where it was, nothing written twice. Transient failures (the database or
a connection lost, ``JobRetry``, the kind's ``retry_on``) send the job back to its queue
after an exponential backoff, up to its kind's number of attempts, then it ends failed
with the reason: a job never blocks its queue.
"""

import hashlib
import json
import logging
import os
import re
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
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
    JobSchedule,
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


class JobRetry(Exception):  # noqa: N818  (a signal to try again, not an error)
    """Raised by a kind's function for a transient failure (a remote service did not
    answer): the job goes back to its queue and is tried again later, with the work its
    checkpoint kept. The message is the reason shown in the log."""


class JobLost(Exception):  # noqa: N818
    """The run no longer holds its job (the reaper gave it to another worker after this
    one stopped beating): it stops at once, writing nothing more."""


# Failures worth another attempt: the database or a connection lost for a while.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    JobRetry,
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
)
COUNTER_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _json_parameters(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The cleaned parameters as stored (dates and decimals as text)."""
    return json.loads(json.dumps(cleaned, cls=DjangoJSONEncoder))


def _enqueue(job_id: int, queue: str, countdown: float = 0) -> None:
    from portal.tasks import job_run_task  # the task module imports this one

    options: dict[str, Any] = {"queue": queue or "default"}
    if countdown > 0:
        options["countdown"] = countdown
    try:
        result = job_run_task.apply_async(args=(job_id,), **options)
    except Exception:  # the broker away: the job stays queued, the reaper sends it later
        logger.exception("Job %s could not be sent to the queue %s", job_id, queue)
        return
    Job.objects.filter(pk=job_id).update(task_id=result.id, enqueued_at=timezone.now())


def job_start(
    *,
    actor: User,
    kind_name: str,
    parameters: dict[str, Any] | None,
    schedule: JobSchedule | None = None,
) -> Job:
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
            queue=kind.queue_name,
            max_attempts=kind.attempts_allowed(),
            language=translation.get_language() or "",
            schedule=schedule,
        )
        job.full_clean()
        job.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=job,
            object_repr=str(kind.label)[:300],
            changes={
                "kind": kind.name,
                "parameters": job.parameters,
                **({"schedule": schedule.pk} if schedule is not None else {}),
            },
        )
        transaction.on_commit(lambda: _enqueue(job.pk, kind.queue_name))
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
            next_attempt_at=None,
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


# --- Run by the worker ----------------------------------------------------------------
@dataclass
class JobContext:
    """What a kind's function gets: its job's parameters and owner, and the means to
    report progress, items and counters, write its log, add result files, keep a
    checkpoint and notice a cancel. Every write is refused once the run has lost its job
    (raises JobLost)."""

    job_id: int
    kind: JobKind
    parameters: dict[str, Any]
    owner: User
    run_token: str = ""
    # What the last run saved with save_checkpoint ({} on the first run): where to resume.
    checkpoint: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    attempt: int = 1

    def _mine(self) -> Any:
        jobs = Job.objects.filter(pk=self.job_id)
        return jobs.filter(run_token=self.run_token) if self.run_token else jobs

    def _update(self, **fields: Any) -> None:
        if not self._mine().update(heartbeat_at=timezone.now(), **fields):
            raise JobLost

    def progress(
        self,
        percent: float,
        message: str = "",
        *,
        done: int | None = None,
        total: int | None = None,
    ) -> None:
        """Report ``percent`` (0-100) done and what is being done, and optionally the
        items ``done`` of ``total`` (for the rate and the time left); stops the job here
        (raises JobCancelled) when it was cancelled."""
        clamped = max(0, min(100, int(percent)))
        fields: dict[str, Any] = {"progress_percent": clamped, "progress_message": message[:300]}
        if done is not None:
            fields["items_done"] = max(0, int(done))
        if total is not None:
            fields["items_total"] = max(0, int(total))
        self._update(**fields)
        self.check_cancelled()

    def items(self, done: int, total: int | None = None, message: str = "") -> None:
        """Report the items ``done`` of ``total``; the percent follows from them."""
        percent = 100 * done / total if total else 0
        self.progress(percent, message, done=done, total=total)

    def count(self, **increments: int) -> dict[str, int]:
        """Add to the job's named counters (read, valid, invalid, created, matched...).
        Called in the transaction of a step that also saves the checkpoint, the counts
        stay exact across a restart."""
        for name, amount in increments.items():
            if not COUNTER_NAME.match(name):
                raise ValueError(f"A counter's name is lower-case letters: {name!r}.")
            self.counts[name] = self.counts.get(name, 0) + int(amount)
        self._update(counts=dict(self.counts))
        return self.counts

    def save_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        """Keep where the job is, for a restart: call it in the transaction that writes
        the step it ends, so that the step and its checkpoint commit together."""
        stored = json.loads(json.dumps(checkpoint, cls=DjangoJSONEncoder))
        self._update(checkpoint=stored)
        self.checkpoint = stored

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


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def _stale_before() -> Any:
    return timezone.now() - timedelta(seconds=float(settings.JOB_STALE_AFTER_S))


def _claim(job_id: int) -> str | None:
    """Take the job if it is queued, or running for a worker that stopped beating (its
    message redelivered after the worker was killed); return the run's token. A second
    delivery of a job that runs or ended, or a job cancelled while queued, finds nothing
    to take. One UPDATE: two workers never both take it."""
    token = uuid.uuid4().hex
    now = timezone.now()
    taken = (
        Job.objects.filter(pk=job_id, cancel_requested=False)
        .filter(
            Q(status=JobStatus.QUEUED)
            | Q(status=JobStatus.RUNNING, heartbeat_at__lt=_stale_before())
        )
        .update(
            status=JobStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            run_token=token,
            worker=worker_name(),
            next_attempt_at=None,
            attempts=F("attempts") + 1,
            items_at_start=F("items_done"),
            progress_message="",
        )
    )
    return token if taken else None


def _finish(job_id: int, token: str, status: JobStatus, **fields: Any) -> bool:
    return bool(
        Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, run_token=token).update(
            status=status, finished_at=timezone.now(), heartbeat_at=None, **fields
        )
    )


@contextmanager
def _heartbeat(job_id: int, token: str) -> Iterator[None]:
    """Beat the job's heartbeat from a thread of its own while the kind works, even in a
    long step that reports nothing: a stale heartbeat then means the worker is gone."""
    stop = threading.Event()
    interval = float(settings.JOB_HEARTBEAT_S)

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    Job.objects.filter(pk=job_id, run_token=token, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # the database away for a moment: the next beat tries
                    logger.warning("Job %s: heartbeat not written", job_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 5)


def job_run(*, job_id: int) -> str:
    """Run a queued job to its end; returns the status it ended in ("queued" when it was
    sent back for another attempt, "skipped" when it was not there to take). The kind's
    own errors end the job as failed with their reason; it never raises for them, so one
    bad job never blocks a queue."""
    token = _claim(job_id)
    if token is None:
        return "skipped"
    job = Job.objects.select_related("owner").get(pk=job_id)
    try:
        kind = job_kind_get(job.kind)
    except UnknownJobKindError:
        _finish(job_id, token, JobStatus.FAILED, error=_("This kind of job no longer exists."))
        return JobStatus.FAILED
    context = JobContext(
        job_id=job_id,
        kind=kind,
        parameters=job.parameters,
        owner=job.owner,
        run_token=token,
        checkpoint=dict(job.checkpoint or {}),
        counts=dict(job.counts or {}),
        attempt=job.attempts,
    )
    with translation.override(job.language or None), _heartbeat(job_id, token):
        if job.attempts > 1:
            context.log(
                _("Attempt %(attempt)s of %(most)s.")
                % {"attempt": job.attempts, "most": job.max_attempts}
                + (" " + _("Resuming from its last checkpoint.") if job.checkpoint else "")
            )
        return _run_kind(job, kind, context)


def _retry_delay(attempt: int) -> float:
    """Seconds before the attempt after ``attempt``: doubling from JOB_RETRY_BASE_S."""
    base = float(settings.JOB_RETRY_BASE_S)
    return min(float(settings.JOB_RETRY_MAX_S), base * 2 ** (attempt - 1))


def _failure_reason(error: BaseException) -> str:
    if isinstance(error, JobRetry | JobFailed) and str(error):
        return str(error)[:500]
    return f"{type(error).__name__}: {error}"[:500]


def _retry_or_fail(job: Job, kind: JobKind, context: JobContext, error: BaseException) -> str:
    """A transient failure: back to the queue for a later attempt, or failed for good
    once the attempts are spent."""
    if isinstance(error, OperationalError | InterfaceError) and not connection.in_atomic_block:
        # A broken connection is dropped: the next query opens a new one.
        connection.close_if_unusable_or_obsolete()
    reason = _failure_reason(error)
    job.refresh_from_db(fields=["attempts", "max_attempts"])
    if job.attempts >= job.max_attempts:
        failure = _("Failed after %(attempts)s attempts: %(reason)s") % {
            "attempts": job.attempts,
            "reason": reason,
        }
        context.log(failure, JobLogLevel.ERROR)
        _finish(job.pk, context.run_token, JobStatus.FAILED, error=failure)
        return JobStatus.FAILED
    delay = _retry_delay(job.attempts)
    requeued = Job.objects.filter(
        pk=job.pk, status=JobStatus.RUNNING, run_token=context.run_token
    ).update(
        status=JobStatus.QUEUED,
        run_token="",
        heartbeat_at=None,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )
    if not requeued:
        return "lost"
    context.log(
        _(
            "Attempt %(attempt)s of %(most)s failed: %(reason)s. "
            "Attempt %(next)s of %(most)s in %(delay)s s."
        )
        % {
            "attempt": job.attempts,
            "most": job.max_attempts,
            "reason": reason,
            "next": job.attempts + 1,
            "delay": f"{delay:g}",
        },
        JobLogLevel.WARNING,
    )
    _enqueue(job.pk, job.queue or kind.queue_name, countdown=delay)
    return JobStatus.QUEUED


def _run_kind(job: Job, kind: JobKind, context: JobContext) -> str:
    job_id = job.pk
    token = context.run_token
    try:
        context.check_cancelled()
        kind.run(context)
    except JobLost:
        logger.warning("Job %s: taken by another worker; this run stops", job_id)
        return "lost"
    except JobCancelled:
        context.log(_("Cancelled."), JobLogLevel.WARNING)
        _finish(job_id, token, JobStatus.CANCELLED, progress_message=_("Cancelled."))
        return JobStatus.CANCELLED
    except JobFailed as failure:
        reason = str(failure) or _("The job failed.")
        context.log(reason, JobLogLevel.ERROR)
        _finish(job_id, token, JobStatus.FAILED, error=reason)
        return JobStatus.FAILED
    except (*TRANSIENT_ERRORS, *kind.retry_on) as error:
        logger.warning("Job %s (%s): transient failure", job_id, job.kind, exc_info=True)
        return _retry_or_fail(job, kind, context, error)
    except Exception as error:  # the job ends failed, the worker goes on to the next
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        reason = _("Stopped by an unexpected error: %(error)s") % {
            "error": f"{type(error).__name__}: {error}"[:500]
        }
        context.log(reason, JobLogLevel.ERROR)
        _finish(job_id, token, JobStatus.FAILED, error=reason)
        return JobStatus.FAILED
    _finish(job_id, token, JobStatus.SUCCEEDED, progress_percent=100)
    return JobStatus.SUCCEEDED
