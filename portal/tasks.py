"""Periodic work of the core, on Celery. Thin: the logic lives in selectors and services."""

import logging
from dataclasses import asdict
from datetime import timedelta
from typing import TypedDict

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from portal.selectors.audit_anchors import audit_trail_verify
from portal.services.audit_anchors import audit_chain_anchor
from portal.services.audit_review import audit_activity_rollup
from portal.services.training_reminders import training_reminders_send
from portal.services.user_import_jobs import user_import_uploads_sweep

logger = logging.getLogger(__name__)


class ChainReport(TypedDict):
    checked: int
    intact: bool
    broken_at: int | None
    problem: str
    anchors: int
    problems: list[str]


@shared_task(name="portal.audit_chain_verify")
def audit_chain_verify_task() -> ChainReport:
    """Check the audit chain and its anchors (nightly, see CELERY_BEAT_SCHEDULE); an error
    in the log and in the stored result for each problem. Read-only, so a retry is
    harmless."""
    verification = audit_trail_verify()
    broken = verification.walk.broken
    for problem in verification.problems:
        logger.error("Audit trail: %s", problem)
    return {
        "checked": verification.walk.checked,
        "intact": not verification.problems,
        "broken_at": broken.record_id if broken else None,
        "problem": broken.problem if broken else "",
        "anchors": verification.anchors,
        "problems": verification.problems,
    }


class AnchorReport(TypedDict):
    record_id: int | None
    count: int


@shared_task(name="portal.audit_chain_anchor")
def audit_chain_anchor_task() -> AnchorReport:
    """Append the signed head of the audit chain to the anchor file (every few minutes,
    see AUDIT_ANCHOR_EVERY_MINUTES). Run twice, it appends the same head twice, which
    verifies the same: harmless."""
    anchor = audit_chain_anchor()
    if anchor is None:
        return {"record_id": None, "count": 0}
    return {"record_id": anchor["record_id"], "count": anchor["count"]}


@shared_task(name="portal.audit_activity_rollup")
def audit_activity_rollup_task() -> int:
    """Count the newest audit records into the auditor's activity summary (every few
    minutes, see CELERY_BEAT_SCHEDULE). Idempotent: the mark of the last record counted
    moves with the counts, under a lock."""
    return audit_activity_rollup()


@shared_task(name="portal.user_import_uploads_sweep")
def user_import_uploads_sweep_task() -> int:
    """Delete the uploads of bulk user creation nobody confirmed (hourly, see
    CELERY_BEAT_SCHEDULE): they hold personal data. Deleting twice deletes nothing more."""
    return user_import_uploads_sweep(
        older_than=timedelta(hours=settings.USER_IMPORT_UPLOAD_TTL_HOURS)
    )


@shared_task(name="portal.job_run", bind=True, max_retries=None)
def job_run_task(self: Task, job_id: int) -> str:
    """Run one job (portal/services/jobs.py), on its kind's queue. Delivered at least
    once: a second delivery finds the job no longer queued and returns "skipped". The
    database away even for writing the job's end: tried again later (the job's stale
    heartbeat then lets the next delivery take it)."""
    from portal.services.jobs import job_run

    try:
        return job_run(job_id=job_id)
    except (OperationalError, InterfaceError) as error:
        logger.warning("Job %s: the database is unreachable; trying again", job_id)
        delay = max(2 * float(settings.JOB_STALE_AFTER_S), float(settings.JOB_RETRY_BASE_S))
        raise self.retry(exc=error, countdown=delay) from error


@shared_task(name="portal.jobs_reap")
def jobs_reap_task() -> dict[str, list[int]]:
    """Queue again the running jobs whose worker is gone (every JOB_REAP_EVERY_S, see
    CELERY_BEAT_SCHEDULE). Each job is taken by one conditional update: harmless twice."""
    from portal.services.job_reaper import jobs_reap

    return asdict(jobs_reap())


@shared_task(name="portal.job_schedule_run")
def job_schedule_run_task(schedule_id: int) -> int | None:
    """Start the job of a periodic schedule (its PeriodicTask, django-celery-beat); the
    id of the job started, None when the schedule is gone, disabled or no longer valid."""
    from portal.services.job_schedules import job_schedule_run

    job = job_schedule_run(schedule_id=schedule_id)
    return job.pk if job is not None else None


class TrainingReminderReport(TypedDict):
    certificates: int
    sessions: int


@shared_task(name="portal.training_reminders_send")
def training_reminders_send_task() -> TrainingReminderReport:
    """E-mail the reminders of certificates about to expire and sessions about to start
    (daily, see CELERY_BEAT_SCHEDULE). Each is sent once, however often this runs."""
    report = training_reminders_send()
    return {"certificates": report.certificates, "sessions": report.sessions}
