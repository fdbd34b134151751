"""A case's timeline and map page: the dated items of the case, grouped by day, beside
the map of its places with a time slider (static/cases/case_timeline.js). Thin: reach
through case_get_for_user (need-to-know), items from cases.selectors.timeline; the
consultation is audited."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.forms.timeline import TimelineFilterForm
from cases.selectors.investigations import case_get_for_user
from cases.selectors.timeline import (
    TIMELINE_KINDS,
    case_timeline,
    timeline_days,
    timeline_kinds_for_user,
)
from cases.services import investigations as case_services
from cases.views.common import actor_of
from portal.access import permission_required


@permission_required("cases.view_case")
@require_GET
def case_timeline_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    case = case_get_for_user(user=user, pk=pk)
    case_services.case_consult(actor=user, case=case, what="timeline")
    form = TimelineFilterForm(request.GET or None, kinds=timeline_kinds_for_user(user=user))
    kinds = form.cleaned_data["kind"] if form.is_bound and form.is_valid() else []
    timeline = case_timeline(case=case, user=user, kinds=kinds)
    return render(
        request,
        "cases/investigations/case_timeline.html",
        {
            "case": case,
            "form": form,
            "timeline": timeline,
            "days": timeline_days(timeline.items),
            "truncated": [TIMELINE_KINDS[kind] for kind in timeline.truncated],
        },
    )
