"""Planning API: patrol zones as GeoJSON for maps, geofence alerts for the live map
(the open ones, acknowledge)."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from dispatch.models import GeofenceAlert
from dispatch.selectors.planning import alert_get_for_user, alert_list_for_user, zones_geojson
from dispatch.services.planning import alert_acknowledge, alert_list_view_audit
from portal.api.helpers import error_responses, request_user
from portal.api.permissions import require_perms

ERRORS = error_responses(401, 403, 404)


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
        alert = alert_get_for_user(user=request_user(request), pk=pk)
        alert = alert_acknowledge(actor=request_user(request), alert=alert)
        return Response(AlertSerializer(alert).data)


class AlertList(GenericAPIView):
    """Geofence alerts, open ones first then the history; ``?open=1`` for the open ones
    only (what the live map polls)."""

    permission_classes = [require_perms("dispatch.view_geofencealert")]
    queryset = GeofenceAlert.objects.none()
    serializer_class = AlertSerializer

    @extend_schema(
        parameters=[OpenApiParameter("open", OpenApiTypes.BOOL, description="Open alerts only.")],
        responses={200: AlertSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        open_only = request.query_params.get("open", "").lower() in {"1", "true", "yes"}
        alerts = alert_list_for_user(user=request_user(request), open_only=open_only)
        page = list(self.paginate_queryset(alerts) or [])
        alert_list_view_audit(actor=request_user(request), alerts=page, filters={"open": open_only})
        return self.get_paginated_response(AlertSerializer(page, many=True).data)


class ZoneCollection(GenericAPIView):
    """Patrol zones as a GeoJSON FeatureCollection (properties: id, name, description,
    colour, active). Active zones only unless ``?all=1``."""

    permission_classes = [require_perms("dispatch.view_patrolzone")]
    queryset = GeofenceAlert.objects.none()  # for the schema only; zones_geojson reads

    @extend_schema(
        parameters=[
            OpenApiParameter("all", OpenApiTypes.BOOL, description="Include inactive zones.")
        ],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        include_inactive = request.query_params.get("all", "").lower() in {"1", "true", "yes"}
        collection: dict[str, Any] = zones_geojson(
            user=request_user(request), include_inactive=include_inactive
        )
        return Response(collection)
