"""Reads of jobs, through the person's reach: their own jobs, or everyone's for those
allowed to see every job (administrators). Outside the reach a job does not exist (404)."""

from django.db.models import QuerySet
from django.http import Http404

from portal.models import Job, JobLogLine, JobResult, User


def _may_see_every_job(user: User) -> bool:
    return user.has_perm("portal.view_every_job")


def job_list_for_user(*, user: User, status: str = "") -> QuerySet[Job]:
    jobs = Job.objects.select_related("owner").order_by("-created_at", "-id")
    if not _may_see_every_job(user):
        jobs = jobs.filter(owner=user)
    if status:
        jobs = jobs.filter(status=status)
    return jobs


def job_get_for_user(*, user: User, pk: int) -> Job:
    job = job_list_for_user(user=user).filter(pk=pk).first()
    if job is None:
        raise Http404("No such job.")
    return job


def job_log_lines(*, job: Job) -> list[JobLogLine]:
    """The kept lines of the log (the newest JOB_LOG_MAX_LINES), oldest first."""
    return list(JobLogLine.objects.filter(job=job).order_by("id"))


def job_results(*, job: Job) -> list[JobResult]:
    return list(JobResult.objects.filter(job=job).select_related("downloaded_by").order_by("id"))


def job_result_get_for_user(*, user: User, job_pk: int, result_pk: int) -> JobResult:
    """A result file of a job the person may see; 404 otherwise."""
    job = job_get_for_user(user=user, pk=job_pk)
    result = JobResult.objects.filter(job=job, pk=result_pk).select_related("job").first()
    if result is None:
        raise Http404("No such result.")
    return result
