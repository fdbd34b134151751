"""Jobs through the API: list one's own (administrators every one), start one of a kind
one may start, follow it (progress, log, results), cancel it, download its results."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.helpers import ERRORS, as_drf_error, error_responses, request_user
from portal.api.permissions import Authenticated
from portal.job_kinds import job_kind_label, job_kind_parameters_help, job_kinds_for_user
from portal.models import Job, JobLogLine, JobResult, JobStatus
from portal.selectors.jobs import (
    job_get_for_user,
    job_list_for_user,
    job_log_lines,
    job_result_get_for_user,
    job_results,
    job_speed,
)
from portal.services import job_downloads
from portal.services import jobs as job_services


class JobResultSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    downloaded_by = serializers.SerializerMethodField()

    class Meta:
        model = JobResult
        fields = [
            "id",
            "name",
            "size",
            "sha256",
            "content_type",
            "created_at",
            "download_url",
            "once",
            "downloaded_at",
            "downloaded_by",
        ]

    def get_downloaded_by(self, result: JobResult) -> str:
        taker = result.downloaded_by
        return (taker.get_full_name() or taker.username) if taker else ""

    def get_download_url(self, result: JobResult) -> str:
        return reverse(
            "api:job-result-download", kwargs={"pk": result.job_id, "result_id": result.pk}
        )


class ResultGone(APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "This file could be downloaded once and was downloaded already."
    default_code = "gone"


class JobLogLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobLogLine
        fields = ["id", "at", "level", "message"]


class JobSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True)
    finished = serializers.BooleanField(read_only=True)
    rate_per_second = serializers.SerializerMethodField()
    eta_seconds = serializers.SerializerMethodField()
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="Named counters per stage: read, valid, invalid, created, matched...",
    )

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "kind_label",
            "parameters",
            "owner",
            "status",
            "status_label",
            "finished",
            "progress_percent",
            "progress_message",
            "cancel_requested",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "queue",
            "attempts",
            "max_attempts",
            "next_attempt_at",
            "heartbeat_at",
            "items_done",
            "items_total",
            "rate_per_second",
            "eta_seconds",
            "counts",
            "schedule",
        ]

    def get_kind_label(self, job: Job) -> str:
        return str(job_kind_label(job.kind))

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_rate_per_second(self, job: Job) -> float | None:
        """Items per second over the current attempt (while it runs)."""
        return job_speed(job).rate_per_second

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_eta_seconds(self, job: Job) -> int | None:
        """The estimated seconds left (while it runs)."""
        return job_speed(job).eta_seconds


class JobDetailSerializer(JobSerializer):
    log = serializers.SerializerMethodField()
    log_dropped = serializers.IntegerField(read_only=True)
    results = serializers.SerializerMethodField()

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "log", "log_dropped", "results"]

    @extend_schema_field(JobLogLineSerializer(many=True))
    def get_log(self, job: Job) -> list[dict[str, Any]]:
        return JobLogLineSerializer(job_log_lines(job=job), many=True).data  # type: ignore[return-value]

    @extend_schema_field(JobResultSerializer(many=True))
    def get_results(self, job: Job) -> list[dict[str, Any]]:
        return JobResultSerializer(job_results(job=job), many=True).data  # type: ignore[return-value]


class JobStartSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=100, help_text="A kind from /api/v1/jobs/kinds/.")
    parameters = serializers.JSONField(
        required=False, help_text="The kind's parameters, as an object (see its kind)."
    )


class JobFilterSerializer(serializers.Serializer):
    """The filters of the jobs page (portal.views.jobs), by the same selector."""

    status = serializers.ChoiceField(choices=JobStatus.choices, required=False)
    kind = serializers.CharField(
        max_length=100, required=False, help_text="A kind's name (see /api/v1/jobs/kinds/)."
    )
    owner = serializers.CharField(
        max_length=150,
        required=False,
        help_text="The username of who started the jobs (administrators; anyone else may "
        "give only their own). Nobody of that name: no jobs.",
    )

    def validate_owner(self, username: str) -> str:
        # The selector lists only one's own jobs to those who may not see every job: a
        # filter on someone else would be ignored and answer with one's own, misleading.
        user = self.context["user"]
        if username != user.username and not user.has_perm("portal.view_every_job"):
            raise serializers.ValidationError(
                _("Only those who see every job filter by who started it.")
            )
        return username


class JobKindSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind_label = serializers.CharField()
    description = serializers.CharField()
    parameters = serializers.DictField(help_text="{name: {label, required}}")


class JobList(GenericAPIView):
    """Every signed-in person may list their own jobs; starting one needs the kind's
    permission (checked by the service)."""

    permission_classes = [Authenticated]
    queryset = Job.objects.none()  # for the schema only: rows come from the selector
    serializer_class = JobSerializer
    filter_backends = []  # newest first, always; the filters are JobFilterSerializer's

    @extend_schema(
        parameters=[JobFilterSerializer], responses={200: JobSerializer(many=True), **ERRORS}
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        filters = JobFilterSerializer(data=request.query_params, context={"user": user})
        filters.is_valid(raise_exception=True)
        jobs = job_list_for_user(
            user=user,
            status=filters.validated_data.get("status", ""),
            kind=filters.validated_data.get("kind", ""),
            owner_username=filters.validated_data.get("owner", ""),
        )
        page = list(self.paginate_queryset(jobs) or [])
        return self.get_paginated_response(JobSerializer(page, many=True).data)

    @extend_schema(request=JobStartSerializer, responses={201: JobDetailSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        payload = JobStartSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            job = job_services.job_start(
                actor=request_user(request),
                kind_name=payload.validated_data["kind"],
                parameters=payload.validated_data.get("parameters"),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(JobDetailSerializer(job).data, status=status.HTTP_201_CREATED)


class JobKindList(APIView):
    """The kinds of job the signed-in person may start, with their parameters."""

    permission_classes = [Authenticated]

    @extend_schema(responses={200: JobKindSerializer(many=True), **error_responses(401, 403)})
    def get(self, request: Request) -> Response:
        kinds = [
            {
                "name": kind.name,
                "kind_label": str(kind.label),
                "description": str(kind.description),
                "parameters": job_kind_parameters_help(kind),
            }
            for kind in job_kinds_for_user(request_user(request))
        ]
        return Response(JobKindSerializer(kinds, many=True).data)


class JobDetail(GenericAPIView):
    """A job with its progress, log and results (what its page polls)."""

    permission_classes = [Authenticated]
    queryset = Job.objects.none()
    serializer_class = JobDetailSerializer

    @extend_schema(responses={200: JobDetailSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        job = job_get_for_user(user=request_user(request), pk=pk)
        return Response(JobDetailSerializer(job).data)


class JobCancel(GenericAPIView):
    """Cancel a job: at once while queued; a running job stops at its next step."""

    permission_classes = [Authenticated]
    queryset = Job.objects.none()
    serializer_class = JobDetailSerializer

    @extend_schema(request=None, responses={200: JobDetailSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        job = job_get_for_user(user=user, pk=pk)
        try:
            job = job_services.job_cancel(actor=user, job=job)
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(JobDetailSerializer(job).data)


class JobResultDownload(GenericAPIView):
    """A result file of a job one may see (the download is audited). A result that holds
    secrets downloads once, for the job's owner only: 403 for anyone else, 410 after."""

    permission_classes = [Authenticated]
    queryset = JobResult.objects.none()

    @extend_schema(
        responses={
            # A result is any kind of file (a report, a CSV, a PDF): its own type is sent.
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, as an attachment, with its type."
            ),
            **ERRORS,
            **error_responses(410),
        }
    )
    def get(self, request: Request, pk: int, result_id: int) -> FileResponse:
        user = request_user(request)
        result = job_result_get_for_user(user=user, job_pk=pk, result_pk=result_id)
        try:
            handle = job_downloads.job_result_open(actor=user, result=result)
        except DjangoPermissionDenied as refusal:
            raise PermissionDenied(str(refusal)) from refusal
        except job_downloads.JobResultGoneError as gone:
            raise ResultGone(str(gone)) from gone
        return FileResponse(
            handle, as_attachment=True, filename=result.name, content_type=result.content_type
        )
