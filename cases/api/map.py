"""The violation map's data: aggregated cells or points for a viewport."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api.violations import ViolationFilterSerializer
from portal.api.helpers import ERRORS, request_user
from portal.api.permissions import require_perms


class ViolationMapQuery(ViolationFilterSerializer):
    zoom = serializers.IntegerField(min_value=0, max_value=20)


class ViolationMap(GenericAPIView):
    """Aggregated violations for the map viewport (cells, or points when zoomed in)."""

    permission_classes = [require_perms("cases.view_violation")]

    @extend_schema(parameters=[ViolationMapQuery], responses={200: dict, **ERRORS})
    def get(self, request: Request) -> Response:
        from cases.selectors.map import violation_map_for_user

        query = ViolationMapQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.to_filter()
        if filters.bbox is None:
            raise serializers.ValidationError(
                {"bbox": ["Give the viewport as west,south,east,north."]}
            )
        return Response(
            violation_map_for_user(
                user=request_user(request),
                filters=filters,
                bbox=filters.bbox,
                zoom=query.validated_data["zoom"],
            )
        )
