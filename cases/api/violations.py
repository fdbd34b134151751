"""Violations: list and create, read and update, submit, verify. Thin: an input
serializer validates shape, a service acts (and validates meaning), an output
serializer renders."""

from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api.entities import InvolvementSerializer
from cases.api.evidence import EvidenceSerializer
from cases.api.goods import GoodsLineSerializer
from cases.models import (
    LocationSource,
    Violation,
    ViolationStatus,
)
from cases.selectors.categories import category_list_active
from cases.selectors.violations import (
    ViolationFilter,
    violation_get_for_user,
    violation_list_for_user,
)
from cases.services import violations as violation_services
from portal.api.fields import ClientKeySerializer, NumberField
from portal.api.helpers import ERRORS, as_drf_error, request_user
from portal.api.permissions import require_perms
from portal.models import AuditAction
from portal.services.audit import audit_record


class ViolationSerializer(serializers.ModelSerializer):
    category: serializers.Field = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit: serializers.Field = serializers.StringRelatedField()
    reported_by: serializers.Field = serializers.StringRelatedField()
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    # Null when the violation is not at a border crossing (most inland ones): null, not
    # "", so that a client can tell "none" from a crossing point's name.
    crossing_point: serializers.Field = serializers.StringRelatedField(
        allow_null=True, help_text="The border crossing point nearest the place, if any."
    )

    class Meta:
        model = Violation
        fields = [
            "id",
            "reference",
            "client_key",
            "status",
            "occurred_at",
            "category",
            "unit",
            "reported_by",
            "latitude",
            "longitude",
            "location_accuracy_m",
            "location_source",
            "place_description",
            "crossing_point",
            "details",
            "narrative",
            "outside_area_confirmed",
            "submitted_at",
            "verified_at",
        ]

    def get_latitude(self, violation: Violation) -> float | None:
        return violation.location.y if violation.location else None

    def get_longitude(self, violation: Violation) -> float | None:
        return violation.location.x if violation.location else None


class ViolationDetailSerializer(ViolationSerializer):
    goods = GoodsLineSerializer(many=True, read_only=True)
    involvements = InvolvementSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta(ViolationSerializer.Meta):
        fields = [*ViolationSerializer.Meta.fields, "goods", "involvements", "evidence"]


