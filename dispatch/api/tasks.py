"""Task API: the operations centre creates, assigns and cancels; the unit's officers
move their tasks along. Both the live map and the officer's page use it."""

from collections.abc import Sequence
from typing import Any

from django.contrib.gis.geos import Point, Polygon
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from dispatch.models import (
    MobileUnit,
    Task,
    TaskEvent,
    TaskKind,
    TaskPriority,
    TaskStatus,
)
from dispatch.selectors.tasks import (
    task_get_for_user,
    task_list_for_user,
    task_response_times,
    task_with_history,
    violations_visible_to,
)
from dispatch.selectors.units import unit_find, units_recommended_for
from dispatch.services.areas import polygon_from_geojson
from dispatch.services.tasks import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    TaskInput,
    task_create,
    task_movable_by,
    task_transition,
    task_update,
    task_withdraw,
)
from portal.api.fields import BoundedDateTimeField, NumberField, PolygonField
from portal.api.helpers import ERRORS, as_drf_error, request_user
from portal.api.permissions import require_perms
from portal.models import User


def _context(user: User, tasks: Sequence[Task]) -> dict[str, Any]:
    """What the task serializers need to know about the reader: the linked violations
    they may open, and whether they may see zone alerts."""
    return {
        "visible_violations": violations_visible_to(
            user=user, violation_ids=[task.violation_id for task in tasks]
        ),
        "alerts_visible": user.has_perm("dispatch.view_geofencealert"),
    }


class TaskEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.get_full_name", read_only=True)

    class Meta:
        model = TaskEvent
        fields = ["kind", "from_status", "to_status", "at", "by", "note"]
        extra_kwargs = {
            "note": {
                "help_text": "The reason or outcome of a move; for an edit, what changed, as "
                "comma-separated keys (kind, priority, title, description, place, window, "
                "violation)."
            }
        }


class AlertSummarySerializer(serializers.Serializer):
    """The zone alert a task answers, in words: whose, which zone, since when."""

    id = serializers.IntegerField()
    unit = serializers.CharField(source="unit.call_sign", help_text="The unit's call sign.")
    zone = serializers.CharField(source="zone.name", help_text="The patrol zone it left.")
    left_at = serializers.DateTimeField()
    returned_at = serializers.DateTimeField(
        allow_null=True, help_text="When the unit was back in the zone; null while outside."
    )


class TaskSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(
        source="unit.call_sign", read_only=True, allow_null=True, default=None
    )
    unit_label = serializers.CharField(
        source="unit.label",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The unit as pages name it: call sign · name.",
    )
    unit_id = serializers.IntegerField(read_only=True, allow_null=True)
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    area = PolygonField(help_text="GeoJSON Polygon geometry (WGS 84), or null.")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    priority_label = serializers.CharField(source="get_priority_display", read_only=True)
    violation = serializers.SerializerMethodField(
        help_text="The linked violation's id; null when none, or when it is outside the "
        "reader's reach."
    )
    violation_reference = serializers.SerializerMethodField(
        help_text="The linked violation's reference, on the same terms as `violation`."
    )
    alert = serializers.SerializerMethodField(
        help_text="The id of the zone alert the task answers; null when none, or when the "
        "reader may not see zone alerts."
    )
    created_by = serializers.CharField(source="created_by.get_full_name", read_only=True)
    seconds_to_acknowledge = serializers.SerializerMethodField(
        help_text="Seconds from the (last) assignment to the unit's acknowledgement; null "
        "until acknowledged."
    )
    seconds_to_arrive = serializers.SerializerMethodField(
        help_text="Seconds from the (last) assignment to the unit on scene; null until on scene."
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "kind",
            "kind_label",
            "priority",
            "priority_label",
            "status",
            "status_label",
            "title",
            "description",
            "latitude",
            "longitude",
            "area",
            "window_start",
            "window_end",
            "unit",
            "unit_label",
            "unit_id",
            "violation",
            "violation_reference",
            "alert",
            "outcome",
            "created_by",
            "created_at",
            "updated_at",
            "assigned_at",
            "acknowledged_at",
            "en_route_at",
            "on_scene_at",
            "closed_at",
            "edited_at",
            "withdrawn_at",
            "seconds_to_acknowledge",
            "seconds_to_arrive",
        ]

    def _violation_shown(self, task: Task) -> bool:
        # The view puts the ids the reader may open into the context (one query for a
        # whole page); without them nothing is shown.
        return task.violation_id is not None and task.violation_id in self.context.get(
            "visible_violations", ()
        )

    def get_violation(self, task: Task) -> int | None:
        return task.violation_id if self._violation_shown(task) else None

    def get_violation_reference(self, task: Task) -> str | None:
        return task.violation.reference if self._violation_shown(task) and task.violation else None

    def get_alert(self, task: Task) -> int | None:
        # Zone alerts are for those who may read them (dispatch.view_geofencealert): not
        # even the id tells the unit's officers that a task answers one.
        return task.alert_id if self.context.get("alerts_visible", False) else None

    def get_latitude(self, task: Task) -> float | None:
        return task.location.y if task.location else None

    def get_longitude(self, task: Task) -> float | None:
        return task.location.x if task.location else None

    def get_seconds_to_acknowledge(self, task: Task) -> float | None:
        return task_response_times(task).to_acknowledge_s

    def get_seconds_to_arrive(self, task: Task) -> float | None:
        return task_response_times(task).to_arrive_s


