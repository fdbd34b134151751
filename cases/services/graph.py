"""The link chart's records and exports: each consultation of the graph is audited, and
a chart (the entity and relation ids on it, re-read within the user's reach) is
exported as GraphML or as an i2 Analyst's Notebook chart (ANX, the v7/8 chart XML),
audited as an export. Both are written with ElementTree, never by string pasting."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.lib.ftm import LEGACY_KINDS, schema_get
from cases.models import EntityKind
from cases.selectors.graph import MAX_EXPORT_IDS, graph_chart_for_user
from cases.selectors.relation_amounts import edges_with_amounts
from cases.services.ftm import ftm_chart_lines
from portal.models import AuditAction, AuditRecord, User
from portal.services.audit import audit_record

FORMATS = {
    "graphml": ("application/graphml+xml", "graphml"),
    "anx": ("application/xml", "anx"),
    "ftm": ("application/x-ndjson; charset=utf-8", "ftm.jsonl"),
}

# i2's standard icon per kind (IconStyle Type), and the entity type's name.
ANX_ICONS: dict[str, str] = {
    EntityKind.PERSON: "Person",
    EntityKind.COMPANY: "Organisation",
    EntityKind.VEHICLE: "Vehicle",
    EntityKind.VESSEL: "Boat",
    EntityKind.CONTAINER: "Container",
    EntityKind.PHONE: "Telephone",
    EntityKind.EMAIL: "Email",
    EntityKind.ADDRESS: "Address",
    EntityKind.IDENTITY_DOCUMENT: "Passport",
    EntityKind.BANK_ACCOUNT: "Account",
    EntityKind.SHIPMENT: "Document",
}


def _kind_of(kind: str) -> str:
    """The registry's kind for ``kind``: an older lower-case name ("company") is read as
    its FtM schema ("Company")."""
    return LEGACY_KINDS.get(kind, kind)


def _kind_label(kind: str) -> str:
    """The kind's name for a chart's legend: ours where we name it, else the FtM schema's
    own label (an imported Airplane), else the kind as stored."""
    kind = _kind_of(kind)
    if kind in EntityKind.values:
        return str(EntityKind(kind).label)
    schema = schema_get(kind)
    return str(schema.label) if schema is not None else kind


# Confidence to i2's three link strengths (line styles).
ANX_STRENGTHS = [
    (80, "Confirmed", "DotStyleSolid"),
    (50, "Unconfirmed", "DotStyleDashed"),
    (0, "Tentative", "DotStyleDotted"),
]
ANX_ATTRIBUTES = [
    ("Kind", "AttText"),
    ("Identifier", "AttText"),
    ("Provenance", "AttText"),
    ("Confidence (%)", "AttNumber"),
    ("Valid from", "AttTime"),
    ("Valid to", "AttTime"),
    ("Amount", "AttText"),
]


def _object_ids(ids: Sequence[int]) -> str:
    """As many of ``ids`` as the audit's object id column holds, whole and comma-separated
    (the full list goes into the record's changes): a case chart starts from up to
    MAX_SEED_IDS entities, far more than the column's 64 characters."""
    limit = AuditRecord._meta.get_field("object_id").max_length or 64
    text = ""
    for entity_id in ids:
        longer = f"{text},{entity_id}" if text else str(entity_id)
        if len(longer) > limit:
            break
        text = longer
    return text


def graph_consultation_record(
    *, actor: User, query: str, ids: Sequence[int], parameters: Mapping[str, Any]
) -> None:
    """Audit one consultation of the link graph (expand, path, network, pivot) with
    the entities it started from and its parameters."""
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type="cases.entity",
        object_id=_object_ids(ids),
        object_repr=f"link chart: {query}",
        changes={"query": query, "ids": list(ids), **parameters},
    )


@dataclass
class GraphExport:
    content_type: str
    filename: str
    content: bytes


def _strength(confidence: int) -> str:
    return next(name for floor, name, _style in ANX_STRENGTHS if confidence >= floor)


def _anx_time(value: str | None) -> str:
    return f"{value}T00:00:00.000" if value else ""


