"""Exports of the filtered violation list: CSV, XLSX, GeoJSON."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request

from cases.api.violations import ViolationFilterSerializer
from cases.selectors.violations import (
    violation_list_for_user,
)
from portal.api.helpers import ERRORS, request_user
from portal.api.permissions import require_perms
from portal.models import AuditAction
from portal.services.audit import audit_record


class ViolationExport(GenericAPIView):
    """The filtered violations as CSV, XLSX or GeoJSON (same filters as the list)."""

    permission_classes = [require_perms("cases.view_violation", "cases.export_violation")]

    @extend_schema(parameters=[ViolationFilterSerializer], responses={200: bytes, **ERRORS})
    def get(self, request: Request, file_format: str) -> Any:
        from django.http import HttpResponse, StreamingHttpResponse

        from cases.services import exports
        from cases.views.exports import FORMATS

        if file_format not in FORMATS:
            raise serializers.ValidationError({"format": ["Choose csv, xlsx or geojson."]})
        filters = ViolationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        violations = violation_list_for_user(
            user=request_user(request), filters=filters.to_filter()
        )
        total = violations.count()
        if total > exports.EXPORT_ROW_LIMIT:
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        f"{total} violations match; narrow the filters to at most "
                        f"{exports.EXPORT_ROW_LIMIT}."
                    ]
                }
            )
        audit_record(
            actor=request_user(request),
            action=AuditAction.EXPORT,
            object_type="cases.violation",
            object_repr=f"violations {file_format.upper()} ({total}) via API",
            changes={
                "format": file_format,
                "rows": total,
                "filters": dict(request.query_params.items()),
            },
        )
        rows = exports.export_rows(violations)
        if file_format == "xlsx":
            response: Any = HttpResponse(exports.xlsx_bytes(rows), content_type=FORMATS["xlsx"])
        elif file_format == "geojson":
            response = StreamingHttpResponse(
                exports.geojson_chunks(rows), content_type=FORMATS["geojson"]
            )
        else:
            response = StreamingHttpResponse(exports.csv_lines(rows), content_type=FORMATS["csv"])
        response["Content-Disposition"] = (
            f'attachment; filename="{exports.export_filename(file_format)}"'
        )
        return response
