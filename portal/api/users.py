"""Users and organisational units (read-only), and the signed-in user."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.accounts import ERRORS
from portal.api.helpers import request_user
from portal.api.permissions import Authenticated, require_perms
from portal.models import OrgUnit, User
from portal.selectors.users import org_unit_queryset_for_user, user_queryset_for_user


# --- Me -------------------------------------------------------------------------------
class OrgUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "kind", "parent", "is_active"]


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    org_unit = OrgUnitSerializer(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "org_unit",
            "roles",
            "is_active",
        ]

    def get_roles(self, user: User) -> list[str]:
        return sorted(user.role_names())


class MeView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(responses={200: UserSerializer, **ERRORS})
    def get(self, request: Request) -> Response:
        data: dict[str, Any] = dict(UserSerializer(request.user).data)
        data["permissions"] = sorted(request.user.get_all_permissions())
        return Response(data)


class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [require_perms("portal.view_orgunit")]
    queryset = OrgUnit.objects.none()  # for the schema only: rows come from the selector
    serializer_class = OrgUnitSerializer
    filterset_fields = ["kind", "is_active", "parent"]
    ordering_fields = ["name", "code"]

    def get_queryset(self) -> QuerySet[OrgUnit]:
        return org_unit_queryset_for_user(user=request_user(self.request))


class UserFilter(django_filters.FilterSet):
    role = django_filters.CharFilter(field_name="groups__name", label=_("Role"))

    class Meta:
        model = User
        fields = ["org_unit", "is_active", "role"]


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [require_perms("portal.view_user")]
    queryset = User.objects.none()  # for the schema only: rows come from the selector
    serializer_class = UserSerializer
    filterset_class = UserFilter
    ordering_fields = ["username", "last_name"]

    def get_queryset(self) -> QuerySet[User]:
        return user_queryset_for_user(user=request_user(self.request))
