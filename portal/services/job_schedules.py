"""Periodic jobs: a job kind started on a schedule with fixed parameters, as its owner.

Beat (django-celery-beat's DatabaseScheduler) reads PeriodicTask rows; each JobSchedule
keeps one of its own in step (task ``portal.job_schedule_run`` with the schedule's id),
so that administrators manage schedules in the portal, validated by the kind's form,
and every change is audited. The job itself is started by ``job_start`` when the task
runs, checked again then: a schedule whose owner may no longer start the kind starts
nothing.
"""

import json
import logging
from dataclasses import dataclass
from typing import Any

from celery.schedules import crontab as celery_crontab
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from portal.job_kinds import UnknownJobKindError, job_kind_get
from portal.models import AuditAction, Job, JobSchedule, JobScheduleType, User
from portal.services.audit import audit_record
from portal.services.jobs import _json_parameters, job_start

logger = logging.getLogger(__name__)

SCHEDULE_TASK = "portal.job_schedule_run"
MANAGE_PERMISSION = "portal.manage_job_schedules"


@dataclass(frozen=True)
class JobScheduleInput:
    name: str
    kind: str
    parameters: dict[str, Any]
    owner: User
    schedule_type: str
    every_minutes: int | None
    crontab: str
    enabled: bool


def crontab_fields(expression: str) -> dict[str, str]:
    """The five fields of a crontab expression ("30 2 * * 1-5"); ValidationError when it
    is not one Celery understands."""
    parts = expression.split()
    if len(parts) != 5:
        raise ValidationError(
            {"crontab": _("Give five fields: minute, hour, day of month, month, day of week.")}
        )
    fields = dict(
        zip(["minute", "hour", "day_of_month", "month_of_year", "day_of_week"], parts, strict=True)
    )
    try:
        celery_crontab(**fields)
    except (ValueError, TypeError) as error:
        raise ValidationError(
            {"crontab": _("This crontab is not valid: %(error)s") % {"error": error}}
        ) from None
    return fields


def job_schedule_parameters_clean(
    *, kind_name: str, owner: User, parameters: dict[str, Any]
) -> dict[str, Any]:
    """The parameters as the kind's form cleans them, for ``owner``; ValidationError by
    field (``kind``, ``owner``, ``parameters``) otherwise."""
    try:
        kind = job_kind_get(kind_name)
    except UnknownJobKindError:
        raise ValidationError({"kind": _("There is no job of this kind.")}) from None
    if not kind.may_start(owner) or not owner.is_active:
        raise ValidationError({"owner": _("This person may not start this kind of job.")})
    form = kind.form(data=parameters)
    if not form.is_valid():
        raise ValidationError(
            {
                "parameters": [
                    f"{form.fields[name].label if name in form.fields else name}: {error}"
                    if name != "__all__"
                    else str(error)
                    for name, errors in form.errors.items()
                    for error in errors
                ]
            }
        )
    if kind.check is not None:
        try:
            kind.check(owner, form.cleaned_data)
        except ValidationError as error:
            raise ValidationError({"parameters": error.messages}) from None
    return _json_parameters(form.cleaned_data)


def _validated(data: JobScheduleInput) -> tuple[dict[str, Any], dict[str, str] | None]:
    errors: dict[str, Any] = {}
    cron: dict[str, str] | None = None
    if data.schedule_type == JobScheduleType.INTERVAL:
        if not data.every_minutes or data.every_minutes < 1:
            errors["every_minutes"] = [_("Give how many minutes apart the jobs start.")]
    elif data.schedule_type == JobScheduleType.CRONTAB:
        try:
            cron = crontab_fields(data.crontab)
        except ValidationError as error:
            errors.update(error.message_dict)
    else:
        errors["schedule_type"] = [_("Choose how the job repeats.")]
    try:
        parameters = job_schedule_parameters_clean(
            kind_name=data.kind, owner=data.owner, parameters=data.parameters
        )
    except ValidationError as error:
        errors.update(error.message_dict)
        parameters = {}
    if errors:
        raise ValidationError(errors)
    return parameters, cron