class TaskDetailSerializer(TaskSerializer):
    events = TaskEventSerializer(many=True, read_only=True)
    alert_summary = serializers.SerializerMethodField(
        help_text="The zone alert the task answers (`alert`), for readers who may see zone "
        "alerts; null otherwise."
    )

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "alert_summary", "events"]

    @extend_schema_field(AlertSummarySerializer(allow_null=True))
    def get_alert_summary(self, task: Task) -> dict[str, Any] | None:
        if task.alert_id is None or not self.context.get("alerts_visible", False):
            return None
        return dict(AlertSummarySerializer(task.alert).data)


class TaskInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TaskKind.choices)
    priority = serializers.ChoiceField(choices=TaskPriority.choices, default=TaskPriority.NORMAL)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=DESCRIPTION_MAX
    )
    latitude = NumberField(required=False, min_value=-90, max_value=90)
    longitude = NumberField(required=False, min_value=-180, max_value=180)
    area = serializers.JSONField(
        required=False, help_text="GeoJSON Polygon geometry, in WGS 84 longitude/latitude."
    )
    window_start = BoundedDateTimeField(required=False, allow_null=True)
    window_end = BoundedDateTimeField(required=False, allow_null=True)
    violation = serializers.IntegerField(required=False, allow_null=True)
    alert = serializers.IntegerField(
        required=False, allow_null=True, help_text="The zone alert the task answers."
    )

    def validate_area(self, value: Any) -> Polygon:
        """The outline's shape; whether it is a sensible area is the service's check
        (the same as for patrol zones)."""
        try:
            return polygon_from_geojson(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_lat, has_lon = "latitude" in attrs, "longitude" in attrs
        if has_lat != has_lon:
            raise serializers.ValidationError(
                {"latitude": [_("Give both latitude and longitude, or neither.")]}
            )
        if not has_lat and "area" not in attrs:
            raise serializers.ValidationError(
                {"latitude": [_("Give the task's place: a point or an area.")]}
            )
        return attrs

    def to_input(self) -> TaskInput:
        data = self.validated_data
        location = (
            Point(data["longitude"], data["latitude"], srid=4326) if "latitude" in data else None
        )
        return TaskInput(
            kind=data["kind"],
            title=data["title"],
            priority=data["priority"],
            description=data["description"],
            location=location,
            area=data.get("area"),
            window_start=data.get("window_start"),
            window_end=data.get("window_end"),
            violation_id=data.get("violation"),
            alert_id=data.get("alert"),
        )


class TaskUpdateSerializer(TaskInputSerializer):
    """A change to a task: only the fields sent change. A new place replaces the old one
    whole (a point, an area, or both)."""

    expected_updated_at = serializers.DateTimeField(
        required=False,
        help_text="The task's `updated_at` as the editor saw it: the change is refused when "
        "the task changed since.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("latitude" in attrs) != ("longitude" in attrs):
            raise serializers.ValidationError(
                {"latitude": [_("Give both latitude and longitude, or neither.")]}
            )
        return attrs

    def to_changes(self) -> dict[str, Any]:
        data = self.validated_data
        changes = {
            field: data[field]
            for field in ("kind", "priority", "title", "description", "window_start", "window_end")
            if field in data
        }
        if "latitude" in data or "area" in data:
            changes["location"] = (
                Point(data["longitude"], data["latitude"], srid=4326)
                if "latitude" in data
                else None
            )
            changes["area"] = data.get("area")
        if "violation" in data:
            changes["violation_id"] = data["violation"]
        return changes


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE_MAX, help_text="Why it was a mistake.")
    expected_status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)


class TaskFilterSerializer(serializers.Serializer):
    open = serializers.BooleanField(
        required=False, default=False, help_text="Only new and open tasks."
    )
    changed_since = BoundedDateTimeField(
        required=False, help_text="Only tasks changed after this moment (for polling)."
    )
    unit = serializers.IntegerField(required=False, help_text="Mobile unit id.")

    def validate_unit(self, value: int) -> MobileUnit:
        unit = unit_find(value)
        if unit is None:
            raise serializers.ValidationError(_("No such unit."))
        return unit


