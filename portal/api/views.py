"""Endpoints of the core: tokens, the signed-in user, units, users, the audit trail."""

from typing import Any

import django_filters
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from portal.api.errors import ErrorSerializer
from portal.api.permissions import Authenticated, Public, require_perms
from portal.models import AuditAction, AuditRecord, OrgUnit, User
from portal.services.accounts import account_login_failed
from portal.services.audit import audit_record
from portal.two_factor import totp_verify, two_factor_required

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer}


# --- Tokens ---------------------------------------------------------------------------
class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, style={"input_type": "password"})
    otp_code = serializers.CharField(max_length=8, required=False, allow_blank=True)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_in_hours = serializers.IntegerField()


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    """A fresh token for ``user``; the previous one stops working."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit_record(actor=user, action=AuditAction.TOKEN, obj=user)
    return token


class TokenView(APIView):
    permission_classes = [Public]
    authentication_classes: list[type] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer, responses={200: TokenResponseSerializer, **ERRORS}
    )
    def post(self, request: Request) -> Response:
        from django.conf import settings

        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            # Audited like a failed sign-in on the login page: the API is another door.
            account_login_failed(username=data.validated_data["username"])
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to sign in with these credentials.")]}
            )
        if (
            two_factor_required(user)
            and totp_verify(user, data.validated_data.get("otp_code", "")) is None
        ):
            account_login_failed(username=data.validated_data["username"])
            raise serializers.ValidationError(
                {"otp_code": [_("A valid one-time code from the authenticator app is required.")]}
            )
        token = api_token_issue(user=user)
        return Response(
            {"token": token.key, "expires_in_hours": settings.API_TOKEN_TTL_HOURS},
            status=status.HTTP_200_OK,
        )


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
    serializer_class = OrgUnitSerializer
    filterset_fields = ["kind", "is_active", "parent"]
    ordering_fields = ["name", "code"]

    def get_queryset(self) -> QuerySet[OrgUnit]:
        return OrgUnit.objects.order_by("name")


class UserFilter(django_filters.FilterSet):
    role = django_filters.CharFilter(field_name="groups__name", label=_("Role"))

    class Meta:
        model = User
        fields = ["org_unit", "is_active", "role"]


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [require_perms("portal.view_user")]
    serializer_class = UserSerializer
    filterset_class = UserFilter
    ordering_fields = ["username", "last_name"]

    def get_queryset(self) -> QuerySet[User]:
        return (
            User.objects.select_related("org_unit").prefetch_related("groups").order_by("username")
        )


# --- Audit trail ----------------------------------------------------------------------
class AuditRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditRecord
        fields = [
            "id",
            "occurred_at",
            "actor",
            "actor_username",
            "ip_address",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "reason",
            "prev_hash",
            "record_hash",
        ]


class AuditRecordFilter(django_filters.FilterSet):
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lte")
    actor_username = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = AuditRecord
        fields = ["action", "object_type", "object_id", "actor"]


class AuditRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read-only: no method of the API can change the trail."""

    permission_classes = [require_perms("portal.view_auditrecord")]
    serializer_class = AuditRecordSerializer
    filterset_class = AuditRecordFilter
    ordering_fields = ["id", "occurred_at"]

    def get_queryset(self) -> QuerySet[AuditRecord]:
        return AuditRecord.objects.order_by("-id")


# --- Reference geography -------------------------------------------------------------
class ReferenceLayersView(APIView):
    """Borders, crossing points and the operational area as GeoJSON, for every map."""

    permission_classes = [Authenticated]

    @extend_schema(responses={200: dict, **ERRORS})
    def get(self, request: Request) -> Response:
        from portal.geo_selectors import reference_layers_geojson

        response = Response(reference_layers_geojson())
        response["Cache-Control"] = "private, max-age=3600"
        return response
