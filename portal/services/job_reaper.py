"""The jobs' reaper (a beat task, every JOB_REAP_EVERY_S): running jobs whose worker
stopped beating (killed, its host gone) go back to the queue, or end; queued jobs whose
message may be lost are sent again (docs/operations.md, "Jobs and queues")."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import Job, JobLogLevel, JobStatus

# The job core's module, not its names: its sending is the one place tests replace.
from portal.services import jobs as job_core


@dataclass
class ReapReport:
    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    resent: list[int] = field(default_factory=list)


def jobs_reap() -> ReapReport:
    """Find running jobs whose worker stopped beating and queue them again (or end them:
    failed once their attempts are spent, cancelled when a cancel was asked); send again
    the queued jobs whose message may be lost. Each change is one conditional UPDATE, so
    two reapers, or a redelivery at the same moment, never both take a job."""
    report = ReapReport()
    stale = Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=job_core._stale_before())
    for job in stale.only(
        "pk", "queue", "attempts", "max_attempts", "cancel_requested", "language"
    ):
        _reap_one(job, report)
    resend_before = timezone.now() - timedelta(seconds=int(settings.JOB_QUEUED_RESEND_AFTER_S))
    never_sent = Q(enqueued_at__isnull=True, created_at__lt=job_core._stale_before())
    forgotten = (
        Job.objects.filter(status=JobStatus.QUEUED, cancel_requested=False)
        .filter(never_sent | Q(enqueued_at__lt=resend_before))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=resend_before))
    )
    for job_id, queue in forgotten.values_list("pk", "queue")[:500]:
        job_core._enqueue(job_id, queue)
        report.resent.append(job_id)
    return report


def _reap_one(job: Job, report: ReapReport) -> None:
    still_stale = Job.objects.filter(
        pk=job.pk, status=JobStatus.RUNNING, heartbeat_at__lt=job_core._stale_before()
    )
    with translation.override(job.language or None):
        if job.cancel_requested:
            if still_stale.update(
                status=JobStatus.CANCELLED,
                finished_at=timezone.now(),
                progress_message=_("Cancelled."),
                heartbeat_at=None,
            ):
                job_core.job_log(job_id=job.pk, message=_("Cancelled."), level=JobLogLevel.WARNING)
                report.cancelled.append(job.pk)
            return
        if job.attempts >= job.max_attempts:
            reason = _(
                "Failed after %(attempts)s attempts: its worker stopped while running it."
            ) % {"attempts": job.attempts}
            if still_stale.update(
                status=JobStatus.FAILED, finished_at=timezone.now(), error=reason, heartbeat_at=None
            ):
                job_core.job_log(job_id=job.pk, message=reason, level=JobLogLevel.ERROR)
                report.failed.append(job.pk)
            return
        if still_stale.update(status=JobStatus.QUEUED, run_token="", heartbeat_at=None):
            job_core.job_log(
                job_id=job.pk,
                message=_("Its worker stopped while running it: sent back to the queue."),
                level=JobLogLevel.WARNING,
            )
            job_core._enqueue(job.pk, job.queue)
            report.requeued.append(job.pk)
