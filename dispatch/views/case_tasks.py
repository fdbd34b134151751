"""Linking a dispatch task to the investigation case it answers, from the case's page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.selectors.investigations import case_get_for_user
from dispatch.forms.case_tasks import TaskNumberForm
from dispatch.selectors.tasks import task_get_for_user
from dispatch.services.case_tasks import task_case_link, task_case_unlink
from portal.access import permission_required
from portal.models import User


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # behind permission_required


def _back(case_pk: int) -> HttpResponse:
    from django.urls import reverse

    return redirect(
        f"{reverse('investigations:case-detail', kwargs={'pk': case_pk})}#dispatch-tasks"
    )


@permission_required("dispatch.view_all_tasks", "cases.change_case")
@require_POST
def case_task_link(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = case_get_for_user(user=_actor(request), pk=case_pk, for_work=True)
    form = TaskNumberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the number of a task."))
        return _back(case.pk)
    try:
        task = task_get_for_user(user=_actor(request), pk=form.cleaned_data["task"])
    except Http404:
        messages.error(request, _("There is no task with this number."))
        return _back(case.pk)
    try:
        task_case_link(actor=_actor(request), task=task, case=case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Task linked to the case."))
    return _back(case.pk)


@permission_required("dispatch.view_all_tasks", "cases.change_case")
@require_POST
def case_task_unlink(request: HttpRequest, case_pk: int, task_pk: int) -> HttpResponse:
    case = case_get_for_user(user=_actor(request), pk=case_pk, for_work=True)
    task = task_get_for_user(user=_actor(request), pk=task_pk)
    try:
        task_case_unlink(actor=_actor(request), task=task, case=case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Task unlinked from the case."))
    return _back(case.pk)
