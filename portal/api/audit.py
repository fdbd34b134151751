"""The audit trail, read-only, for administrators."""

import django_filters
from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets

from portal.api.helpers import request_user
from portal.api.permissions import require_perms
from portal.lib.timefmt import supported_date, supported_offset
from portal.models import AuditRecord
from portal.selectors.audit import AuditFilter, audit_list_for_user


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
    occurred_after = django_filters.IsoDateTimeFilter(
        field_name="occurred_at",
        lookup_expr="gte",
        validators=[supported_offset, supported_date],
    )
    occurred_before = django_filters.IsoDateTimeFilter(
        field_name="occurred_at",
        lookup_expr="lte",
        validators=[supported_offset, supported_date],
    )
    actor_username = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = AuditRecord
        fields = ["action", "object_type", "object_id", "actor"]


class AuditRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read-only: no method of the API can change the trail."""

    permission_classes = [require_perms("portal.view_auditrecord")]
    queryset = AuditRecord.objects.none()  # for the schema only: rows come from the selector
    serializer_class = AuditRecordSerializer
    filterset_class = AuditRecordFilter
    ordering_fields = ["id", "occurred_at"]

    def get_queryset(self) -> QuerySet[AuditRecord]:
        return audit_list_for_user(user=request_user(self.request), filters=AuditFilter())
