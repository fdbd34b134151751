"""Periodic jobs through the API (administrators): list, create, read, change and delete
a schedule. The same services as the pages (portal.services.job_schedules), hence the
same checks (the kind, its parameters by the kind's form for the person it runs as, the
crontab or interval), the same PeriodicTask kept in step for beat, the same audit."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.helpers import ERRORS, as_drf_error, request_user
from portal.api.permissions import require_perms
from portal.job_kinds import job_kind_label
from portal.models import JobSchedule, JobScheduleType
from portal.selectors.jobs import (
    job_schedule_get,
    job_schedule_list,
    job_schedule_owner_choices,
)
from portal.services import job_schedules as services

# As the page's form allows: at most a month apart.
EVERY_MINUTES_MAX = 60 * 24 * 31


class JobScheduleSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    parameters = serializers.DictField(read_only=True)
    owner: serializers.Field = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="The username the jobs run as."
    )
    periodic_task = serializers.SerializerMethodField()
    last_run_at = serializers.SerializerMethodField()

    class Meta:
        model = JobSchedule
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "parameters",
            "owner",
            "schedule_type",
            "every_minutes",
            "crontab",
            "enabled",
            "periodic_task",
            "last_run_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_kind_label(self, schedule: JobSchedule) -> str:
        return str(job_kind_label(schedule.kind))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_periodic_task(self, schedule: JobSchedule) -> str | None:
        """The name of the django-celery-beat PeriodicTask beat reads for it."""
        task = schedule.periodic_task
        return task.name if task is not None else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_last_run_at(self, schedule: JobSchedule) -> str | None:
        """When beat last started it (none yet: null)."""
        task = schedule.periodic_task
        if task is None or task.last_run_at is None:
            return None
        return serializers.DateTimeField().to_representation(task.last_run_at)


class ParametersField(serializers.DictField):
    """A JSON object, refused with the page's own message otherwise (DictField's message
    goes through str.format, which the braces of this one would break)."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                _('Give the parameters as an object: {"name": value}.')
            )
        return super().to_internal_value(data)


class JobScheduleInputSerializer(serializers.Serializer):
    """A schedule's fields as a program gives them. Only their shape is checked here; the
    service checks what they mean (and refuses with a message by field)."""

    name = serializers.CharField(max_length=200)
    kind = serializers.CharField(max_length=100, help_text="A kind from /api/v1/jobs/kinds/.")
    parameters = ParametersField(
        required=False,
        default=dict,
        help_text='The kind\'s parameters as its form takes them, e.g. {"format": "csv"}.',
    )
    owner: serializers.Field = serializers.SlugRelatedField(
        slug_field="username",
        queryset=job_schedule_owner_choices(),
        help_text="The username of the active person the jobs run as, with their permissions.",
        error_messages={"does_not_exist": _("There is no active person with this username.")},
    )
    schedule_type = serializers.ChoiceField(choices=JobScheduleType.choices)
    every_minutes = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=EVERY_MINUTES_MAX,
        help_text='Minutes between two jobs (schedule_type "interval").',
    )
    crontab = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        help_text="Minute, hour, day of month, month, day of week, in Vilnius time "
        '(schedule_type "crontab"), e.g. "30 2 * * 1-5".',
    )
    enabled = serializers.BooleanField(required=False, default=True)


def _schedule_input(
    values: dict[str, Any], current: JobSchedule | None = None
) -> services.JobScheduleInput:
    """The service's input: the given values over the schedule's own (a PATCH gives only
    what changes)."""
    base: dict[str, Any] = (
        {
            "name": current.name,
            "kind": current.kind,
            "parameters": current.parameters,
            "owner": current.owner,
            "schedule_type": current.schedule_type,
            "every_minutes": current.every_minutes,
            "crontab": current.crontab,
            "enabled": current.enabled,
        }
        if current is not None
        else {}
    )
    return services.JobScheduleInput(**{**base, **values})


class JobScheduleList(GenericAPIView):
    """Every periodic job (administrators: portal.manage_job_schedules), by name; create
    one."""

    permission_classes = [require_perms(services.MANAGE_PERMISSION)]
    queryset = JobSchedule.objects.none()  # for the schema only: rows come from the selector
    serializer_class = JobScheduleSerializer
    filter_backends = []  # by name, always: no ordering or filter parameters to offer

    @extend_schema(responses={200: JobScheduleSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        page = list(self.paginate_queryset(job_schedule_list()) or [])
        return self.get_paginated_response(JobScheduleSerializer(page, many=True).data)

    @extend_schema(
        request=JobScheduleInputSerializer, responses={201: JobScheduleSerializer, **ERRORS}
    )
    def post(self, request: Request) -> Response:
        payload = JobScheduleInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            schedule = services.job_schedule_save(
                actor=request_user(request), data=_schedule_input(dict(payload.validated_data))
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(JobScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)


class JobScheduleDetail(GenericAPIView):
    """A periodic job (administrators): read, change (only the fields given), delete (its
    PeriodicTask with it; the jobs it started stay)."""

    permission_classes = [require_perms(services.MANAGE_PERMISSION)]
    queryset = JobSchedule.objects.none()
    serializer_class = JobScheduleSerializer

    @extend_schema(responses={200: JobScheduleSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(JobScheduleSerializer(job_schedule_get(pk=pk)).data)

    @extend_schema(
        request=JobScheduleInputSerializer(partial=True),
        responses={200: JobScheduleSerializer, **ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        schedule = job_schedule_get(pk=pk)
        payload = JobScheduleInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        try:
            schedule = services.job_schedule_save(
                actor=request_user(request),
                data=_schedule_input(dict(payload.validated_data), schedule),
                schedule=schedule,
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(JobScheduleSerializer(schedule).data)

    @extend_schema(request=None, responses={204: None, **ERRORS})
    def delete(self, request: Request, pk: int) -> Response:
        schedule = job_schedule_get(pk=pk)
        services.job_schedule_delete(actor=request_user(request), schedule=schedule)
        return Response(status=status.HTTP_204_NO_CONTENT)
