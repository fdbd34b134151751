"""Reads of jobs, through the person's reach: their own jobs, or everyone's for those
allowed to see every job (administrators). Outside the reach a job does not exist (404)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from portal.models import Job, JobLogLine, JobResult, JobSchedule, JobStatus, User


def _may_see_every_job(user: User) -> bool:
    return user.has_perm("portal.view_every_job")


def job_list_for_user(
    *,
    user: User,
    status: str = "",
    kind: str = "",
    owner: User | None = None,
    owner_username: str = "",
) -> QuerySet[Job]:
    """The person's jobs (everyone's for administrators), newest first, by status, kind
    and (for those who see every job) owner, given as a person or by username (none
    when nobody of that name started a job)."""
    jobs = Job.objects.select_related("owner").order_by("-created_at", "-id")
    if not _may_see_every_job(user):
        jobs = jobs.filter(owner=user)
    elif owner is not None:
        jobs = jobs.filter(owner=owner)
    elif owner_username:
        jobs = jobs.filter(owner__username=owner_username)
    if status:
        jobs = jobs.filter(status=status)
    if kind:
        jobs = jobs.filter(kind=kind)
    return jobs


def job_kinds_of_own_jobs(*, user: User) -> set[str]:
    """The kinds of the jobs this person started."""
    return set(Job.objects.filter(owner=user).values_list("kind", flat=True).distinct())


def job_owners_for_user(*, user: User) -> QuerySet[User]:
    """Whom the owner filter offers: those who started a job (administrators only)."""
    if not _may_see_every_job(user):
        return User.objects.none()
    return User.objects.filter(jobs__isnull=False).distinct().order_by("username")


@dataclass(frozen=True)
class JobSpeed:
    """How fast a job goes: items per second over the current attempt, and the seconds
    left, from the items when the kind reports a total, else from the percent."""

    rate_per_second: float | None
    eta_seconds: int | None


def job_speed(job: Job, now: datetime | None = None) -> JobSpeed:
    if job.status != JobStatus.RUNNING or job.started_at is None:
        return JobSpeed(rate_per_second=None, eta_seconds=None)
    elapsed = ((now or timezone.now()) - job.started_at).total_seconds()
    if elapsed <= 0:
        return JobSpeed(rate_per_second=None, eta_seconds=None)
    done_now = job.items_done - job.items_at_start
    rate = done_now / elapsed if done_now > 0 else None
    eta: float | None = None
    if rate and job.items_total is not None:
        eta = max(0, job.items_total - job.items_done) / rate
    elif 0 < job.progress_percent < 100:
        eta = elapsed * (100 - job.progress_percent) / job.progress_percent
    return JobSpeed(
        rate_per_second=round(rate, 2) if rate is not None else None,
        eta_seconds=round(eta) if eta is not None else None,
    )


def job_schedule_list() -> QuerySet[JobSchedule]:
    return JobSchedule.objects.select_related("owner", "periodic_task").order_by("name")


def job_schedule_owner_choices() -> QuerySet[User]:
    """Whom a schedule may run as: active people, by username (whether they may start
    the kind is the service's check)."""
    return User.objects.filter(is_active=True).order_by("username")


def job_schedule_get(*, pk: int) -> JobSchedule:
    schedule = job_schedule_list().filter(pk=pk).first()
    if schedule is None:
        raise Http404("No such schedule.")
    return schedule


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


# The usual stages a kind counts (context.count); other names are shown as they are.
STAGE_LABELS = {
    "read": pgettext_lazy("job counter", "Read"),
    "valid": pgettext_lazy("job counter", "Valid"),
    "invalid": pgettext_lazy("job counter", "Invalid"),
    "created": pgettext_lazy("job counter", "Created"),
    "updated": pgettext_lazy("job counter", "Updated"),
    "matched": pgettext_lazy("job counter", "Matched"),
    "skipped": pgettext_lazy("job counter", "Skipped"),
}


def job_counts_labelled(counts: dict[str, int]) -> list[tuple[str, int]]:
    """The job's counters as (label, value), the usual stages first in their order."""
    order = list(STAGE_LABELS)
    names = sorted(counts, key=lambda name: (order.index(name) if name in order else 99, name))
    return [(str(STAGE_LABELS.get(name, name)), counts[name]) for name in names]


def duration_text(seconds: int) -> str:
    """A short span for a person: "40 s", "3 min", "2 h 5 min"."""
    if seconds < 60:
        return _("%(seconds)s s") % {"seconds": seconds}
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(minutes)s min") % {"minutes": minutes}
    return _("%(hours)s h %(minutes)s min") % {"hours": minutes // 60, "minutes": minutes % 60}
