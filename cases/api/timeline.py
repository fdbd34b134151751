"""A case's timeline and places in the API. Thin: reach through case_get_for_user
(need-to-know: 404 outside it), items from cases.selectors.timeline; each consultation
audited."""

from typing import Any, cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.selectors.investigations import case_get_for_user
from cases.selectors.timeline import (
    TIMELINE_KINDS,
    case_places_geojson,
    case_timeline,
    timeline_kinds_for_user,
)
from cases.services import investigations as case_services
from portal.api.helpers import ERRORS, request_user
from portal.api.permissions import require_perms


class TimelineQuerySerializer(serializers.Serializer):
    kind = serializers.ListField(
        child=serializers.ChoiceField(choices=list(TIMELINE_KINDS)), required=False
    )

    def __init__(self, *args: Any, kinds: dict[str, Any], **kwargs: Any) -> None:
        # Only the kinds the reader may see are choices (as on the page's filters).
        super().__init__(*args, **kwargs)
        choice = cast(
            serializers.ChoiceField, cast(serializers.ListField, self.fields["kind"]).child
        )
        choice.choices = list(kinds)


class TimelineItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    is_period = serializers.BooleanField()
    all_day = serializers.BooleanField()
    url = serializers.CharField(
        help_text="The item's page; empty when there is none or the reader may not open it."
    )
    place = serializers.ListField(child=serializers.FloatField(), allow_null=True)
    entities = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="The entities (within the reader's reach) the item concerns.",
    )


class TimelineSerializer(serializers.Serializer):
    items = TimelineItemSerializer(many=True)
    truncated = serializers.ListField(child=serializers.CharField())
    kinds = serializers.DictField(
        child=serializers.CharField(),
        help_text="The kinds of item the reader may see (kind: label), what ``kind`` may ask for.",
    )


class CaseTimeline(APIView):
    """The case's dated items, oldest first: each a moment or a period (``ends_at``);
    ``place`` is [longitude, latitude]. ``kind`` (repeatable) narrows the kinds."""

    permission_classes = [require_perms("cases.view_case")]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind", OpenApiTypes.STR, many=True, enum=list(TIMELINE_KINDS), required=False
            )
        ],
        responses={200: TimelineSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = case_get_for_user(user=user, pk=pk)
        kinds = timeline_kinds_for_user(user=user)
        query = TimelineQuerySerializer(
            data={"kind": request.query_params.getlist("kind")}, kinds=kinds
        )
        query.is_valid(raise_exception=True)
        case_services.case_consult(actor=user, case=case, what="timeline api")
        timeline = case_timeline(case=case, user=user, kinds=query.validated_data.get("kind"))
        shown = {
            "items": timeline.items,
            "truncated": timeline.truncated,
            "kinds": {kind: str(label) for kind, label in kinds.items()},
        }
        return Response(TimelineSerializer(shown).data)


class CasePlaces(APIView):
    """The case's places as a GeoJSON FeatureCollection: violation sites, sightings of
    its entities, dispatch task places and event places (each with its timeline ``key``
    and ``when``), and its addresses with coordinates (``when`` null); each names in
    ``entities`` the entities within the reader's reach it concerns."""

    permission_classes = [require_perms("cases.view_case")]

    @extend_schema(
        responses={200: OpenApiResponse(description="GeoJSON FeatureCollection"), **ERRORS}
    )
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        case = case_get_for_user(user=user, pk=pk)
        case_services.case_consult(actor=user, case=case, what="places api")
        return Response(case_places_geojson(case=case, user=user))
