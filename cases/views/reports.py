"""Start a case's report or evidence bundle from its page: a POST that starts the job
(through the job framework, which checks the kind's permission and the case's reach
again) and opens the job's page with its progress bar."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.selectors.investigations import case_get_for_user
from cases.views.common import actor_of
from portal.access import permission_required
from portal.services.jobs import job_start

# What the page's buttons ask for, and the job kind each starts.
REPORT_KINDS = {"report": "cases.case_report", "bundle": "cases.evidence_bundle"}


@permission_required("cases.view_case")
@require_POST
def case_report_start(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    case = case_get_for_user(user=actor, pk=pk)
    kind = REPORT_KINDS.get(request.POST.get("what", ""))
    if kind is None:
        messages.error(request, _("Choose the report or the evidence bundle."))
        return redirect(case)
    try:
        job = job_start(actor=actor, kind_name=kind, parameters={"case": case.pk})
    except (ValidationError, PermissionDenied):
        messages.error(request, _("The report could not be started for this case."))
        return redirect(case)
    return redirect("portal:job-detail", pk=job.pk)
