"""Jobs: the list (one's own; administrators every job) with the kinds one may start, a
job's page with its live progress and log, the download of its results, cancel."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.access import login_only
from portal.forms.jobs import JobFilterForm
from portal.job_kinds import (
    UnknownJobKindError,
    job_kind_get,
    job_kind_label,
    job_kinds_for_user,
    job_parameters_described,
)
from portal.models import JOB_LOG_MAX_LINES, User
from portal.selectors.jobs import (
    job_get_for_user,
    job_list_for_user,
    job_log_lines,
    job_result_get_for_user,
    job_results,
)
from portal.services import jobs as job_services


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # behind login_only


def _list_page(request: HttpRequest, start_forms: dict[str, object] | None = None) -> HttpResponse:
    user = _actor(request)
    form = JobFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    page = Paginator(job_list_for_user(user=user, status=status), 50).get_page(
        request.GET.get("page")
    )
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
        {"form": form, "page": page, "kinds": kinds, "query": query.urlencode()},
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
        handle = job_services.job_result_open(actor=user, result=result)
    except (PermissionDenied, job_services.JobResultGoneError) as refusal:
        # A result downloadable once, by its owner only: the job's page says why not.
        messages.error(request, str(refusal))
        return redirect("portal:job-detail", pk=pk)
    return FileResponse(
        handle, as_attachment=True, filename=result.name, content_type=result.content_type
    )
