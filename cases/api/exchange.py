"""A verified violation's exchange records (CEN non-nominal and nominal)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from cases.models import (
    ViolationStatus,
)
from cases.selectors.violations import violation_get_for_user
from portal.api.helpers import ERRORS, request_user
from portal.api.permissions import require_perms
from portal.models import AuditAction
from portal.services.audit import audit_record


class ViolationExchangeRecord(GenericAPIView):
    """The non-nominal (CEN) or nominal record of a verified violation."""

    permission_classes = [require_perms("cases.view_violation", "cases.export_violation")]

    @extend_schema(request=None, responses={200: dict, **ERRORS})
    def get(self, request: Request, pk: int, kind: str) -> Response:
        from cases.services.exchange import cen_record

        violation = violation_get_for_user(user=request_user(request), pk=pk)
        if kind not in ("nominal", "non-nominal"):
            raise serializers.ValidationError({"kind": ["Ask for nominal or non-nominal."]})
        if violation.status not in (ViolationStatus.VERIFIED, ViolationStatus.LINKED):
            raise serializers.ValidationError(
                {"status": ["Only a verified violation yields exchange records."]}
            )
        record = cen_record(violation, nominal=kind == "nominal")
        audit_record(
            actor=request_user(request),
            action=AuditAction.EXPORT,
            obj=violation,
            changes={"record": kind, "omitted_fields": len(record.omitted)},
        )
        return Response({"record": record.content, "omitted": record.omitted})
