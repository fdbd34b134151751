"""Jobs: the list (one's own; administrators every job, by kind, status and owner) with
the kinds one may start, a job's page with its live progress, rate, time left, counters
and log, the download of its results, cancel; and the periodic jobs administrators
schedule."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.access import login_only, permission_required
from portal.forms.jobs import JobFilterForm, JobScheduleForm
from portal.job_kinds import (
    UnknownJobKindError,
    job_kind_get,
    job_kind_label,
    job_kinds,
    job_kinds_for_user,
    job_parameters_described,
)
from portal.models import JOB_LOG_MAX_LINES, JobQueue, JobSchedule, User
from portal.selectors.jobs import (
    STAGE_LABELS,
    duration_text,
    job_counts_labelled,
    job_get_for_user,
    job_kinds_of_own_jobs,
    job_list_for_user,
    job_log_lines,
    job_owners_for_user,
    job_result_get_for_user,
    job_results,
    job_schedule_get,
    job_schedule_list,
    job_speed,
)
from portal.services import job_downloads
from portal.services import job_schedules as schedule_services
from portal.services import jobs as job_services


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # behind login_only


def _kind_choices(user: User) -> list[tuple[str, object]]:
    """The kinds the kind filter offers: every kind to those who see every job; to the
    others the kinds they may start and those of their own jobs."""
    if user.has_perm("portal.view_every_job"):
        kinds = job_kinds()
    else:
        own = job_kinds_of_own_jobs(user=user)
        kinds = [kind for kind in job_kinds() if kind.may_start(user) or kind.name in own]
    return [(kind.name, kind.label) for kind in kinds]


def _list_page(request: HttpRequest, start_forms: dict[str, object] | None = None) -> HttpResponse:
    user = _actor(request)
    sees_everyone = user.has_perm("portal.view_every_job")
    form = JobFilterForm(
        request.GET or None,
        kinds=_kind_choices(user),
        owners=job_owners_for_user(user=user) if sees_everyone else None,
    )
    filters = form.cleaned_data if form.is_valid() else {}
    jobs = job_list_for_user(
        user=user,
        status=filters.get("status", ""),
        kind=filters.get("kind", ""),
        owner=filters.get("owner"),
    )
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    for job in page:
        job.kind_label = job_kind_label(job.kind)  # type: ignore[attr-defined]
    forms = start_forms or {}
    kinds = [
        {"kind": kind, "form": forms.get(kind.name) or kind.form()}
        for kind in job_kinds_for_user(user)
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/jobs/list.html",
        {
            "form": form,
            "page": page,
            "kinds": kinds,
            "query": query.urlencode(),
            "may_schedule": user.has_perm(schedule_services.MANAGE_PERMISSION),
        },
        status=400 if start_forms else 200,
    )


@login_only
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


@login_only
@require_POST
def job_start(request: HttpRequest, kind: str) -> HttpResponse:
    user = _actor(request)
    try:
        job_kind = job_kind_get(kind)
    except UnknownJobKindError:
        messages.error(request, _("There is no job of this kind."))
        return redirect("portal:job-list")
    if not job_kind.may_start(user):
        raise PermissionDenied
    form = job_kind.form(request.POST)
    if not form.is_valid():
        return _list_page(request, {job_kind.name: form})
    try:
        job = job_services.job_start(actor=user, kind_name=kind, parameters=request.POST.dict())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("portal:job-list")
    messages.success(request, _("Job started: %(kind)s.") % {"kind": job_kind.label})
    return redirect("portal:job-detail", pk=job.pk)


@login_only
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_get_for_user(user=_actor(request), pk=pk)
    speed = job_speed(job)
    return render(
        request,
        "portal/jobs/detail.html",
        {
            "job": job,
            "kind_label": job_kind_label(job.kind),
            "parameters": job_parameters_described(job.kind, job.parameters, _actor(request)),
            "log": job_log_lines(job=job),
            "log_max": JOB_LOG_MAX_LINES,
            "results": job_results(job=job),
            "speed": speed,
            "eta_text": duration_text(speed.eta_seconds) if speed.eta_seconds is not None else "",
            "counts": job_counts_labelled(job.counts or {}),
            "counter_labels_json": json.dumps(
                {name: str(label) for name, label in STAGE_LABELS.items()}
            ),
            "queue_label": JobQueue(job.queue).label if job.queue in JobQueue.values else job.queue,
            "viewer_is_owner": job.owner_id == request.user.pk,
        },
    )


@login_only
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = _actor(request)
    job = job_get_for_user(user=user, pk=pk)
    try:
        job = job_services.job_cancel(actor=user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if job.status == "cancelled":
            messages.success(request, _("Job cancelled."))
        else:
            messages.success(request, _("Cancel requested: the job stops at its next step."))
    return redirect("portal:job-detail", pk=job.pk)


@login_only
@require_GET
def job_result_download(request: HttpRequest, pk: int, result_id: int) -> HttpResponseBase:
    user = _actor(request)
    result = job_result_get_for_user(user=user, job_pk=pk, result_pk=result_id)
    try:
        handle = job_downloads.job_result_open(actor=user, result=result)
    except (PermissionDenied, job_downloads.JobResultGoneError) as refusal:
        # A result downloadable once, by its owner only: the job's page says why not.
        messages.error(request, str(refusal))
        return redirect("portal:job-detail", pk=pk)
    return FileResponse(
        handle, as_attachment=True, filename=result.name, content_type=result.content_type
    )


# --- Periodic jobs (administrators) -------------------------------------------------------
SCHEDULE_PERMISSION = schedule_services.MANAGE_PERMISSION


def _schedule_input(form: JobScheduleForm) -> schedule_services.JobScheduleInput:
    data = form.cleaned_data
    return schedule_services.JobScheduleInput(
        name=data["name"],
        kind=data["kind"],
        parameters=data["parameters"],
        owner=data["owner"],
        schedule_type=data["schedule_type"],
        every_minutes=data.get("every_minutes"),
        crontab=data.get("crontab", ""),
        enabled=data["enabled"],
    )


@permission_required(SCHEDULE_PERMISSION)
@require_GET
def job_schedule_list_view(request: HttpRequest) -> HttpResponse:
    schedules = list(job_schedule_list())
    for schedule in schedules:
        schedule.kind_label = job_kind_label(schedule.kind)  # type: ignore[attr-defined]
        schedule.last_job = schedule.jobs.order_by("-created_at").first()  # type: ignore[attr-defined]
    return render(request, "portal/jobs/schedules.html", {"schedules": schedules})


def _schedule_form_page(
    request: HttpRequest, form: JobScheduleForm, schedule: JobSchedule | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "portal/jobs/schedule_form.html",
        {"form": form, "schedule": schedule},
        status=status,
    )


def _schedule_save(
    request: HttpRequest, form: JobScheduleForm, schedule: JobSchedule | None
) -> HttpResponse:
    if not form.is_valid():
        return _schedule_form_page(request, form, schedule, status=400)
    try:
        saved = schedule_services.job_schedule_save(
            actor=_actor(request), data=_schedule_input(form), schedule=schedule
        )
    except ValidationError as error:
        for field_name, errors in error.message_dict.items():
            form.add_error(field_name if field_name in form.fields else None, errors)
        return _schedule_form_page(request, form, schedule, status=400)
    messages.success(request, _("Schedule saved: %(name)s.") % {"name": saved.name})
    return redirect("portal:job-schedule-list")


@permission_required(SCHEDULE_PERMISSION)
def job_schedule_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _schedule_save(request, JobScheduleForm(request.POST), None)
    form = JobScheduleForm(initial={"schedule_type": "crontab", "enabled": True})
    return _schedule_form_page(request, form, None)


@permission_required(SCHEDULE_PERMISSION)
def job_schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = job_schedule_get(pk=pk)
    if request.method == "POST":
        return _schedule_save(request, JobScheduleForm(request.POST), schedule)
    form = JobScheduleForm(
        initial={
            "name": schedule.name,
            "kind": schedule.kind,
            "owner": schedule.owner,
            "schedule_type": schedule.schedule_type,
            "every_minutes": schedule.every_minutes,
            "crontab": schedule.crontab,
            "parameters": json.dumps(schedule.parameters, ensure_ascii=False)
            if schedule.parameters
            else "",
            "enabled": schedule.enabled,
        }
    )
    return _schedule_form_page(request, form, schedule)


@permission_required(SCHEDULE_PERMISSION)
@require_POST
def job_schedule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = job_schedule_get(pk=pk)
    schedule_services.job_schedule_delete(actor=_actor(request), schedule=schedule)
    messages.success(request, _("Schedule deleted: %(name)s.") % {"name": schedule.name})
    return redirect(reverse("portal:job-schedule-list"))