def _sync_periodic_task(schedule: JobSchedule, cron: dict[str, str] | None) -> None:
    """The PeriodicTask beat reads, in step with the schedule."""
    task = schedule.periodic_task or PeriodicTask(name=f"job-schedule-{schedule.pk}")
    task.task = SCHEDULE_TASK
    task.kwargs = json.dumps({"schedule_id": schedule.pk})
    task.queue = "alerts"  # a short task (it only starts the job), never behind a long one
    task.enabled = schedule.enabled
    task.description = f"{schedule.name} ({schedule.kind})"[:200]
    if cron is not None:
        task.interval = None
        task.crontab, _created = CrontabSchedule.objects.get_or_create(
            **cron, timezone=settings.TIME_ZONE
        )
    else:
        task.crontab = None
        task.interval, _created = IntervalSchedule.objects.get_or_create(
            every=schedule.every_minutes, period=IntervalSchedule.MINUTES
        )
    task.save()
    if schedule.periodic_task_id != task.pk:
        schedule.periodic_task = task
        schedule.save(update_fields=["periodic_task"])


def _snapshot(schedule: JobSchedule) -> dict[str, Any]:
    return {
        "name": schedule.name,
        "kind": schedule.kind,
        "parameters": schedule.parameters,
        "owner": schedule.owner_id,
        "schedule_type": schedule.schedule_type,
        "every_minutes": schedule.every_minutes,
        "crontab": schedule.crontab,
        "enabled": schedule.enabled,
    }


def job_schedule_save(
    *, actor: User, data: JobScheduleInput, schedule: JobSchedule | None = None
) -> JobSchedule:
    """Create (or change) a periodic job and its PeriodicTask. Raises PermissionDenied
    and ValidationError by field (a kind, owner, parameters or crontab refused), having
    changed nothing. A change that changes nothing writes nothing: no audit row, no
    update of beat's task."""
    if not actor.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied(_("You may not schedule jobs."))
    parameters, cron = _validated(data)
    name_taken = JobSchedule.objects.filter(name=data.name)
    if schedule is not None:
        name_taken = name_taken.exclude(pk=schedule.pk)
    if name_taken.exists():
        raise ValidationError({"name": _("Another schedule has this name.")})
    with transaction.atomic():
        before = _snapshot(schedule) if schedule is not None else None
        schedule = schedule or JobSchedule()
        schedule.name = data.name
        schedule.kind = data.kind
        schedule.parameters = parameters
        schedule.owner = data.owner
        schedule.schedule_type = data.schedule_type
        schedule.every_minutes = (
            data.every_minutes if data.schedule_type == JobScheduleType.INTERVAL else None
        )
        schedule.crontab = " ".join(data.crontab.split()) if cron is not None else ""
        schedule.enabled = data.enabled
        after = _snapshot(schedule)
        if before == after and schedule.periodic_task_id is not None:
            # Nothing changed (an empty PATCH, a form saved as it was): no write, no
            # audit row without changes, beat's task left as it is.
            return schedule
        schedule.save()
        _sync_periodic_task(schedule, cron)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
            obj=schedule,
            object_repr=schedule.name,
            changes=after
            if before is None
            else {key: value for key, value in after.items() if before.get(key) != value},
        )
    return schedule


def job_schedule_delete(*, actor: User, schedule: JobSchedule) -> None:
    if not actor.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied(_("You may not schedule jobs."))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=schedule,
            object_repr=schedule.name,
            changes=_snapshot(schedule),
        )
        if schedule.periodic_task is not None:
            schedule.periodic_task.delete()
        schedule.delete()


def job_schedule_run(*, schedule_id: int) -> Job | None:
    """Start the schedule's job as its owner (beat's task). Nothing when the schedule is
    gone or disabled, or no longer valid (logged)."""
    schedule = (
        JobSchedule.objects.filter(pk=schedule_id, enabled=True).select_related("owner").first()
    )
    if schedule is None:
        return None
    try:
        return job_start(
            actor=schedule.owner,
            kind_name=schedule.kind,
            parameters=schedule.parameters,
            schedule=schedule,
        )
    except (ValidationError, PermissionDenied) as error:
        logger.warning("Schedule %s (%s) started nothing: %s", schedule.pk, schedule.name, error)
        return None
