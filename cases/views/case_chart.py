"""A case's link chart: the page (the chart module seeded with the case's entities, at
the positions saved with the case) and the save of those positions."""

import json

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.selectors.case_chart import case_chart_for_user
from cases.selectors.graph import DEFAULT_CAP, MAX_PATH_HOPS
from cases.selectors.investigations import case_can_work, case_get_for_user
from cases.selectors.timeline import TIMELINE_KINDS, case_timeline, timeline_days
from cases.services.case_chart import case_chart_save
from cases.services.investigations import case_consult
from cases.views.common import actor_of
from cases.views.graph import chart_layouts, chart_legend, chart_strings
from portal.access import permission_required


@permission_required("cases.view_case", "cases.view_entity", "cases.view_relation")
@require_GET
def case_chart(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    case = case_get_for_user(user=user, pk=pk)
    case_consult(actor=user, case=case, what="link chart")
    chart = case_chart_for_user(user=user, case=case)
    # The same selector as the timeline page and its API: only what the user may see.
    timeline = case_timeline(case=case, user=user)
    can_save = case_can_work(user=user, case=case)
    return render(
        request,
        "cases/investigations/case_chart.html",
        {
            "case": case,
            "seeds": ",".join(str(pk) for pk in chart.seeds),
            "positions": chart.positions,
            "save_url": reverse("investigations:case-chart-save", args=[case.pk])
            if can_save
            else "",
            "legend": chart_legend(),
            "strings": chart_strings(),
            "cap": DEFAULT_CAP,
            "max_hops": MAX_PATH_HOPS,
            "layouts": chart_layouts(),
            "days": timeline_days(timeline.items),
            "truncated": [TIMELINE_KINDS[kind] for kind in timeline.truncated],
            "with_chart": True,
            "workbench_strings": workbench_strings(),
        },
    )


def workbench_strings() -> dict[str, str]:
    """The words of static/cases/case_workbench.js (the chart beside the timeline)."""
    return {
        "picked": _(
            "%(labels)s: places on the map: %(places)s, moments on the timeline: %(moments)s."
        ),
        "onChart": _("On the chart: %(labels)s."),
        "offChart": _(
            "Entities of this item not on the chart: %(count)s (expand a neighbour to bring them)."
        ),
        "noEntity": _("%(title)s concerns no entity of the chart."),
        "cleared": _("Nothing highlighted."),
    }


@permission_required("cases.view_case", "cases.change_case", "cases.view_entity")
@require_POST
def case_chart_save_view(request: HttpRequest, pk: int) -> JsonResponse:
    """Save the positions posted as JSON {"positions": {entity id: [x, y]}}; answers
    {"count": n}, or 400 with {"errors": {field: [messages]}} and nothing saved."""
    user = actor_of(request)
    case = case_get_for_user(user=user, pk=pk, for_work=True)
    unreadable = JsonResponse(
        {"errors": {"positions": [_("The chart could not be read.")]}}, status=400
    )
    if request.content_type != "application/json":
        # A form post (its body already read as request.POST) is not a chart.
        return unreadable
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return unreadable
    if not isinstance(payload, dict):
        return unreadable
    try:
        count = case_chart_save(actor=user, case=case, positions=payload.get("positions"))
    except ValidationError as error:
        return JsonResponse({"errors": error.message_dict}, status=400)
    return JsonResponse({"count": count})
