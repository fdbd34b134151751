"""Entity search and a violation's linked entities."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from cases.lib.ftm import LEGACY_KINDS
from cases.models import (
    Entity,
    EntityKind,
    InvolvementRole,
    Violation,
    ViolationEntity,
)
from cases.selectors.entities import entity_list_for_user
from cases.selectors.violations import (
    violation_get_for_user,
)
from cases.services import entities as entity_services
from portal.api.fields import ClientKeySerializer
from portal.api.helpers import ERRORS, as_drf_error, request_user
from portal.api.permissions import require_perms


class EntitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Entity
        fields = ["id", "kind", "label", "key", "properties"]


class InvolvementSerializer(serializers.ModelSerializer):
    entity = EntitySerializer(read_only=True)

    class Meta:
        model = ViolationEntity
        fields = ["id", "role", "note", "entity"]


class EntityLinkSerializer(ClientKeySerializer):
    # FtM schema names; the registry's former lower-case kinds ("vehicle") are still
    # read, as a phone may hold forms queued before the change.
    kind = serializers.ChoiceField(
        choices=[*EntityKind.choices, *((old, old) for old in LEGACY_KINDS)]
    )

    def validate_kind(self, value: str) -> str:
        return LEGACY_KINDS.get(value, value)

    role = serializers.ChoiceField(choices=InvolvementRole.choices)
    values = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=200))
    properties = serializers.DictField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    document = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=200),
        required=False,
        help_text='A person\'s identity document: {"number", "document_type", "country"}.',
    )


class ViolationEntities(GenericAPIView):
    permission_classes = [
        require_perms("cases.view_violation", "cases.change_violation", "cases.add_entity")
    ]
    serializer_class = InvolvementSerializer

    @extend_schema(request=EntityLinkSerializer, responses={201: InvolvementSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        violation = violation_get_for_user(user=request_user(request), pk=pk, for_edit=True)
        payload = EntityLinkSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if data["kind"] == EntityKind.PERSON:
            return self._person_add(request, violation, data)
        try:
            involvement = entity_services.violation_entity_add(
                actor=request_user(request),
                violation=violation,
                kind=data["kind"],
                values=data["values"],
                properties=data.get("properties") or {},
                role=data["role"],
                note=data.get("note", ""),
                client_key=data.get("client_key"),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(InvolvementSerializer(involvement).data, status=status.HTTP_201_CREATED)

    def _person_add(self, request: Request, violation: Violation, data: dict[str, Any]) -> Response:
        """A person, with the identity document they showed, as from the violation page."""
        document = data.get("document") or None
        if document is not None:
            document = {**document, "document_type": document.get("document_type") or "other"}
        try:
            involvement = entity_services.violation_person_add(
                actor=request_user(request),
                violation=violation,
                names=data["values"],
                properties=data.get("properties") or {},
                document=document,
                role=data["role"],
                note=data.get("note", ""),
                client_key=data.get("client_key"),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(InvolvementSerializer(involvement).data, status=status.HTTP_201_CREATED)


class EntitySearch(ListAPIView):
    """Registry look-up while typing a plate, name or document number."""

    permission_classes = [require_perms("cases.view_entity")]
    serializer_class = EntitySerializer
    # For the schema only: every read goes through cases.selectors.entities.
    queryset = Entity.objects.none()

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("kind", str)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Entity]:
        return entity_list_for_user(
            user=request_user(self.request),
            query=self.request.query_params.get("q", ""),
            kind=LEGACY_KINDS.get(
                self.request.query_params.get("kind", ""),
                self.request.query_params.get("kind", ""),
            ),
        )
