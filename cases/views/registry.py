"""HTML pages of the entity registry: the list, an entity's dossier, the FtM export."""

from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cases.forms.registry import DossierPurposeForm, RegistryFilterForm
from cases.lib.audit_words import DOSSIER_VIEW
from cases.lib.match_reasons import reason_text
from cases.selectors.cross_case import (
    cross_case_hits_for_user,
    entity_cases_for_user,
    entity_needs_purpose,
)
from cases.selectors.registry import (
    RegistryFilter,
    entity_dossier,
    entity_dossier_get_for_user,
    entity_registry_for_user,
)
from cases.selectors.resolution import match_queue_for_user
from cases.services.ftm import ftm_export_audit, ftm_export_lines
from cases.views.common import actor_of
from portal.access import permission_required
from portal.models import AuditAction
from portal.pagination import CappedCountPaginator
from portal.services.audit import audit_record


def _filtered(request: HttpRequest) -> tuple[RegistryFilterForm, RegistryFilter | None]:
    form = RegistryFilterForm(request.GET or None)
    if not form.is_bound:
        return form, RegistryFilter()
    if form.is_valid():
        return form, form.to_filter()
    return form, None


@permission_required("cases.view_entity")
@require_GET
def entity_list(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    form, filters = _filtered(request)
    entities = entity_registry_for_user(user=user, filters=filters or RegistryFilter())
    if filters is None:
        entities = entities.none()
    if filters is not None and filters.query:
        audit_record(
            actor=user,
            action=AuditAction.SEARCH,
            object_type="cases.entity",
            changes={"query": filters.query[:200], "kinds": filters.kinds},
        )
    page = CappedCountPaginator(entities, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/entity_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


# The purposes stated in this session, by entity id: a dossier asks once per session.
PURPOSES_KEY = "dossier_purposes"


@permission_required("cases.view_entity")
@require_http_methods(["GET", "POST"])
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    entity = entity_dossier_get_for_user(user=user, pk=pk)
    if entity.merged_into is not None and request.GET.get("merged") != "show":
        # The dossier of an entity merged into another is the other's; the absorbed one
        # stays reachable (for the merge's undo) with ?merged=show.
        audit_record(actor=user, action=AuditAction.VIEW, obj=entity, changes={"view": "merged"})
        return redirect(f"{entity.merged_into.get_absolute_url()}?from={entity.pk}")
    # Outside one's own cases a person's or company's dossier opens only for a stated
    # purpose (asked once a session), which the audit record of every consultation keeps.
    purposes: dict[str, str] = request.session.get(PURPOSES_KEY, {})
    if request.method == "POST":
        form = DossierPurposeForm(request.POST)
        if not form.is_valid():
            context = {"entity": entity, "form": form}
            return render(request, "cases/entity_purpose.html", context, status=400)
        purposes[str(entity.pk)] = form.cleaned_data["purpose"]
        request.session[PURPOSES_KEY] = purposes
        return redirect(request.get_full_path())
    purpose = ""
    if entity_needs_purpose(user=user, entity=entity):
        purpose = purposes.get(str(entity.pk), "")
        if not purpose:
            context = {"entity": entity, "form": DossierPurposeForm()}
            return render(request, "cases/entity_purpose.html", context)
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        obj=entity,
        changes={"view": DOSSIER_VIEW},
        reason=purpose,
    )
    dossier = entity_dossier(user=user, entity=entity)
    matches = []
    if user.has_perm("cases.change_entity"):
        matches = [
            {"match": match, "reasons": [reason_text(r) for r in match.reasons]}
            for match in match_queue_for_user(user=user).filter(left=entity)[:10]
        ] + [
            {"match": match, "reasons": [reason_text(r) for r in match.reasons]}
            for match in match_queue_for_user(user=user).filter(right=entity)[:10]
        ]
    cases = (
        entity_cases_for_user(user=user, entity=entity)
        if user.has_perm("cases.view_case")
        else None
    )
    return render(
        request,
        "cases/entity_detail.html",
        {
            "entity": entity,
            "dossier": dossier,
            "matches": matches,
            "purpose": purpose,
            "entity_cases": cases,
            "hits": cross_case_hits_for_user(user=user, entities=[entity], include_same=False),
            "cases_section_template": "cases/_entity_cases.html",
        },
    )


@permission_required("cases.view_entity", "cases.export_entity")
@require_GET
def entity_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered registry (and the relations between its entities) as FtM JSON lines."""
    user = actor_of(request)
    form, filters = _filtered(request)
    if filters is None:
        return render(
            request,
            "cases/entity_list.html",
            {"form": form, "page": None, "query": ""},
            status=400,
        )
    entities = entity_registry_for_user(user=user, filters=filters)
    ftm_export_audit(actor=user, count_hint=f"query={filters.query[:100]!r} kinds={filters.kinds}")

    def lines() -> Iterator[str]:
        for line in ftm_export_lines(entities=entities):
            yield line + "\n"

    response = StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="entities.ftm.jsonl"'
    return response