class TaskListCreate(GenericAPIView):
    permission_classes = [require_perms("dispatch.view_task")]
    # For the schema only: reads go through dispatch.selectors.tasks, which scopes rows.
    queryset = Task.objects.none()
    serializer_class = TaskSerializer

    @extend_schema(
        parameters=[TaskFilterSerializer], responses={200: TaskSerializer(many=True), **ERRORS}
    )
    def get(self, request: Request) -> Response:
        filters = TaskFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        tasks = task_list_for_user(
            user=request_user(request),
            open_only=filters.validated_data["open"],
            changed_since=filters.validated_data.get("changed_since"),
            unit=filters.validated_data.get("unit"),
        )
        page = list(self.paginate_queryset(tasks) or [])
        return self.get_paginated_response(
            TaskSerializer(page, many=True, context=_context(request_user(request), page)).data
        )

    @extend_schema(request=TaskInputSerializer, responses={201: TaskDetailSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        user = request_user(request)
        if not user.has_perm("dispatch.add_task"):
            raise PermissionDenied(_("You may not create tasks."))
        payload = TaskInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            task = task_create(actor=user, data=payload.to_input())
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(
            TaskDetailSerializer(task_with_history(task), context=_context(user, [task])).data,
            status=status.HTTP_201_CREATED,
        )


class TaskDetail(GenericAPIView):
    permission_classes = [require_perms("dispatch.view_task")]
    queryset = Task.objects.none()
    serializer_class = TaskDetailSerializer

    @extend_schema(responses={200: TaskDetailSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        task = task_with_history(task_get_for_user(user=user, pk=pk))
        return Response(TaskDetailSerializer(task, context=_context(user, [task])).data)

    @extend_schema(request=TaskUpdateSerializer, responses={200: TaskDetailSerializer, **ERRORS})
    def patch(self, request: Request, pk: int) -> Response:
        """The operations centre corrects a task: what it says, where and when."""
        user = request_user(request)
        task = task_get_for_user(user=user, pk=pk)
        if not user.has_perm("dispatch.change_task"):
            raise PermissionDenied(_("You may not edit tasks."))
        payload = TaskUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            task = task_update(
                actor=user,
                task=task,
                changes=payload.to_changes(),
                expected_updated_at=payload.validated_data.get("expected_updated_at"),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(
            TaskDetailSerializer(task_with_history(task), context=_context(user, [task])).data
        )


class TaskWithdraw(GenericAPIView):
    """Withdraw a task created by mistake, before its unit acted on it."""

    permission_classes = [require_perms("dispatch.change_task")]
    queryset = Task.objects.none()
    serializer_class = WithdrawSerializer

    @extend_schema(request=WithdrawSerializer, responses={200: TaskDetailSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        task = task_get_for_user(user=user, pk=pk)
        payload = WithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            task = task_withdraw(
                actor=user,
                task=task,
                reason=payload.validated_data["reason"],
                expected_status=payload.validated_data.get("expected_status"),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(
            TaskDetailSerializer(task_with_history(task), context=_context(user, [task])).data
        )


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    unit = serializers.IntegerField(required=False, help_text="Mobile unit id, to assign.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX)
    # Guards against acting on a stale screen: the move applies only if the task is
    # still in this state.
    expected_status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)


class TaskTransition(GenericAPIView):
    permission_classes = [require_perms("dispatch.view_task")]
    queryset = Task.objects.none()
    serializer_class = TransitionSerializer

    @extend_schema(request=TransitionSerializer, responses={200: TaskDetailSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        task = task_get_for_user(user=user, pk=pk)
        if not task_movable_by(actor=user, task=task):
            raise PermissionDenied(_("You may not change this task's status."))
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        unit = None
        if "unit" in data:
            unit = unit_find(data["unit"])
            if unit is None:
                raise serializers.ValidationError({"unit": [_("No such unit.")]})
        try:
            # The expected status is compared under the task's row lock, inside the
            # service: two dispatchers assigning the same new task cannot both pass.
            task = task_transition(
                actor=user,
                task=task,
                target=data["status"],
                unit=unit,
                note=data["note"],
                expected_status=data.get("expected_status"),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied(_("You may not make this change of status.")) from error
        return Response(
            TaskDetailSerializer(task_with_history(task), context=_context(user, [task])).data
        )


class RecommendationSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField(source="unit.pk")
    call_sign = serializers.CharField(source="unit.call_sign")
    # The metaclass takes declared fields off the class: "label" is only the JSON key.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The unit as pages name it: call sign · name."
    )
    status = serializers.CharField(source="unit.status")
    distance_m = serializers.FloatField()
    off_zone = serializers.BooleanField()
    off_shift = serializers.BooleanField()
    last_reported_at = serializers.DateTimeField(source="unit.last_reported_at")


class TaskRecommendations(GenericAPIView):
    """The nearest units for a task, best first: a short ranked list, never paged."""

    permission_classes = [require_perms("dispatch.change_task")]
    queryset = Task.objects.none()
    serializer_class = RecommendationSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    @extend_schema(responses={200: RecommendationSerializer(many=True), **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        task = task_get_for_user(user=request_user(request), pk=pk)
        if task.location is None:
            raise Http404
        recommendations = units_recommended_for(location=task.location)
        return Response(RecommendationSerializer(recommendations, many=True).data)
