"""Exports of a filtered set of violations: CSV, XLSX, GeoJSON.

Rows stream from the database in chunks; text cells that a spreadsheet would run as a
formula are neutralised (portal.lib.exports). The set is capped: a larger export belongs to
the job framework (analytics), not to a request.
"""

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from cases.models import Violation
from cases.selectors.violations import ViolationFilter, violation_list_for_user
from portal.lib.exports import csv_safe_row, xlsx_safe
from portal.models import AuditAction, User
from portal.services.audit import audit_record

# The one cap on an export in a request, for the pages and the API alike. Read at call
# time (tests lower it).
EXPORT_ROW_LIMIT = 50_000


# The formats offered, with their content types.
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}


COLUMNS = [
    "reference",
    "occurred_at",
    "category",
    "status",
    "unit",
    "reported_by",
    "latitude",
    "longitude",
    "accuracy_m",
    "location_source",
    "place",
    "crossing_point",
    "goods_lines",
    "goods_value_eur",
    "details",
    "narrative",
]


def export_queryset(violations: QuerySet[Violation]) -> QuerySet[Violation]:
    return (
        violations.select_related("category", "unit", "reported_by", "crossing_point")
        .annotate(goods_count=Count("goods"), goods_value=Sum("goods__value_eur"))
        .order_by("-occurred_at", "-id")
    )


def _row(violation: Any) -> list[Any]:
    location = violation.location
    value: Decimal | None = violation.goods_value
    return [
        violation.reference,
        timezone.localtime(violation.occurred_at).strftime("%Y-%m-%d %H:%M"),
        violation.category.code,
        violation.status,
        str(violation.unit),
        violation.reported_by.get_username(),
        round(location.y, 6) if location else None,
        round(location.x, 6) if location else None,
        violation.location_accuracy_m,
        violation.location_source,
        violation.place_description,
        str(violation.crossing_point or ""),
        violation.goods_count,
        float(value) if value is not None else None,
        json.dumps(violation.details, ensure_ascii=False, sort_keys=True),
        violation.narrative,
    ]


def export_rows(violations: QuerySet[Violation]) -> Iterator[list[Any]]:
    for violation in export_queryset(violations)[:EXPORT_ROW_LIMIT].iterator(chunk_size=2000):
        yield _row(violation)


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    import csv

    class _Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(_Echo())
    # A byte-order mark makes spreadsheet programs read the file as UTF-8 (ą, č, ę, ...).
    yield "\ufeff" + writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow(csv_safe_row(row))


def xlsx_bytes(rows: Iterable[list[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("violations")
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([xlsx_safe(cell) for cell in row])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def geojson_chunks(rows: Iterable[list[Any]]) -> Iterator[str]:
    yield '{"type":"FeatureCollection","features":['
    first = True
    for row in rows:
        properties = dict(zip(COLUMNS, row, strict=True))
        latitude, longitude = properties.pop("latitude"), properties.pop("longitude")
        properties["details"] = json.loads(properties["details"])
        geometry = (
            {"type": "Point", "coordinates": [longitude, latitude]}
            if latitude is not None
            else None
        )
        feature = {"type": "Feature", "geometry": geometry, "properties": properties}
        yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False, default=str)
        first = False
    yield "]}"


def export_filename(extension: str, now: datetime | None = None) -> str:
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M")
    return f"violations-{stamp}.{extension}"


@dataclass
class ViolationExport:
    """What a caller sends back: ``content`` is the whole file (bytes) for XLSX, else an
    iterator of text chunks to stream (the rows are read as it is consumed)."""

    content_type: str
    filename: str
    content: bytes | Iterator[str]


def violation_export(
    *,
    actor: User,
    filters: ViolationFilter,
    file_format: str,
    via_api: bool = False,
    requested: Mapping[str, Any] | None = None,
) -> ViolationExport:
    """The violations within ``actor``'s reach that match ``filters``, as ``file_format``
    (csv, xlsx, geojson), audited as an export. ``requested`` is what the caller was
    asked for, recorded as the filters (default: ``filters`` themselves). Raises
    ValidationError (``format``; or no field when more than EXPORT_ROW_LIMIT rows
    match) and records nothing when refused."""
    if file_format not in FORMATS:
        raise ValidationError({"format": _("Choose csv, xlsx or geojson.")})
    violations = violation_list_for_user(user=actor, filters=filters)
    total = violations.count()
    if total > EXPORT_ROW_LIMIT:
        raise ValidationError(
            _("%(count)d violations match: narrow the filters to at most %(limit)d rows to export.")
            % {"count": total, "limit": EXPORT_ROW_LIMIT},
            code="too_many_rows",
        )
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="cases.violation",
        object_repr=f"violations {file_format.upper()} ({total})" + (" via API" if via_api else ""),
        changes={
            "format": file_format,
            "rows": total,
            "filters": dict(requested)
            if requested is not None
            else {k: str(v) for k, v in vars(filters).items() if v},
        },
    )
    rows = export_rows(violations)
    content: bytes | Iterator[str]
    if file_format == "xlsx":
        content = xlsx_bytes(rows)
    elif file_format == "geojson":
        content = geojson_chunks(rows)
    else:
        content = csv_lines(rows)
    return ViolationExport(
        content_type=FORMATS[file_format],
        filename=export_filename(file_format),
        content=content,
    )
