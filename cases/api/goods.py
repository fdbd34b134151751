"""The HS nomenclature search and a violation's goods lines."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from cases.models import (
    GoodsLine,
    HSCode,
    QuantityUnit,
)
from cases.selectors.goods import goods_line_get, hs_code_search
from cases.selectors.violations import (
    violation_get_for_user,
)
from cases.services import goods as goods_services
from portal.api.fields import ClientKeySerializer
from portal.api.helpers import ERRORS, as_drf_error, request_user
from portal.api.permissions import require_perms


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
        return hs_code_search(query=self.request.query_params.get("q", ""))


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


class GoodsInputSerializer(ClientKeySerializer):
    hs_code = serializers.CharField(max_length=12)
    description = serializers.CharField(max_length=goods_services.DESCRIPTION_MAX)
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
        data = dict(payload.validated_data)
        client_key = data.pop("client_key", None)
        try:
            line = goods_services.goods_line_add(
                actor=request_user(request),
                violation=violation,
                data=goods_services.GoodsInput(**data),
                client_key=client_key,
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
        line = goods_line_get(violation=violation, pk=line_id)
        goods_services.goods_line_remove(actor=request_user(request), line=line)
        return Response(status=status.HTTP_204_NO_CONTENT)
