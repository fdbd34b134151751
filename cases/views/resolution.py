"""HTML pages of entity resolution: the review queue of proposed matches, the
analyst's judgement, merge and undo."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.forms.registry import MatchJudgeForm, MatchMergeForm
from cases.lib.ftm import schema_get
from cases.lib.ftm_labels import gettext_ftm
from cases.lib.match_reasons import reason_text
from cases.models import EntityKind, MatchStatus
from cases.selectors.registry import merge_get_for_user
from cases.selectors.resolution import (
    match_get_for_user,
    match_queue_for_user,
    merge_recent_for_user,
)
from cases.services import resolution as resolution_services
from cases.views.common import actor_of
from portal.access import permission_required
from portal.pagination import CappedCountPaginator

RESOLVER = ("cases.view_entity", "cases.change_entity")


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


@permission_required(*RESOLVER)
@require_GET
def match_list(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    kind = request.GET.get("kind", "")
    if kind not in EntityKind.values:
        kind = ""
    page = CappedCountPaginator(match_queue_for_user(user=user, kind=kind), 20).get_page(
        request.GET.get("page")
    )
    cards = [
        {
            "match": match,
            "schema": gettext_ftm(schema.label) if (schema := schema_get(match.left.kind)) else "",
            "reasons": [
                reason_text(reason, labels=(match.left.label, match.right.label))
                for reason in match.reasons
            ],
        }
        for match in page
    ]
    return render(
        request,
        "cases/match_list.html",
        {
            "page": page,
            "cards": cards,
            "kind": kind,
            "kinds": EntityKind.choices,
            "merges": merge_recent_for_user(user=user, limit=10),
        },
    )


@permission_required(*RESOLVER)
@require_POST
def match_judge(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    match = match_get_for_user(user=user, pk=pk)
    form = MatchJudgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose “same” or “different”."))
        return _back(request, "entities:match-list")
    if match.status != MatchStatus.PROPOSED:
        messages.error(request, _("This pair was judged already."))
        return _back(request, "entities:match-list")
    resolution_services.match_judge(actor=user, match=match, verdict=form.cleaned_data["verdict"])
    if form.cleaned_data["verdict"] == MatchStatus.SAME:
        messages.success(request, _("Marked as the same; merge them when ready."))
    else:
        messages.success(request, _("Marked as different; this pair will not be proposed again."))
    return _back(request, "entities:match-list")


@permission_required(*RESOLVER)
@require_POST
def match_merge(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    match = match_get_for_user(user=user, pk=pk)
    form = MatchMergeForm(request.POST)
    keep = form.cleaned_data["keep"] if form.is_valid() else None
    if keep not in (match.left_id, match.right_id):
        messages.error(request, _("Choose which of the two entities to keep."))
        return _back(request, "entities:match-list")
    if match.status == MatchStatus.DIFFERENT:
        messages.error(request, _("This pair was judged different; it cannot be merged."))
        return _back(request, "entities:match-list")
    kept, absorbed = (
        (match.left, match.right) if keep == match.left_id else (match.right, match.left)
    )
    try:
        merge = resolution_services.entity_merge(
            actor=user, kept=kept, absorbed=absorbed, match=match
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _back(request, "entities:match-list")
    messages.success(
        request,
        _("“%(absorbed)s” merged into “%(kept)s”. You can undo this from the entity's page.")
        % {"absorbed": merge.absorbed.label, "kept": merge.kept.label},
    )
    return _back(request, "entities:match-list")


@permission_required(*RESOLVER)
@require_POST
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    merge = merge_get_for_user(user=user, pk=pk)
    try:
        resolution_services.entity_merge_undo(actor=user, merge=merge)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Merge undone: “%(absorbed)s” stands on its own again.")
            % {"absorbed": merge.absorbed.label},
        )
    return _back(request, "entities:match-list")
