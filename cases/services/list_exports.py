"""Exports of the lists analysts use, beside the violations' (cases/services/exports.py):
the entity registry as CSV and XLSX (its FtM export is cases/services/ftm.py), the case
list as CSV and XLSX, and a case's entities and relations as GraphML or FtM.

Each reads through the list's own selector (need-to-know holds), is refused above the
one row cap (EXPORT_ROW_LIMIT, read at call time) and records nothing then, neutralises
formulas (portal.lib.exports), and is audited as an export.
"""

import json
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Entity, Relation
from cases.selectors.investigations import CaseFilter, case_list_for_user
from cases.selectors.registry import RegistryFilter, entity_registry_for_user
from cases.services import exports as violation_exports
from cases.services.extract import extract_entities_for_user
from cases.services.graph import FORMATS as GRAPH_FORMATS
from cases.services.graph import GraphExport, graph_export
from portal.lib.exports import csv_text_lines, xlsx_workbook_bytes
from portal.models import AuditAction, User
from portal.services.audit import audit_record

TABLE_FORMATS = {
    "csv": violation_exports.FORMATS["csv"],
    "xlsx": violation_exports.FORMATS["xlsx"],
}

ENTITY_COLUMNS = [
    "id",
    "schema",
    "name",
    "identifier",
    "identifiers",
    "properties",
    "provenance",
    "updated",
]

CASE_COLUMNS = [
    "number",
    "title",
    "status",
    "priority",
    "lead_analyst",
    "restricted",
    "opened",
    "updated",
    "closed",
]


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _capped_count(rows: QuerySet[Any], what: str) -> int:
    total = rows.count()
    limit = violation_exports.EXPORT_ROW_LIMIT
    if total > limit:
        raise ValidationError(
            _("%(count)d %(what)s match: narrow the filters to at most %(limit)d rows to export.")
            % {"count": total, "what": what, "limit": limit},
            code="too_many_rows",
        )
    return total


def _format_checked(file_format: str) -> None:
    if file_format not in TABLE_FORMATS:
        raise ValidationError({"format": _("Choose csv or xlsx.")})


def _table(
    sheet: str, columns: list[str], rows: Iterator[list[Any]], file_format: str
) -> bytes | Iterator[str]:
    if file_format == "xlsx":
        return xlsx_workbook_bytes(sheet, columns, rows)
    return csv_text_lines(columns, rows)


def _entity_row(entity: Entity) -> list[Any]:
    return [
        entity.export_id,
        entity.kind,
        entity.label,
        entity.key,
        "; ".join(entity.identifiers or []),
        json.dumps(entity.properties or {}, ensure_ascii=False, sort_keys=True),
        entity.provenance,
        _local(entity.updated_at),
    ]


def entity_table_export(
    *, actor: User, filters: RegistryFilter, file_format: str
) -> violation_exports.ViolationExport:
    """The filtered registry within ``actor``'s reach as CSV or XLSX, audited."""
    _format_checked(file_format)
    entities = entity_registry_for_user(user=actor, filters=filters)
    total = _capped_count(entities, _("entities"))
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="cases.entity",
        object_repr=f"entities {file_format.upper()} ({total})",
        changes={
            "format": file_format,
            "rows": total,
            "filters": {"query": filters.query[:200], "kinds": filters.kinds},
        },
    )
    limit = violation_exports.EXPORT_ROW_LIMIT
    rows = (_entity_row(e) for e in entities[:limit].iterator(chunk_size=2000))
    return violation_exports.ViolationExport(
        content_type=TABLE_FORMATS[file_format],
        filename=f"entities-{_stamp()}.{file_format}",
        content=_table("entities", ENTITY_COLUMNS, rows, file_format),
    )


def _case_row(case: Case) -> list[Any]:
    return [
        case.number,
        case.title,
        case.get_status_display(),
        case.get_priority_display(),
        case.lead_analyst.get_username() if case.lead_analyst else "",
        "yes" if case.restricted else "no",
        _local(case.created_at),
        _local(case.updated_at),
        _local(case.closed_at),
    ]


def case_table_export(
    *, actor: User, filters: CaseFilter, file_format: str
) -> violation_exports.ViolationExport:
    """The filtered case list within ``actor``'s reach as CSV or XLSX, audited."""
    _format_checked(file_format)
    cases = case_list_for_user(user=actor, filters=filters)
    total = _capped_count(cases, _("cases"))
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="cases.case",
        object_repr=f"cases {file_format.upper()} ({total})",
        changes={
            "format": file_format,
            "rows": total,
            "filters": {k: str(v) for k, v in vars(filters).items() if v},
        },
    )
    limit = violation_exports.EXPORT_ROW_LIMIT
    rows = (_case_row(case) for case in cases[:limit].iterator(chunk_size=2000))
    return violation_exports.ViolationExport(
        content_type=TABLE_FORMATS[file_format],
        filename=f"cases-{_stamp()}.{file_format}",
        content=_table("cases", CASE_COLUMNS, rows, file_format),
    )


def case_graph_export(*, actor: User, case: Case, file_format: str) -> GraphExport:
    """The entities of ``case`` that ``actor`` may see and the relations between them,
    as GraphML or FtM (the link chart's export, which re-reads reach and audits)."""
    if file_format not in {"graphml", "ftm"}:
        raise ValidationError({"format": _("Choose graphml or ftm.")})
    entity_ids = [entity.pk for entity in extract_entities_for_user(user=actor, case=case)]
    if not entity_ids:
        raise ValidationError(_("The case holds no entities to export."))
    relation_ids = list(
        Relation.objects.filter(source_id__in=entity_ids, target_id__in=entity_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    export = graph_export(
        actor=actor, node_ids=entity_ids, edge_ids=relation_ids, file_format=file_format
    )
    extension = GRAPH_FORMATS[file_format][1]
    export.filename = f"{case.number.replace('/', '-')}-entities-{_stamp()}.{extension}"
    return export