class ViolationInputSerializer(ClientKeySerializer):
    occurred_at = serializers.DateTimeField()
    category = serializers.SlugRelatedField(slug_field="code", queryset=category_list_active())
    latitude = NumberField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = NumberField(required=False, allow_null=True, min_value=-180, max_value=180)
    location_accuracy_m = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    location_source = serializers.ChoiceField(
        choices=LocationSource.choices, required=False, allow_blank=True
    )
    place_description = serializers.CharField(
        required=False, allow_blank=True, max_length=violation_services.PLACE_MAX
    )
    narrative = serializers.CharField(
        required=False, allow_blank=True, max_length=violation_services.NARRATIVE_MAX
    )
    details = serializers.DictField(required=False)
    outside_area_confirmed = serializers.BooleanField(required=False, default=False)
    # Where the entry was logged from, e.g. "dispatch.task:42" (a task's completion on a
    # unit device): announced with the new violation, as from the violation page.
    origin = serializers.RegexField(
        regex=violation_services.ORIGIN_PATTERN, required=False, allow_blank=True, max_length=100
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_lat, has_lon = attrs.get("latitude") is not None, attrs.get("longitude") is not None
        if has_lat != has_lon:
            raise serializers.ValidationError(
                {"longitude": "Give both latitude and longitude, or neither."}
            )
        return attrs

    def to_input(self) -> violation_services.ViolationInput:
        data = self.validated_data
        location = (
            Point(data["longitude"], data["latitude"], srid=4326)
            if data.get("latitude") is not None
            else None
        )
        return violation_services.ViolationInput(
            occurred_at=data["occurred_at"],
            category=data["category"],
            location=location,
            location_accuracy_m=data.get("location_accuracy_m"),
            location_source=data.get("location_source") or (LocationSource.GPS if location else ""),
            place_description=data.get("place_description", ""),
            narrative=data.get("narrative", ""),
            details=data.get("details", {}),
            outside_area_confirmed=data.get("outside_area_confirmed", False),
            origin=data.get("origin", ""),
        )


class ViolationCursor(CursorPagination):
    # Counting a million rows costs more than the page itself: the list pages by cursor.
    ordering = ("-occurred_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class ViolationFilterSerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    category = serializers.CharField(required=False, max_length=40)
    unit = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(choices=ViolationStatus.choices, required=False)
    text = serializers.CharField(required=False, max_length=200)
    bbox = serializers.CharField(required=False, help_text="west,south,east,north in degrees")
    mine = serializers.BooleanField(required=False, default=False)

    def validate_bbox(self, value: str) -> tuple[float, float, float, float]:
        try:
            west, south, east, north = (float(part) for part in value.split(","))
        except ValueError:
            raise serializers.ValidationError("Give four numbers: west,south,east,north.") from None
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise serializers.ValidationError(
                "The box is not valid: west < east and south < north, in degrees."
            )
        return (west, south, east, north)

    def to_filter(self) -> ViolationFilter:
        data = self.validated_data
        return ViolationFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            category=data.get("category", ""),
            unit=data.get("unit"),
            status=data.get("status", ""),
            text=data.get("text", ""),
            bbox=data.get("bbox"),
            reported_by_me=data.get("mine", False),
        )


class ViolationListCreate(GenericAPIView):
    permission_classes = [require_perms("cases.view_violation")]
    # For the schema only: every read goes through cases.selectors, which scopes rows.
    queryset = Violation.objects.none()
    pagination_class = ViolationCursor
    serializer_class = ViolationSerializer

    @extend_schema(
        parameters=[ViolationFilterSerializer],
        responses={200: ViolationSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        filters = ViolationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        violations = violation_list_for_user(
            user=request_user(request), filters=filters.to_filter()
        )
        page = self.paginate_queryset(violations)
        return self.get_paginated_response(ViolationSerializer(page, many=True).data)

    @extend_schema(
        request=ViolationInputSerializer,
        responses={201: ViolationDetailSerializer, 200: ViolationDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        if not request.user.has_perm("cases.add_violation"):
            raise PermissionDenied(_("You may not log violations."))
        payload = ViolationInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            violation, created = violation_services.violation_create(
                actor=request_user(request),
                data=payload.to_input(),
                client_key=payload.validated_data.get("client_key"),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(
            ViolationDetailSerializer(violation).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ViolationDetail(GenericAPIView):
    permission_classes = [require_perms("cases.view_violation")]
    serializer_class = ViolationDetailSerializer

    @extend_schema(responses={200: ViolationDetailSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        violation = violation_get_for_user(user=request_user(request), pk=pk)
        audit_record(actor=request_user(request), action=AuditAction.VIEW, obj=violation)
        return Response(ViolationDetailSerializer(violation).data)

    @extend_schema(
        request=ViolationInputSerializer, responses={200: ViolationDetailSerializer, **ERRORS}
    )
    def put(self, request: Request, pk: int) -> Response:
        violation = violation_get_for_user(user=request_user(request), pk=pk, for_edit=True)
        payload = ViolationInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            violation = violation_services.violation_update(
                actor=request_user(request),
                violation=violation,
                data=payload.to_input(),
                client_key=payload.validated_data.get("client_key"),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(ViolationDetailSerializer(violation).data)


class ViolationSubmit(GenericAPIView):
    permission_classes = [require_perms("cases.view_violation", "cases.add_violation")]
    serializer_class = ViolationDetailSerializer

    @extend_schema(
        request=ClientKeySerializer, responses={200: ViolationDetailSerializer, **ERRORS}
    )
    def post(self, request: Request, pk: int) -> Response:
        violation = violation_get_for_user(user=request_user(request), pk=pk, for_edit=True)
        payload = ClientKeySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            violation = violation_services.violation_submit(
                actor=request_user(request),
                violation=violation,
                client_key=payload.validated_data.get("client_key"),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(ViolationDetailSerializer(violation).data)


class ViolationVerify(GenericAPIView):
    permission_classes = [require_perms("cases.view_violation", "cases.verify_violation")]
    serializer_class = ViolationDetailSerializer

    @extend_schema(request=None, responses={200: ViolationDetailSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        violation = violation_get_for_user(user=request_user(request), pk=pk)
        try:
            violation = violation_services.violation_verify(
                actor=request_user(request), violation=violation
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(ViolationDetailSerializer(violation).data)
