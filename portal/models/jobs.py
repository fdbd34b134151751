"""Jobs: long work run by a Celery worker, with progress, a log and result files.

The core knows no domain: a job's ``kind`` names an entry of the registry
(``portal/job_kinds.py``), which the apps fill from their AppConfig. The lifecycle:

    queued -> running -> succeeded | failed | cancelled
    queued -> cancelled                      (cancelled before a worker took it)

A worker claims a queued job with a conditional UPDATE (delivery is at least once, so a
second delivery finds it no longer queued and does nothing). Cancelling a running job
sets ``cancel_requested``; the kind's function sees it at its next progress report or
check and stops there (cooperative: nothing is killed half-way through a write).

Surviving failures (docs/operations.md): each claim gets a ``run_token`` and the worker
beats ``heartbeat_at`` while it runs; a running job whose heartbeat is stale lost its
worker (killed, host gone) and is taken again, by a redelivery of its message or by the
reaper (beat), and resumes from its ``checkpoint``. A transient failure sends the job
back to the queue for a later attempt (``next_attempt_at``), up to ``max_attempts``.

    running -> queued     (a retry after a transient failure, or its worker was lost)
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# A job's log keeps its newest lines only: a kind that logs a line per row of a
# ten-million-row file must not fill the database (the count of dropped lines is kept).
JOB_LOG_MAX_LINES = 500
JOB_LOG_MESSAGE_MAX = 1000


class JobStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("job status", "Queued")
    RUNNING = "running", pgettext_lazy("job status", "Running")
    SUCCEEDED = "succeeded", pgettext_lazy("job status", "Succeeded")
    FAILED = "failed", pgettext_lazy("job status", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("job status", "Cancelled")


FINISHED_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})


class JobQueue(models.TextChoices):
    """The Celery queues (CELERY_TASK_ROUTES; docs/operations.md): alerts have their own so
    that a long import never delays them."""

    DEFAULT = "default", _("Default")
    IMPORTS = "imports", _("Imports")
    ANALYTICS = "analytics", _("Analytics")
    REPORTS = "reports", _("Reports")
    ALERTS = "alerts", _("Alerts")


class JobLogLevel(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    ERROR = "error", _("Error")


class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="jobs",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress_percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_message = models.CharField(_("progress"), max_length=300, blank=True)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    error = models.TextField(_("reason of the failure"), blank=True)
    # Room for the queues and retries of the imports issue: the queue the job was sent
    # to, the Celery task id, and how many times a worker took it.
    queue = models.CharField(_("queue"), max_length=50, blank=True)
    task_id = models.CharField(_("task ID"), max_length=50, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("most attempts"), default=5)
    # When a job sent back to the queue (a retry) is due, and when it was last sent.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("sent to the queue"), null=True, blank=True)
    # The claim of the worker running it: writes of another claim are refused, and a
    # heartbeat older than JOB_STALE_AFTER_S says the worker is gone.
    run_token = models.CharField(_("run token"), max_length=32, blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    # Where a restarted job resumes (the kind's own JSON, saved by context.save_checkpoint
    # in the transaction of the step it ends), and its named counters per stage.
    checkpoint = models.JSONField(_("checkpoint"), default=dict, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # Items done of the total, for the rate and the time left; items_at_start is what
    # was done when the current attempt started (the rate is of this attempt only).
    items_done = models.PositiveBigIntegerField(_("items done"), default=0)
    items_total = models.PositiveBigIntegerField(_("items in all"), null=True, blank=True)
    items_at_start = models.PositiveBigIntegerField(default=0)
    schedule = models.ForeignKey(
        "portal.JobSchedule",
        verbose_name=_("schedule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
    )
    # The language of the person who started it: the worker writes the progress, the
    # log and the reports in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    log_dropped = models.PositiveIntegerField(_("log lines dropped"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]
        default_permissions = ()
        permissions = [
            ("view_every_job", _("Can see every person's jobs and their results")),
            ("cancel_every_job", _("Can cancel every person's jobs")),
            ("manage_job_schedules", _("Can schedule periodic jobs")),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="portal_job_owner_created"),
            # The reaper's look-up of running jobs by heartbeat.
            models.Index(fields=["status", "heartbeat_at"], name="portal_job_status_heartbeat"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress_percent__lte=100), name="portal_job_progress_max_100"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values), name="portal_job_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class JobLogLine(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="log_lines")
    at = models.DateTimeField(_("time"))
    level = models.CharField(
        _("level"), max_length=10, choices=JobLogLevel.choices, default=JobLogLevel.INFO
    )
    message = models.CharField(_("message"), max_length=JOB_LOG_MESSAGE_MAX)

    class Meta:
        verbose_name = _("job log line")
        verbose_name_plural = _("job log lines")
        ordering = ["id"]
        default_permissions = ()

    def __str__(self) -> str:
        return self.message


def job_result_path(instance: "JobResult", filename: str) -> str:
    return f"jobs/{instance.job_id}/{filename}"


class JobResult(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="results")
    file = models.FileField(_("file"), upload_to=job_result_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("type"), max_length=100)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # A result that holds secrets (one-time passwords, invitation links): only the job's
    # owner may download it, once; the file is deleted as it is downloaded, and who took
    # it and when stays, for the page and the audit.
    once = models.BooleanField(_("downloadable once"), default=False)
    downloaded_at = models.DateTimeField(_("downloaded"), null=True, blank=True)
    downloaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("downloaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("job result")
        verbose_name_plural = _("job results")
        ordering = ["id"]
        default_permissions = ()

    def __str__(self) -> str:
        return self.name


class JobScheduleType(models.TextChoices):
    INTERVAL = "interval", _("Every so many minutes")
    CRONTAB = "crontab", _("At set times (crontab)")


class JobSchedule(models.Model):
    """A job kind started periodically with fixed parameters, as ``owner``. Kept in step
    with a django-celery-beat PeriodicTask (which beat reads) by the services."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=100)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("runs as"),
        on_delete=models.PROTECT,
        related_name="job_schedules",
    )
    schedule_type = models.CharField(_("repeats"), max_length=10, choices=JobScheduleType.choices)
    every_minutes = models.PositiveIntegerField(_("every (minutes)"), null=True, blank=True)
    crontab = models.CharField(_("crontab"), max_length=100, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="job_schedule",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("job schedule")
        verbose_name_plural = _("job schedules")
        ordering = ["name"]
        default_permissions = ()

    def __str__(self) -> str:
        return self.name