def chart_anx(
    entities: list[dict[str, Any]],
    relations: list[dict[str, Any]],
    positions: Mapping[int, tuple[float, float]],
) -> bytes:
    """The chart as i2 Analyst's Notebook chart XML (ANX, v7/8)."""
    chart = ET.Element("Chart", {"IdReferenceLinking": "false", "Rigorous": "true"})
    strengths = ET.SubElement(chart, "StrengthCollection")
    for _floor, name, style in ANX_STRENGTHS:
        ET.SubElement(strengths, "Strength", {"Name": name, "DotStyle": style})
    classes = ET.SubElement(chart, "AttributeClassCollection")
    for name, kind in ANX_ATTRIBUTES:
        ET.SubElement(
            classes,
            "AttributeClass",
            {"Name": name, "Type": kind, "ShowValue": "true", "Visible": "true"},
        )
    entity_types = ET.SubElement(chart, "EntityTypeCollection")
    for kind in sorted({e["kind"] for e in entities}):
        ET.SubElement(
            entity_types,
            "EntityType",
            {"Name": _kind_label(kind), "IconFile": ANX_ICONS.get(_kind_of(kind), "General")},
        )
    link_types = ET.SubElement(chart, "LinkTypeCollection")
    for kind in sorted({r["kind"] for r in relations}):
        ET.SubElement(link_types, "LinkType", {"Name": kind, "Colour": "0"})
    items = ET.SubElement(chart, "ChartItemCollection")
    for n, entity in enumerate(entities):
        x, y = positions.get(entity["id"], ((n % 10) * 120.0, (n // 10) * 120.0))
        item = ET.SubElement(
            items,
            "ChartItem",
            {
                "Label": entity["label"],
                "Description": entity.get("provenance", ""),
                "DateSet": "false",
                "XPosition": str(round(x)),
            },
        )
        end = ET.SubElement(item, "End", {"X": str(round(x)), "Y": str(round(y))})
        node = ET.SubElement(
            end,
            "Entity",
            {
                "EntityId": f"entity-{entity['id']}",
                "Identity": entity["key"] or f"{entity['label']} ({entity['id']})",
                "LabelIsIdentity": "false",
            },
        )
        icon = ET.SubElement(node, "Icon")
        ET.SubElement(
            icon,
            "IconStyle",
            {"Type": str(EntityKind(entity["kind"]).label), "IconShadingColour": "0"},
        )
        attributes = ET.SubElement(item, "AttributeCollection")
        ET.SubElement(attributes, "Attribute", {"AttributeClass": "Kind", "Value": entity["kind"]})
        if entity["key"]:
            ET.SubElement(
                attributes, "Attribute", {"AttributeClass": "Identifier", "Value": entity["key"]}
            )
    for relation in relations:
        dated = relation["valid_from"] is not None
        item = ET.SubElement(
            items,
            "ChartItem",
            {
                "Label": relation["kind"],
                "Description": relation.get("provenance", ""),
                "DateSet": "true" if dated else "false",
                **({"DateTime": _anx_time(relation["valid_from"])} if dated else {}),
            },
        )
        link = ET.SubElement(
            item,
            "Link",
            {
                "End1Id": f"entity-{relation['source']}",
                "End2Id": f"entity-{relation['target']}",
            },
        )
        ET.SubElement(
            link,
            "LinkStyle",
            {
                "ArrowStyle": "ArrowOnHead",
                "Type": relation["kind"],
                "Strength": _strength(relation["confidence"]),
                "LineWidth": "1",
            },
        )
        attributes = ET.SubElement(item, "AttributeCollection")
        values = [
            ("Kind", relation["kind"]),
            ("Confidence (%)", str(relation["confidence"])),
            ("Provenance", relation.get("provenance", "")),
            ("Valid from", _anx_time(relation["valid_from"])),
            ("Valid to", _anx_time(relation["valid_to"])),
            ("Amount", relation.get("amount", "")),
        ]
        for name, value in values:
            if value:
                ET.SubElement(attributes, "Attribute", {"AttributeClass": name, "Value": value})
    ET.indent(chart)
    return ET.tostring(chart, encoding="utf-8", xml_declaration=True)


GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GRAPHML_KEYS = [
    ("label", "node", "string"),
    ("kind", "node", "string"),
    ("key", "node", "string"),
    ("provenance", "node", "string"),
    ("x", "node", "double"),
    ("y", "node", "double"),
    ("relation", "edge", "string"),
    ("valid_from", "edge", "string"),
    ("valid_to", "edge", "string"),
    ("confidence", "edge", "int"),
    ("provenance", "edge", "string"),
    ("amount", "edge", "string"),
]


def chart_graphml(
    entities: list[dict[str, Any]],
    relations: list[dict[str, Any]],
    positions: Mapping[int, tuple[float, float]],
) -> bytes:
    """The chart as GraphML (directed), every property as a declared key."""
    ET.register_namespace("", GRAPHML_NS)

    def tag(name: str) -> str:
        return f"{{{GRAPHML_NS}}}{name}"

    root = ET.Element(tag("graphml"))
    for name, domain, kind in GRAPHML_KEYS:
        ET.SubElement(
            root,
            tag("key"),
            {"id": f"{domain[0]}_{name}", "for": domain, "attr.name": name, "attr.type": kind},
        )
    graph = ET.SubElement(root, tag("graph"), {"id": "chart", "edgedefault": "directed"})

    def data(parent: ET.Element, key: str, value: Any) -> None:
        if value is not None and value != "":
            ET.SubElement(parent, tag("data"), {"key": key}).text = str(value)

    for entity in entities:
        node = ET.SubElement(graph, tag("node"), {"id": f"n{entity['id']}"})
        data(node, "n_label", entity["label"])
        data(node, "n_kind", entity["kind"])
        data(node, "n_key", entity["key"])
        data(node, "n_provenance", entity.get("provenance"))
        if entity["id"] in positions:
            data(node, "n_x", positions[entity["id"]][0])
            data(node, "n_y", positions[entity["id"]][1])
    for relation in relations:
        edge = ET.SubElement(
            graph,
            tag("edge"),
            {
                "id": f"e{relation['id']}",
                "source": f"n{relation['source']}",
                "target": f"n{relation['target']}",
            },
        )
        data(edge, "e_relation", relation["kind"])
        data(edge, "e_valid_from", relation["valid_from"])
        data(edge, "e_valid_to", relation["valid_to"])
        data(edge, "e_confidence", relation["confidence"])
        data(edge, "e_provenance", relation.get("provenance"))
        data(edge, "e_amount", relation.get("amount"))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def graph_export(
    *,
    actor: User,
    node_ids: Sequence[int],
    edge_ids: Sequence[int],
    file_format: str,
    positions: Mapping[int, tuple[float, float]] | None = None,
    now: datetime | None = None,
) -> GraphExport:
    """The chart of ``node_ids`` and ``edge_ids`` as ``file_format`` (graphml, anx, ftm),
    re-read within ``actor``'s reach: entities outside it, and relations not between two
    entities on the exported chart, are left out as if unknown. Audited as an export;
    ValidationError (and nothing recorded) for an unknown format, an empty chart or more
    than MAX_EXPORT_IDS ids."""
    if file_format not in FORMATS:
        raise ValidationError({"format": _("Choose graphml, anx or ftm.")})
    if not node_ids:
        raise ValidationError({"nodes": _("The chart is empty: add entities before exporting.")})
    if len(node_ids) > MAX_EXPORT_IDS or len(edge_ids) > MAX_EXPORT_IDS:
        raise ValidationError(
            {
                "nodes": _("At most %(limit)d entities and relations per export.")
                % {"limit": MAX_EXPORT_IDS}
            }
        )
    entities, edges = graph_chart_for_user(user=actor, node_ids=node_ids, edge_ids=edge_ids)
    # A payment's sum, an ownership's share: as on the chart's edge labels.
    relations = edges_with_amounts(edges)
    if not entities:
        raise ValidationError({"nodes": _("None of these entities was found.")})
    at = positions or {}
    if file_format == "ftm":
        lines = ftm_chart_lines(
            entity_ids=[e["id"] for e in entities], relation_ids=[r["id"] for r in relations]
        )
        content = ("\n".join(lines) + "\n").encode()
    elif file_format == "anx":
        content = chart_anx(entities, relations, at)
    else:
        content = chart_graphml(entities, relations, at)
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="cases.entity",
        object_repr=f"link chart {file_format.upper()} ({len(entities)} entities, "
        f"{len(relations)} relations)",
        changes={
            "format": file_format,
            "entities": [e["id"] for e in entities],
            "relations": [r["id"] for r in relations],
        },
    )
    content_type, extension = FORMATS[file_format]
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M")
    return GraphExport(
        content_type=content_type, filename=f"chart-{stamp}.{extension}", content=content
    )
