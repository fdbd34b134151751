"""API of the entity registry: an entity's dossier and its places; the resolution
queue, judgements, merges and their undo. Thin: selectors read, services act."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.lib.audit_words import DOSSIER_VIEW
from cases.lib.match_reasons import reason_text
from cases.models import EntityMatch, EntityMerge, MatchStatus
from cases.selectors.registry import (
    entity_dossier,
    entity_dossier_get_for_user,
    entity_places_geojson,
    merge_get_for_user,
)
from cases.selectors.resolution import match_get_for_user, match_queue_for_user
from cases.services import resolution as resolution_services
from portal.api.helpers import ERRORS, as_drf_error, request_user
from portal.api.permissions import require_perms
from portal.models import AuditAction
from portal.services.audit import audit_record

RESOLVER = require_perms("cases.view_entity", "cases.change_entity")


class EntityBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ftm_id = serializers.CharField(allow_null=True)
    schema = serializers.CharField(source="kind")
    # FtM's word for an entity's display name ("label" is a Field attribute in DRF).
    caption = serializers.CharField(source="label")
    key = serializers.CharField()


class RelationOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="relation.id")
    schema = serializers.CharField(source="relation.kind")
    caption = serializers.CharField(source="label")
    outgoing = serializers.BooleanField()
    other = EntityBriefSerializer()
    valid_from = serializers.DateField(source="relation.valid_from", allow_null=True)
    valid_to = serializers.DateField(source="relation.valid_to", allow_null=True)
    confidence = serializers.IntegerField(source="relation.confidence")
    provenance = serializers.CharField(source="relation.provenance")
    provenance_kind = serializers.CharField(source="relation.provenance_kind")
    properties = serializers.DictField(source="relation.properties")


class InvolvementOutSerializer(serializers.Serializer):
    violation = serializers.IntegerField(source="violation_id")
    reference = serializers.CharField(source="violation.reference")
    occurred_at = serializers.DateTimeField(source="violation.occurred_at")
    role = serializers.CharField()


class DossierSerializer(serializers.Serializer):
    entity = EntityBriefSerializer()
    properties = serializers.DictField(source="entity.properties")
    provenance = serializers.CharField(source="entity.provenance")
    merged_into = serializers.IntegerField(source="entity.merged_into_id", allow_null=True)
    relations = RelationOutSerializer(many=True)
    relations_more = serializers.IntegerField()
    violations = InvolvementOutSerializer(many=True, source="involvements")


class EntityDossier(APIView):
    """An entity's dossier: FtM properties, relations, the violations the caller may
    see. Each consultation is audited."""

    permission_classes = [require_perms("cases.view_entity")]

    @extend_schema(responses={200: DossierSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        entity = entity_dossier_get_for_user(user=user, pk=pk)
        audit_record(
            actor=user, action=AuditAction.VIEW, obj=entity, changes={"view": DOSSIER_VIEW}
        )
        return Response(DossierSerializer(entity_dossier(user=user, entity=entity)).data)


class EntityPlaces(APIView):
    """The entity's places as GeoJSON (addresses with coordinates, violation sites)."""

    permission_classes = [require_perms("cases.view_entity")]

    @extend_schema(
        responses={200: OpenApiResponse(description="GeoJSON FeatureCollection"), **ERRORS}
    )
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        entity = entity_dossier_get_for_user(user=user, pk=pk)
        return Response(entity_places_geojson(user=user, entity=entity))


class MatchSerializer(serializers.ModelSerializer):
    left = EntityBriefSerializer()
    right = EntityBriefSerializer()
    reason_texts = serializers.SerializerMethodField()

    class Meta:
        model = EntityMatch
        fields = ["id", "left", "right", "score", "reasons", "reason_texts", "status"]

    def get_reason_texts(self, match: EntityMatch) -> list[str]:
        return [reason_text(reason) for reason in match.reasons]


class MergeSerializer(serializers.ModelSerializer):
    kept = EntityBriefSerializer()
    absorbed = EntityBriefSerializer()

    class Meta:
        model = EntityMerge
        fields = ["id", "kept", "absorbed", "merged_at", "undone_at"]


class MatchQueue(APIView):
    """Open proposals, highest score first (at most 100)."""

    permission_classes = [RESOLVER]

    @extend_schema(responses={200: MatchSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        matches = match_queue_for_user(user=request_user(request))[:100]
        return Response(MatchSerializer(matches, many=True).data)


class JudgeInputSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=[MatchStatus.SAME, MatchStatus.DIFFERENT])


class MatchJudge(APIView):
    permission_classes = [RESOLVER]

    @extend_schema(request=JudgeInputSerializer, responses={200: MatchSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        match = match_get_for_user(user=user, pk=pk)
        payload = JudgeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if match.status != MatchStatus.PROPOSED:
            raise as_drf_error(DjangoValidationError({"verdict": "This pair was judged already."}))
        match = resolution_services.match_judge(
            actor=user, match=match, verdict=payload.validated_data["verdict"]
        )
        return Response(MatchSerializer(match).data)


class MergeInputSerializer(serializers.Serializer):
    keep = serializers.IntegerField(min_value=1, help_text="The id of the entity to keep.")


class MatchMerge(APIView):
    permission_classes = [RESOLVER]

    @extend_schema(request=MergeInputSerializer, responses={201: MergeSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        match = match_get_for_user(user=user, pk=pk)
        payload = MergeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        keep = payload.validated_data["keep"]
        if keep not in (match.left_id, match.right_id):
            raise as_drf_error(
                DjangoValidationError({"keep": "Keep one of the two entities of this pair."})
            )
        if match.status == MatchStatus.DIFFERENT:
            raise as_drf_error(DjangoValidationError({"keep": "This pair was judged different."}))
        kept, absorbed = (
            (match.left, match.right) if keep == match.left_id else (match.right, match.left)
        )
        try:
            merge = resolution_services.entity_merge(
                actor=user, kept=kept, absorbed=absorbed, match=match
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(MergeSerializer(merge).data, status=201)


class MergeUndo(APIView):
    permission_classes = [RESOLVER]

    @extend_schema(request=None, responses={200: MergeSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        merge = merge_get_for_user(user=user, pk=pk)
        try:
            merge = resolution_services.entity_merge_undo(actor=user, merge=merge)
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(MergeSerializer(merge).data)
