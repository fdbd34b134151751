"""Exports of the filtered violation list: CSV, XLSX, GeoJSON."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request

from cases.api.violations import ViolationFilterSerializer
from cases.services.exports import violation_export
from portal.api.helpers import ERRORS, as_drf_error, request_user
from portal.api.permissions import require_perms
from portal.lib.downloads import download_response


class ViolationExport(GenericAPIView):
    """The filtered violations as CSV, XLSX or GeoJSON (same filters as the list)."""

    permission_classes = [require_perms("cases.view_violation", "cases.export_violation")]

    @extend_schema(parameters=[ViolationFilterSerializer], responses={200: bytes, **ERRORS})
    def get(self, request: Request, file_format: str) -> Any:
        filters = ViolationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        try:
            export = violation_export(
                actor=request_user(request),
                filters=filters.to_filter(),
                file_format=file_format,
                via_api=True,
                requested=dict(request.query_params.items()),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return download_response(
            export.content, content_type=export.content_type, filename=export.filename
        )
