"""The case extract for another agency: a page that previews exactly what is left out
(the policy's fields and what the analyst marks) and starts the job that builds it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.forms.extract import CaseExtractForm
from cases.services.extract import extract_case_get, extract_plan
from cases.services.investigations import case_consult
from cases.views.common import actor_of
from portal.access import permission_required
from portal.services.jobs import job_start


def _signature(entities: set[int], properties: set[str]) -> str:
    """The marks a preview showed, so that a build of other marks shows them first."""
    return ",".join([*(str(i) for i in sorted(entities)), *sorted(properties)])


def _marks(request: HttpRequest) -> tuple[set[int], set[str]]:
    entities = {int(v) for v in request.POST.getlist("leave_entity") if v.isdigit()}
    properties = {v for v in request.POST.getlist("leave_property") if ":" in v}
    return entities, properties


@permission_required("cases.view_case", "cases.view_entity", "cases.export_case")
@require_http_methods(["GET", "POST"])
def case_extract(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    case = extract_case_get(user=actor, pk=pk)
    form = CaseExtractForm(request.POST or None, case=case)
    marked_entities, marked_properties = (
        _marks(request) if request.method == "POST" else (set(), set())
    )
    status = 200
    previewed = request.POST.get("previewed", "") == _signature(marked_entities, marked_properties)
    # "Update the preview" does not judge the form yet; any other send (the build
    # button, or a send without a button) does.
    building = request.method == "POST" and request.POST.get("action") != "preview"
    if building and not previewed:
        form.is_valid()  # what is missing is said beside the preview shown again
        messages.warning(
            request, _("You changed what is left out: check the preview below, then build.")
        )
    elif building:
        if form.is_valid():
            parameters = {
                "case": case.pk,
                "agency": form.cleaned_data["agency"],
                "assistance_request": form.cleaned_data["assistance_request"],
                "documents": form.cleaned_data["documents"],
                "leave_out_entities": ",".join(str(i) for i in sorted(marked_entities)),
                "leave_out_properties": ",".join(sorted(marked_properties)),
            }
            try:
                job = job_start(actor=actor, kind_name="cases.case_extract", parameters=parameters)
            except (ValidationError, PermissionDenied) as error:
                for message in getattr(error, "messages", [str(error)]):
                    messages.error(request, message)
            else:
                return redirect("portal:job-detail", pk=job.pk)
        status = 400
    elif request.method == "POST":
        form.is_valid()
        form.errors.clear()  # an update of the preview does not judge the form yet
    if request.method == "GET":
        case_consult(actor=actor, case=case, what="extract preview")
    plan = extract_plan(
        user=actor,
        case=case,
        marked_entities=marked_entities,
        marked_properties=marked_properties,
    )
    return render(
        request,
        "cases/investigations/case_extract.html",
        {
            "case": case,
            "form": form,
            "plan": plan,
            "documents_count": case.documents.count(),
            "previewed": _signature(marked_entities, marked_properties),
        },
        status=status,
    )
