"""Violation categories, with the facts each asks for."""

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from cases.models import (
    ViolationCategory,
)
from cases.selectors.categories import category_list_active
from portal.api.permissions import require_perms


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
        return category_list_active()
