"""A violation's evidence files."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from cases.models import (
    Evidence,
)
from cases.selectors.violations import violation_get_for_user
from cases.services import evidence as evidence_services
from portal.api.fields import ClientKeySerializer
from portal.api.helpers import ERRORS, as_drf_error, request_user
from portal.api.parsers import FormParser, JSONParser, MultiPartParser
from portal.api.permissions import require_perms


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "description",
            "uploaded_at",
        ]


class EvidenceUploadSerializer(ClientKeySerializer):
    file = serializers.FileField()
    description = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ViolationEvidence(GenericAPIView):
    permission_classes = [require_perms("cases.view_violation", "cases.change_violation")]
    serializer_class = EvidenceSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        violation = violation_get_for_user(user=request_user(request), pk=pk, for_edit=True)
        payload = EvidenceUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            evidence = evidence_services.evidence_add(
                actor=request_user(request),
                violation=violation,
                upload=payload.validated_data["file"],
                description=payload.validated_data.get("description", ""),
                client_key=payload.validated_data.get("client_key"),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)
