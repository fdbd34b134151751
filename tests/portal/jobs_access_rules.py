"""The jobs' part of the access table (tests/portal/test_url_access.py): a job of the
analyst's, which the analyst and administrators reach and nobody else finds (404)."""

from typing import Any

from tests.access_policy import ADMIN, ALL_ROLES, ANALYST, Rule, pk_of

JOB_REACH = frozenset({ANALYST, ADMIN})


def _result(objs: dict[str, Any]) -> dict[str, Any]:
    return {"pk": objs["job"].pk, "result_id": objs["job_result"].pk}


JOB_RULES: dict[str, Rule] = {
    # Everyone may list their own jobs (administrators every job).
    "portal:job-list": Rule(ALL_ROLES),
    # Starting needs the kind's permission: verifying the audit trail is administrators'.
    "portal:job-start": Rule(
        frozenset({ADMIN}), method="post", kwargs=lambda objs: {"kind": "portal.audit_verify"}
    ),
    "portal:job-detail": Rule(JOB_REACH, kwargs=pk_of("job"), denied_status=404),
    "portal:job-cancel": Rule(JOB_REACH, method="post", kwargs=pk_of("job"), denied_status=404),
    "portal:job-result-download": Rule(JOB_REACH, kwargs=_result, denied_status=404),
    "api:job-list": Rule(ALL_ROLES),
    "api:job-kind-list": Rule(ALL_ROLES),
    "api:job-detail": Rule(JOB_REACH, kwargs=pk_of("job"), denied_status=404),
    "api:job-cancel": Rule(JOB_REACH, method="post", kwargs=pk_of("job"), denied_status=404),
    "api:job-result-download": Rule(JOB_REACH, kwargs=_result, denied_status=404),
    # Periodic jobs: administrators only (portal.manage_job_schedules).
    "portal:job-schedule-list": Rule(frozenset({ADMIN})),
    "portal:job-schedule-create": Rule(frozenset({ADMIN})),
    "portal:job-schedule-edit": Rule(frozenset({ADMIN}), kwargs=pk_of("job_schedule")),
    "portal:job-schedule-delete": Rule(
        frozenset({ADMIN}), method="post", kwargs=pk_of("job_schedule")
    ),
    "api:job-schedule-list": Rule(frozenset({ADMIN})),
    "api:job-schedule-detail": Rule(frozenset({ADMIN}), kwargs=pk_of("job_schedule")),
}


def job_objects(personas: dict[str, Any]) -> dict[str, Any]:
    """A finished job of the analyst's, with a log and a result file."""
    from django.utils import timezone

    from portal.models import Job, JobStatus
    from portal.services.jobs import job_log, job_result_add

    now = timezone.now()
    job = Job.objects.create(
        kind="portal.audit_verify",
        owner=personas["analyst"],
        status=JobStatus.SUCCEEDED,
        progress_percent=100,
        progress_message="The audit chain is intact",
        started_at=now,
        finished_at=now,
    )
    job_log(job_id=job.pk, message="Verifying 1 audit records.")
    result = job_result_add(
        job_id=job.pk, name="report.txt", content=b"intact\n", content_type="text/plain"
    )
    from portal.models import JobSchedule

    schedule = JobSchedule.objects.create(
        name="Nightly audit check",
        kind="portal.audit_verify",
        owner=personas["administrator"],
        schedule_type="crontab",
        crontab="30 2 * * *",
    )
    return {"job": job, "job_result": result, "job_schedule": schedule}
