"""The link chart page around an entity (static/cases/link_chart.js draws it from the
graph API; the case chart will mount the same module)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cases.lib.ftm import LEGACY_KINDS, edge_schemata
from cases.lib.ftm_labels import gettext_ftm
from cases.models import EntityKind, PortalLink
from cases.selectors.entities import entity_get_for_user
from cases.selectors.graph import DEFAULT_CAP, MAX_PATH_HOPS
from cases.views.common import actor_of
from portal.access import permission_required
from portal.models import AuditAction
from portal.services.audit import audit_record


def relation_kind_labels() -> dict[str, str]:
    """Each FtM relation schema (Payment, Ownership...) by its name in the active
    language, for the chart's edge labels and relation filter."""
    labels = {schema.name: gettext_ftm(str(schema.label)) for schema in edge_schemata()}
    labels.update({link.value: str(link.label) for link in PortalLink})
    return labels


def chart_strings() -> dict[str, object]:
    """The chart module's words, translated here (the module has no catalogue)."""
    return {
        "relationKinds": relation_kind_labels(),
        "relations": _("relations: %(count)s"),
        # A hub's relations are counted up to a cap (cases/lib/graph_search.py): the
        # badge then says "at least".
        "relationsAtLeast": _("relations: %(count)s+"),
        "relationsAtLeastTitle": _("At least %(count)s relations: counting stops there."),
        "more": _("%(count)s more"),
        "moreTitle": _("%(count)s more relations of %(label)s are not shown"),
        "moreAtLeast": _("%(count)s+ more"),
        "moreAtLeastTitle": _("At least %(count)s more relations of %(label)s are not shown"),
        "showMore": _("Show %(count)s more"),
        "expand": _("Expand"),
        "expanded": _("Expanded"),
        "select": _("Select %(label)s"),
        "pick": _("Pick %(label)s on the chart"),
        "pathFound": _("Shortest path: %(hops)s relations."),
        "pathNone": _("No path within %(hops)s relations."),
        "pathTooBroad": _("The search grew too broad (hubs on the way); try filters."),
        "pathPick": _("Select two entities for a path."),
        "networkPick": _("Select two or more entities for their network."),
        "networkDone": _("Connecting network: %(nodes)s entities."),
        "networkUnconnected": _("%(count)s pairs have no path within the limit."),
        "pivotPick": _("Select at least one entity to pivot on."),
        "pivotDone": _("%(count)s entities share an identifier."),
        "pivotNone": _("No shared identifiers."),
        "undone": _("Last step undone."),
        "nothingToUndo": _("Nothing to undo."),
        "loading": _("Loading…"),
        "failed": _("The request failed: %(error)s"),
        "exported": _("Exported %(name)s."),
        "noDates": _("No dated relations on the chart."),
        "saved": _("Chart saved: %(count)s entities in place."),
        "empty": _("No subject linked to this case yet: link one to start its chart."),
    }


def chart_legend() -> list[tuple[str, str]]:
    """(icon file name, label) of each kind: the icons are named by family, as in
    static/cases/link_chart.js (KIND_ICONS)."""
    icons = {kind: icon for icon, kind in LEGACY_KINDS.items()}
    icons.update({"Organization": "company", "Passport": "identity_document"})
    return [(icons.get(value, "entity"), str(label)) for value, label in EntityKind.choices]


def chart_layouts() -> list[tuple[str, str]]:
    return [
        ("cose", _("Force-directed")),
        ("breadthfirst", _("Hierarchy")),
        ("circle", _("Circle")),
        ("concentric", _("Concentric")),
    ]


@permission_required("cases.view_entity", "cases.view_relation")
def entity_chart(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    entity = entity_get_for_user(user=user, pk=pk)
    audit_record(actor=user, action=AuditAction.VIEW, obj=entity, changes={"view": "link chart"})
    return render(
        request,
        "cases/entity_chart.html",
        {
            "entity": entity,
            "legend": chart_legend(),
            "strings": chart_strings(),
            "cap": DEFAULT_CAP,
            "max_hops": MAX_PATH_HOPS,
            "layouts": chart_layouts(),
        },
    )
