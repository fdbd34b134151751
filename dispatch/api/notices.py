"""Notice API: the notices a reader may see (an officer: the active ones sent to their
unit; the operations centre and analysts: all), and an officer marking one read for
the unit. Notices are sent from the dispatcher's page (dispatch:notice-create)."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from dispatch.models import Notice, NoticeReceipt
from dispatch.selectors.notices import (
    STATE_ACTIVE,
    STATE_PAST,
    notice_get_for_officer,
    notice_is_active,
    notice_list_for_user,
    notices_with_receipts,
)
from dispatch.selectors.tasks import violations_visible_to
from dispatch.selectors.units import mobile_unit_of
from dispatch.services.notices import notice_mark_read
from portal.api.helpers import ERRORS, as_drf_error, request_user
from portal.api.permissions import require_perms
from portal.models import User


def _context(user: User, notices: Sequence[Notice]) -> dict[str, Any]:
    return {
        "staff": user.has_perm("dispatch.view_all_tasks"),
        "visible_violations": violations_visible_to(
            user=user, violation_ids=[notice.violation_id for notice in notices]
        ),
    }


class ReceiptSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.call_sign", read_only=True)
    read_by = serializers.CharField(source="read_by.get_full_name", read_only=True)

    class Meta:
        model = NoticeReceipt
        fields = ["unit_id", "unit", "read_at", "read_by"]


class NoticeSerializer(serializers.ModelSerializer):
    priority_label = serializers.CharField(source="get_priority_display", read_only=True)
    created_by = serializers.CharField(source="created_by.get_full_name", read_only=True)
    active = serializers.SerializerMethodField()
    units = serializers.SerializerMethodField(
        help_text="Call signs of the units named (empty when sent to all units); null for "
        "an officer, who sees only their own unit's part."
    )
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    violation = serializers.SerializerMethodField(
        help_text="The linked violation's id; null when none, or outside the reader's reach."
    )
    violation_reference = serializers.SerializerMethodField()
    receipts = ReceiptSerializer(
        many=True,
        read_only=True,
        help_text="Which units have read it: every unit's for the operations centre, the "
        "officer's own unit's for an officer.",
    )

    class Meta:
        model = Notice
        fields = [
            "id",
            "title",
            "body",
            "priority",
            "priority_label",
            "created_at",
            "created_by",
            "expires_at",
            "withdrawn_at",
            "active",
            "all_units",
            "units",
            "latitude",
            "longitude",
            "violation",
            "violation_reference",
            "receipts",
        ]

    def get_active(self, notice: Notice) -> bool:
        return notice_is_active(notice)

    def get_units(self, notice: Notice) -> list[str] | None:
        if not self.context.get("staff"):
            return None
        return [unit.call_sign for unit in notice.units.all()]

    def _violation_shown(self, notice: Notice) -> bool:
        return notice.violation_id is not None and notice.violation_id in self.context.get(
            "visible_violations", ()
        )

    def get_violation(self, notice: Notice) -> int | None:
        return notice.violation_id if self._violation_shown(notice) else None

    def get_violation_reference(self, notice: Notice) -> str | None:
        if self._violation_shown(notice) and notice.violation is not None:
            return notice.violation.reference
        return None

    def get_latitude(self, notice: Notice) -> float | None:
        return notice.location.y if notice.location else None

    def get_longitude(self, notice: Notice) -> float | None:
        return notice.location.x if notice.location else None


def _reader_unit(user: User) -> Any:
    """The unit whose receipts a reader sees: none to limit them for the operations
    centre; the officer's own unit otherwise."""
    return None if user.has_perm("dispatch.view_all_tasks") else mobile_unit_of(user)


class NoticeFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[STATE_ACTIVE, STATE_PAST],
        required=False,
        default="",
        help_text="Active or past (withdrawn, expired) notices only; for the operations "
        "centre (an officer only ever gets the active ones).",
    )


class NoticeList(GenericAPIView):
    """Notices, newest first. An officer gets the active notices sent to their unit;
    the operations centre and analysts get every notice, ``?state=active`` or
    ``?state=past`` (withdrawn or expired) to narrow it."""

    permission_classes = [require_perms("dispatch.view_task")]
    # For the schema only: reads go through dispatch.selectors.notices, which scopes rows.
    queryset = Notice.objects.none()
    serializer_class = NoticeSerializer

    @extend_schema(
        parameters=[NoticeFilterSerializer], responses={200: NoticeSerializer(many=True), **ERRORS}
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        filters = NoticeFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        notices = notice_list_for_user(user=user, state=filters.validated_data["state"])
        page = list(self.paginate_queryset(notices) or [])
        notices_with_receipts(notices=page, unit=_reader_unit(user))
        return self.get_paginated_response(
            NoticeSerializer(page, many=True, context=_context(user, page)).data
        )


class NoticeRead(GenericAPIView):
    """Mark a notice read for the officer's unit. The first officer of the unit counts;
    marking it again returns the notice unchanged. 404 for a notice not sent to the
    officer's unit; 400 for one withdrawn or expired."""

    permission_classes = [require_perms("dispatch.serve_in_unit")]
    queryset = Notice.objects.none()
    serializer_class = NoticeSerializer

    @extend_schema(request=None, responses={200: NoticeSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        notice = notice_get_for_officer(user=user, pk=pk)
        try:
            notice_mark_read(actor=user, notice=notice)
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        notices_with_receipts(notices=[notice], unit=mobile_unit_of(user))
        return Response(NoticeSerializer(notice, context=_context(user, [notice])).data)
