"""The officer's own unit over the API (session-authenticated from the "my unit" page):
its state, shift and patrol zone, and position reports from the phone's browser."""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dispatch.api.positions import IngestResultSerializer, PositionBatchSerializer, ingest_response
from dispatch.models import MobileUnit, Shift
from dispatch.selectors.planning import shift_current_for_unit, shift_next_for_unit
from dispatch.selectors.units import officer_unit_get
from dispatch.services.positions import browser_positions_ingest
from portal.api.fields import PolygonField
from portal.api.helpers import ERRORS, as_drf_error, request_user
from portal.api.permissions import require_perms


def _not_a_unit_officer() -> PermissionDenied:
    return PermissionDenied(_("You do not serve in a mobile unit."))


class ZoneSerializer(serializers.Serializer):
    name = serializers.CharField()
    colour = serializers.CharField()
    area = PolygonField(help_text="GeoJSON Polygon, WGS 84.")


class ShiftSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    note = serializers.CharField()
    zone = ZoneSerializer(allow_null=True)


class MyUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="unit.pk")
    call_sign = serializers.CharField(source="unit.call_sign")
    status = serializers.CharField(source="unit.status")
    status_label = serializers.CharField(source="unit.get_status_display")
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    last_reported_at = serializers.DateTimeField(source="unit.last_reported_at", allow_null=True)
    last_accuracy_m = serializers.FloatField(source="unit.last_accuracy_m", allow_null=True)
    shift = ShiftSerializer(allow_null=True)
    next_shift = ShiftSerializer(allow_null=True)

    def get_latitude(self, data: dict[str, Any]) -> float | None:
        unit: MobileUnit = data["unit"]
        return unit.last_position.y if unit.last_position else None

    def get_longitude(self, data: dict[str, Any]) -> float | None:
        unit: MobileUnit = data["unit"]
        return unit.last_position.x if unit.last_position else None


class MyUnit(APIView):
    """The officer's unit: status, last known position, current (or next) shift and its
    patrol zone."""

    permission_classes = [require_perms("dispatch.serve_in_unit")]

    @extend_schema(responses={200: MyUnitSerializer, **ERRORS})
    def get(self, request: Request) -> Response:
        try:
            unit = officer_unit_get(user=request_user(request))
        except DjangoPermissionDenied as error:
            raise _not_a_unit_officer() from error
        shift: Shift | None = shift_current_for_unit(unit=unit)
        data = {
            "unit": unit,
            "shift": shift,
            "next_shift": None if shift else shift_next_for_unit(unit=unit),
        }
        return Response(MyUnitSerializer(data).data)


@extend_schema_field(serializers.DateTimeField())
class ClientTimeField(serializers.Field):
    """The phone's clock when it sent the batch, to correct its error. Optional and
    forgiving: a clock that cannot be read (or has no time zone) is left out, never a
    reason to lose the batch."""

    def to_internal_value(self, data: Any) -> datetime | None:
        try:
            when = parse_datetime(data) if isinstance(data, str) else None
        except ValueError:
            when = None
        return when if when is not None and timezone.is_aware(when) else None

    def to_representation(self, value: Any) -> Any:
        return value


class BrowserPositionBatchSerializer(PositionBatchSerializer):
    """A batch from the officer's phone; at most MAX_BATCH reports (the service refuses
    a larger one whole)."""

    client_time = ClientTimeField(
        required=False,
        allow_null=True,
        help_text="The phone's clock when it sent the batch; report times are corrected "
        "by its difference from the server's clock when that is over 30 s.",
    )


class MyUnitPositions(APIView):
    """Position reports from the officer's browser, for the officer's own unit (never
    another: the unit is the one the signed-in officer serves in). The same batch shape
    as the device API; duplicates are harmless, bad reports are listed with their
    errors and the good ones kept. Refused while the unit is off duty."""

    permission_classes = [require_perms("dispatch.serve_in_unit")]

    @extend_schema(
        request=BrowserPositionBatchSerializer, responses={200: IngestResultSerializer, **ERRORS}
    )
    def post(self, request: Request) -> Response:
        batch = BrowserPositionBatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        try:
            result = browser_positions_ingest(
                actor=request_user(request),
                reports=batch.validated_data["reports"],
                client_time=batch.validated_data.get("client_time"),
            )
        except DjangoPermissionDenied as error:
            raise _not_a_unit_officer() from error
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return ingest_response(result)
