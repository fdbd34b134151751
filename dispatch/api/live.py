"""The live map's feed: polled about once a second by the dispatcher's map."""

from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dispatch.selectors.live import live_feed_for_user, live_version
from portal.api.helpers import error_responses, request_user
from portal.api.permissions import require_perms


class LiveUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    call_sign = serializers.CharField()
    # The metaclass takes declared fields off the class: "label" is only the JSON key.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The unit's name as pages show it: call sign · name."
    )
    status = serializers.CharField()
    status_label = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)
    last_reported_at = serializers.DateTimeField(allow_null=True)
    accuracy_m = serializers.FloatField(allow_null=True)
    speed_kmh = serializers.FloatField(allow_null=True)
    heading_deg = serializers.FloatField(allow_null=True)
    zone = serializers.CharField(allow_null=True, help_text="Patrol zone of the current shift.")
    tail = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=3, max_length=3),
        allow_null=True,
        help_text="[lat, lon, device time in epoch seconds] over the last 15 minutes, oldest "
        "first: the newest report of each 30-second slot. Null when asked without tails.",
    )


class LiveTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    priority = serializers.IntegerField()
    priority_label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)
    unit_id = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField(allow_null=True)
    unit_label = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class LiveViolationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    category = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    url = serializers.CharField()


class LiveAlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit_id = serializers.IntegerField()
    unit = serializers.CharField()
    unit_label = serializers.CharField()
    zone = serializers.CharField()
    left_at = serializers.DateTimeField()
    distance_m = serializers.FloatField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    acknowledged = serializers.BooleanField()


# The two answers differ by ``changed``: true with the whole picture, false with the
# version alone. Each branch of the schema's oneOf admits one value, so that an answer
# matches exactly one branch.
@extend_schema_field({"type": "boolean", "enum": [True]})
class ChangedField(serializers.BooleanField):
    pass


@extend_schema_field({"type": "boolean", "enum": [False]})
class UnchangedField(serializers.BooleanField):
    pass


class LiveFeedSerializer(serializers.Serializer):
    changed = ChangedField()
    version = serializers.CharField()
    generated_at = serializers.DateTimeField()
    units = LiveUnitSerializer(many=True)
    tasks = LiveTaskSerializer(many=True)
    tasks_truncated = serializers.BooleanField(help_text="More open tasks than the map shows.")
    violations = LiveViolationSerializer(many=True, help_text="Last 24 hours, newest first.")
    zones = serializers.JSONField(help_text="Active patrol zones, a GeoJSON FeatureCollection.")
    alerts = LiveAlertSerializer(many=True, help_text="Open geofence alerts.")


UnchangedSerializer = inline_serializer(
    name="LiveFeedUnchanged",
    fields={"changed": UnchangedField(), "version": serializers.CharField()},
)


class LiveFeed(APIView):
    """The dispatcher's live picture. Send the ``version`` of the last answer: while
    nothing changed the answer is just ``{"changed": false, "version": ...}``."""

    permission_classes = [require_perms("dispatch.view_all_tasks")]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "version", str, description="The version of the picture the client holds."
            ),
            OpenApiParameter(
                "tails",
                bool,
                description="Send the track tails (default). `false`: tails are null, for "
                "a client that extends its own with each new position.",
            ),
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="LiveFeedAnswer",
                serializers=[LiveFeedSerializer, UnchangedSerializer],
                resource_type_field_name=None,
            ),
            **error_responses(401, 403),
        },
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        version = live_version()
        if request.query_params.get("version") == version:
            response = Response({"changed": False, "version": version})
        else:
            # The selector builds JSON-ready dicts (TypedDicts); the serializers above
            # only document their shape for the schema.
            with_tails = request.query_params.get("tails", "1").lower() not in ("0", "false")
            response = Response(
                live_feed_for_user(user=user, version=version, with_tails=with_tails)
            )
        response["Cache-Control"] = "no-store"
        return response
