"""Track data for the replay page: each chosen unit's reports in a period, in time
order, thinned on the server when there are very many. Every answer is audited."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from dispatch.models import MobileUnit
from dispatch.selectors.tracks import (
    MAX_POINTS_PER_UNIT,
    UnitTrack,
    track_selection_check,
    tracks_for_units,
)
from dispatch.selectors.units import units_by_ids
from dispatch.services.tracks import track_view_audit
from portal.api.fields import BoundedDateTimeField
from portal.api.helpers import as_drf_error, error_responses, request_user
from portal.api.permissions import require_perms
from portal.lib.timefmt import utc_iso

ERRORS = error_responses(400, 401, 403)


class TrackQuerySerializer(serializers.Serializer):
    unit = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=False)
    start = BoundedDateTimeField()
    end = BoundedDateTimeField()

    def validate_unit(self, value: list[int]) -> list[MobileUnit]:
        """The units in one query, in call-sign order (which gives each its colour); the
        same unit asked twice is one unit."""
        asked = set(value)
        units = units_by_ids(asked)
        unknown = sorted(asked - {unit.pk for unit in units})
        if unknown:
            raise serializers.ValidationError(
                _("No mobile unit has the id %(ids)s.") % {"ids": ", ".join(map(str, unknown))}
            )
        return units

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            track_selection_check(units=attrs["unit"], start=attrs["start"], end=attrs["end"])
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return attrs


class TrackUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="unit.pk")
    call_sign = serializers.CharField(source="unit.call_sign")
    # The metaclass takes declared fields off the class: "label" is only the JSON key.
    label = serializers.CharField(  # type: ignore[assignment]
        source="unit.label", help_text='The unit\'s one name, "MED-1 · Medininkai".'
    )
    colour = serializers.CharField(help_text="The unit's colour on the map and in the legend.")
    total = serializers.IntegerField(help_text="Reports of the unit in the period.")
    thinned = serializers.BooleanField(
        help_text="True when only every `step`-th report (and the last one) is returned."
    )
    step = serializers.IntegerField()
    points = serializers.SerializerMethodField(
        help_text="[time (ISO 8601, UTC), latitude, longitude, speed km/h or null], in time order."
    )

    def get_points(self, track: UnitTrack) -> list[list[Any]]:
        return [
            [utc_iso(when), round(lat, 6), round(lon, 6), speed]
            for when, lat, lon, speed in track.points
        ]


class TrackListSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    max_points_per_unit = serializers.IntegerField()
    units = TrackUnitSerializer(many=True)


class TrackList(GenericAPIView):
    """Each chosen unit's position reports from ``start`` to ``end`` (both included), in
    time order, as [time, latitude, longitude, speed]. Above 5,000 reports a unit's track
    is thinned to every n-th report and its last one (``thinned``, ``step``). Audited."""

    permission_classes = [require_perms("dispatch.view_positionreport")]
    serializer_class = TrackListSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.INT, many=True, required=True),
            OpenApiParameter(
                "start",
                OpenApiTypes.DATETIME,
                required=True,
                description="ISO 8601; without an offset, the portal's time zone.",
            ),
            OpenApiParameter("end", OpenApiTypes.DATETIME, required=True),
        ],
        responses={200: TrackListSerializer, **ERRORS},
        summary="Tracks of up to 12 units over at most 7 days",
    )
    def get(self, request: Request) -> Response:
        query = TrackQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        units: list[MobileUnit] = query.validated_data["unit"]
        start: datetime = query.validated_data["start"]
        end: datetime = query.validated_data["end"]
        tracks = tracks_for_units(units=units, start=start, end=end)
        track_view_audit(
            actor=request_user(request),
            units=units,
            start=start,
            end=end,
            points=sum(len(track.points) for track in tracks),
        )
        body = {
            "start": start,
            "end": end,
            "max_points_per_unit": MAX_POINTS_PER_UNIT,
            "units": tracks,
        }
        return Response(TrackListSerializer(body).data)
