"""Planning API: geofence alerts for the live map (list of open ones, acknowledge)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from dispatch.models import GeofenceAlert
from dispatch.selectors_planning import alert_get_for_user
from dispatch.services_planning import alert_acknowledge
from portal.api.errors import ErrorSerializer
from portal.api.permissions import require_perms
from portal.models import User

ERRORS = {401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]  # behind an authenticated permission


class AlertSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.call_sign", read_only=True)
    zone = serializers.CharField(source="zone.name", read_only=True)
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    acknowledged_by = serializers.CharField(
        source="acknowledged_by.get_full_name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = GeofenceAlert
        fields = [
            "id",
            "unit",
            "unit_id",
            "zone",
            "zone_id",
            "shift_id",
            "left_at",
            "latitude",
            "longitude",
            "distance_m",
            "returned_at",
            "acknowledged_at",
            "acknowledged_by",
        ]

    def get_latitude(self, alert: GeofenceAlert) -> float:
        return float(alert.position.y)

    def get_longitude(self, alert: GeofenceAlert) -> float:
        return float(alert.position.x)


class AlertAcknowledge(GenericAPIView):
    """Acknowledge a geofence alert. Acknowledging it again changes nothing and returns
    the first acknowledgement."""

    permission_classes = [require_perms("dispatch.change_geofencealert")]
    queryset = GeofenceAlert.objects.none()
    serializer_class = AlertSerializer

    @extend_schema(request=None, responses={200: AlertSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        alert = alert_get_for_user(user=_user(request), pk=pk)
        alert = alert_acknowledge(actor=_user(request), alert=alert)
        return Response(AlertSerializer(alert).data)
