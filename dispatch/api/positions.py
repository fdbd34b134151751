"""Device-facing API: position batches from unit devices, authenticated per device."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import authentication, exceptions, serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dispatch.models import UnitDevice
from dispatch.services.positions import IngestResult, device_for_token, positions_ingest
from portal.api.helpers import error_responses


class DeviceTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Device <token>``: the request acts for the device, not a person."""

    keyword = "Device"

    def authenticate(self, request: Request) -> tuple[Any, UnitDevice] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace") != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the device token after 'Device'."))
        device = device_for_token(header[1].decode(errors="replace"))
        if device is None:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked device token."))
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser(), device

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "dispatch.api.positions.DeviceTokenAuthentication"
    name = "deviceToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Device <token>",
        }


class IsUnitDevice(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, UnitDevice)


class PositionInSerializer(serializers.Serializer):
    device_time = serializers.DateTimeField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    accuracy_m = serializers.FloatField(required=False)
    speed_kmh = serializers.FloatField(required=False)
    heading_deg = serializers.FloatField(required=False)


@extend_schema_field(PositionInSerializer(many=True))
class ReportListField(serializers.Field):
    """The batch's reports: a non-empty list. Each report is checked on its own by the
    service (a bad one is named by its index, the good ones are kept), so this field
    checks only the list; the schema shows the reports' shape (PositionInSerializer)."""

    default_error_messages = {
        "required": _("Send a non-empty list of reports."),
        "null": _("Send a non-empty list of reports."),
    }

    def to_internal_value(self, data: Any) -> list[Any]:
        if not isinstance(data, list) or not data:
            raise serializers.ValidationError(_("Send a non-empty list of reports."))
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class PositionBatchSerializer(serializers.Serializer):
    """A batch of position reports; a device's batch keeps its first MAX_BATCH
    reports and names the rest as refused (dispatch.services.positions)."""

    reports = ReportListField()

    def to_internal_value(self, data: Any) -> Any:
        # A body that is no object is refused like one without reports.
        if not isinstance(data, dict):
            raise serializers.ValidationError({"reports": [_("Send a non-empty list of reports.")]})
        return super().to_internal_value(data)


class IngestResultSerializer(serializers.Serializer):
    accepted = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.ListField(child=serializers.DictField())


def ingest_response(result: IngestResult) -> Response:
    """What a device or a phone is told about its batch."""
    return Response(IngestResultSerializer(result).data)


class PositionIngest(APIView):
    """A batch of position reports from one device. Duplicates and reports out of order
    are accepted (idempotent); bad reports are listed with their errors and the good
    ones are kept."""

    authentication_classes = [DeviceTokenAuthentication]
    permission_classes = [IsUnitDevice]

    @extend_schema(
        request=PositionBatchSerializer,
        responses={200: IngestResultSerializer, **error_responses(400, 401)},
    )
    def post(self, request: Request) -> Response:
        batch = PositionBatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        device: UnitDevice = request.auth  # type: ignore[assignment]  # IsUnitDevice
        return ingest_response(
            positions_ingest(
                unit=device.unit, device=device, reports=batch.validated_data["reports"]
            )
        )
