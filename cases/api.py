"""REST API of violations, their goods, entities and evidence, and the reference lists.

Thin: an input serializer validates shape, a service acts (and validates meaning), an
output serializer renders. Scope comes from cases.selectors, never from a bare queryset.
"""

from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from cases.models import (
    Entity,
    EntityKind,
    Evidence,
    GoodsLine,
    HSCode,
    InvolvementRole,
    LocationSource,
    QuantityUnit,
    Violation,
    ViolationCategory,
    ViolationEntity,
    ViolationStatus,
)
from cases.selectors import ViolationFilter, violation_get_for_user, violation_list_for_user
from cases.services import entities as entity_services
from cases.services import evidence as evidence_services
from cases.services import violations as violation_services
from portal.api.helpers import ERRORS, as_drf_error, request_user
from portal.api.permissions import require_perms
from portal.models import AuditAction
from portal.services.audit import audit_record


# --- Reference lists --------------------------------------------------------------------
class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = ViolationCategory
        fields = [
            "code",
            "name",
            "name_en",
            "name_lt",
            "field_definitions",
            "is_active",
            "sort_order",
        ]


class CategoryList(ListAPIView):
    permission_classes = [require_perms("cases.view_violationcategory")]
    serializer_class = CategorySerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[ViolationCategory]:
        return ViolationCategory.objects.filter(is_active=True).order_by("sort_order")


class HSCodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = HSCode
        fields = ["code", "description", "level", "parent", "section"]


class HSCodeList(ListAPIView):
    """Search the HS nomenclature by code prefix or words of the description."""

    permission_classes = [require_perms("cases.view_hscode")]
    serializer_class = HSCodeSerializer

    @extend_schema(parameters=[OpenApiParameter("q", str, description="code prefix or words")])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[HSCode]:
        query = self.request.query_params.get("q", "").strip()
        codes = HSCode.objects.filter(level__gte=4).order_by("code")
        digits = query.replace(".", "").replace(" ", "")
        if digits.isdigit():
            return codes.filter(code__startswith=digits)
        for word in query.split()[:5]:
            codes = codes.filter(description__icontains=word)
        return codes


# --- Violations -------------------------------------------------------------------------
class GoodsLineSerializer(serializers.ModelSerializer):
    hs_description = serializers.CharField(source="hs_code.description", read_only=True)

    class Meta:
        model = GoodsLine
        fields = [
            "id",
            "hs_code",
            "hs_description",
            "description",
            "quantity",
            "quantity_unit",
            "value_eur",
            "seized",
        ]


class EntitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Entity
        fields = ["id", "kind", "label", "key", "properties"]


class InvolvementSerializer(serializers.ModelSerializer):
    entity = EntitySerializer(read_only=True)

    class Meta:
        model = ViolationEntity
        fields = ["id", "role", "note", "entity"]


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "description",
            "uploaded_at",
        ]


class ViolationSerializer(serializers.ModelSerializer):
    category: serializers.Field = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit: serializers.Field = serializers.StringRelatedField()
    reported_by: serializers.Field = serializers.StringRelatedField()
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    crossing_point: serializers.Field = serializers.StringRelatedField()

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


class ViolationInputSerializer(serializers.Serializer):
    client_key = serializers.UUIDField(required=False)
    occurred_at = serializers.DateTimeField()
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=ViolationCategory.objects.filter(is_active=True)
    )
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(
        required=False, allow_null=True, min_value=-180, max_value=180
    )
    location_accuracy_m = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    location_source = serializers.ChoiceField(
        choices=LocationSource.choices, required=False, allow_blank=True
    )
    place_description = serializers.CharField(required=False, allow_blank=True, max_length=300)
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    details = serializers.DictField(required=False)
    outside_area_confirmed = serializers.BooleanField(required=False, default=False)

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
                actor=request_user(request), violation=violation, data=payload.to_input()
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(ViolationDetailSerializer(violation).data)


class ViolationSubmit(GenericAPIView):
    permission_classes = [require_perms("cases.view_violation", "cases.add_violation")]
    serializer_class = ViolationDetailSerializer

    @extend_schema(request=None, responses={200: ViolationDetailSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        violation = violation_get_for_user(user=request_user(request), pk=pk, for_edit=True)
        try:
            violation = violation_services.violation_submit(
                actor=request_user(request), violation=violation
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


class GoodsInputSerializer(serializers.Serializer):
    hs_code = serializers.CharField(max_length=12)
    description = serializers.CharField(max_length=300)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)
    quantity_unit = serializers.ChoiceField(choices=QuantityUnit.choices)
    value_eur = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    seized = serializers.BooleanField(required=False, default=True)


class ViolationGoods(GenericAPIView):
    permission_classes = [require_perms("cases.view_violation", "cases.change_violation")]
    serializer_class = GoodsLineSerializer

    @extend_schema(request=GoodsInputSerializer, responses={201: GoodsLineSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        violation = violation_get_for_user(user=request_user(request), pk=pk, for_edit=True)
        payload = GoodsInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            line = violation_services.goods_line_add(
                actor=request_user(request),
                violation=violation,
                data=violation_services.GoodsInput(**payload.validated_data),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(GoodsLineSerializer(line).data, status=status.HTTP_201_CREATED)


class ViolationGoodsLine(GenericAPIView):
    permission_classes = [require_perms("cases.view_violation", "cases.change_violation")]
    serializer_class = GoodsLineSerializer

    @extend_schema(request=None, responses={204: None, **ERRORS})
    def delete(self, request: Request, pk: int, line_id: int) -> Response:
        violation = violation_get_for_user(user=request_user(request), pk=pk, for_edit=True)
        line = get_object_or_404(GoodsLine, pk=line_id, violation=violation)
        violation_services.goods_line_remove(actor=request_user(request), line=line)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EntityLinkSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EntityKind.choices)
    role = serializers.ChoiceField(choices=InvolvementRole.choices)
    values = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=200))
    properties = serializers.DictField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


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
        try:
            entity, _created = entity_services.entity_resolve(
                actor=request_user(request),
                kind=data["kind"],
                values=data["values"],
                properties=data.get("properties"),
                provenance=f"violation {violation.reference}",
            )
            involvement = entity_services.violation_entity_link(
                actor=request_user(request),
                violation=violation,
                entity=entity,
                role=data["role"],
                note=data.get("note", ""),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(InvolvementSerializer(involvement).data, status=status.HTTP_201_CREATED)


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    description = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ViolationEvidence(GenericAPIView):
    permission_classes = [require_perms("cases.view_violation", "cases.change_violation")]
    serializer_class = EvidenceSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        violation = violation_get_for_user(user=request_user(request), pk=pk, for_edit=True)
        payload = EvidenceUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            evidence = evidence_services.evidence_add(
                actor=request_user(request),
                violation=violation,
                upload=payload.validated_data["file"],
                description=payload.validated_data.get("description", ""),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class EntitySearch(ListAPIView):
    """Registry look-up while typing a plate, name or document number."""

    permission_classes = [require_perms("cases.view_entity")]
    serializer_class = EntitySerializer

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("kind", str)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Entity]:
        query = self.request.query_params.get("q", "").strip()
        kind = self.request.query_params.get("kind", "")
        entities = Entity.objects.all()
        if kind:
            entities = entities.filter(kind=kind)
        if len(query) < 2:
            return entities.none()
        compact = "".join(ch for ch in query.upper() if ch.isalnum())
        return entities.filter(Q(label__icontains=query) | Q(key__icontains=compact)).order_by(
            "label"
        )[:20]


class ViolationMapQuery(ViolationFilterSerializer):
    zoom = serializers.IntegerField(min_value=0, max_value=20)


class ViolationMap(GenericAPIView):
    """Aggregated violations for the map viewport (cells, or points when zoomed in)."""

    permission_classes = [require_perms("cases.view_violation")]

    @extend_schema(parameters=[ViolationMapQuery], responses={200: dict, **ERRORS})
    def get(self, request: Request) -> Response:
        from cases.map_selectors import violation_map_for_user

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


class ViolationExchangeRecord(GenericAPIView):
    """The non-nominal (CEN) or nominal record of a verified violation."""

    permission_classes = [require_perms("cases.view_violation", "cases.export_violation")]

    @extend_schema(request=None, responses={200: dict, **ERRORS})
    def get(self, request: Request, pk: int, kind: str) -> Response:
        from cases.cen import cen_record

        violation = violation_get_for_user(user=request_user(request), pk=pk)
        if kind not in ("nominal", "non-nominal"):
            raise serializers.ValidationError({"kind": ["Ask for nominal or non-nominal."]})
        if violation.status not in (ViolationStatus.VERIFIED, ViolationStatus.LINKED):
            raise serializers.ValidationError(
                {"status": ["Only a verified violation yields exchange records."]}
            )
        record = cen_record(violation, nominal=kind == "nominal")
        audit_record(
            actor=request_user(request),
            action=AuditAction.EXPORT,
            obj=violation,
            changes={"record": kind, "omitted_fields": len(record.omitted)},
        )
        return Response({"record": record.content, "omitted": record.omitted})


class ViolationExport(GenericAPIView):
    """The filtered violations as CSV, XLSX or GeoJSON (same filters as the list)."""

    permission_classes = [require_perms("cases.view_violation", "cases.export_violation")]

    @extend_schema(parameters=[ViolationFilterSerializer], responses={200: bytes, **ERRORS})
    def get(self, request: Request, file_format: str) -> Any:
        from django.http import HttpResponse, StreamingHttpResponse

        from cases import exports
        from cases.views_exports import FORMATS

        if file_format not in FORMATS:
            raise serializers.ValidationError({"format": ["Choose csv, xlsx or geojson."]})
        filters = ViolationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        violations = violation_list_for_user(
            user=request_user(request), filters=filters.to_filter()
        )
        total = violations.count()
        if total > exports.EXPORT_ROW_LIMIT:
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        f"{total} violations match; narrow the filters to at most "
                        f"{exports.EXPORT_ROW_LIMIT}."
                    ]
                }
            )
        audit_record(
            actor=request_user(request),
            action=AuditAction.EXPORT,
            object_type="cases.violation",
            object_repr=f"violations {file_format.upper()} ({total}) via API",
            changes={
                "format": file_format,
                "rows": total,
                "filters": dict(request.query_params.items()),
            },
        )
        rows = exports.export_rows(violations)
        if file_format == "xlsx":
            response: Any = HttpResponse(exports.xlsx_bytes(rows), content_type=FORMATS["xlsx"])
        elif file_format == "geojson":
            response = StreamingHttpResponse(
                exports.geojson_chunks(rows), content_type=FORMATS["geojson"]
            )
        else:
            response = StreamingHttpResponse(exports.csv_lines(rows), content_type=FORMATS["csv"])
        response["Content-Disposition"] = (
            f'attachment; filename="{exports.export_filename(file_format)}"'
        )
        return response
