"""API of imports: a file and a saved mapping in, a job out (the same job the pages
start), the import's state, and the saved mappings."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import DataImport, ImportFormat, ImportMapping
from cases.selectors.imports import import_get_for_user, mappings_for_user
from cases.services.imports.run import data_import_start
from cases.services.imports.upload import data_import_configure, data_import_upload
from portal.api.helpers import ERRORS, as_drf_error, request_user
from portal.api.parsers import FormParser, MultiPartParser
from portal.api.permissions import require_perms

IMPORTER = require_perms("cases.import_entities")


class MappingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportMapping
        fields = ["id", "name", "file_format", "record_element", "entities", "relations"]


class DataImportSerializer(serializers.ModelSerializer):
    mapping = serializers.IntegerField(source="mapping_id", read_only=True, allow_null=True)
    job = serializers.IntegerField(source="job_id", read_only=True, allow_null=True)
    error_report = serializers.SerializerMethodField()

    class Meta:
        model = DataImport
        fields = [
            "id",
            "dataset",
            "original_name",
            "sha256",
            "size",
            "file_format",
            "encoding",
            "detected_encoding",
            "mapping",
            "valid_rows_only",
            "status",
            "message",
            "job",
            "rows_read",
            "rows_valid",
            "rows_invalid",
            "entities_created",
            "entities_matched",
            "relations_created",
            "rows_skipped",
            "error_report",
        ]

    def get_error_report(self, data_import: DataImport) -> str:
        from django.urls import reverse

        if not data_import.error_report:
            return ""
        return reverse("entities:import-errors", args=[data_import.pk])


class ImportInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    mapping = serializers.IntegerField(min_value=1, required=False)
    dataset = serializers.CharField(max_length=120, required=False, allow_blank=True)
    encoding = serializers.CharField(max_length=40, required=False, allow_blank=True)
    valid_rows_only = serializers.BooleanField(required=False, default=False)


def _discard(data_import: DataImport) -> None:
    """An upload the API refuses after it was kept (the mapping does not fit it)."""
    data_import.file.delete(save=False)
    data_import.delete()


class MappingList(APIView):
    """The saved mappings, by name."""

    permission_classes = [IMPORTER]

    @extend_schema(responses={200: MappingSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        mappings = mappings_for_user(user=request_user(request))[:200]
        return Response(MappingSerializer(mappings, many=True).data)


class ImportCreate(APIView):
    """Upload a file with the id of a saved mapping: the import's job starts at once
    (an FtM file needs no mapping). 201 with the import; its ``job`` is followed at
    /api/v1/jobs/<id>/."""

    permission_classes = [IMPORTER]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ImportInputSerializer, responses={201: DataImportSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        user = request_user(request)
        payload = ImportInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        mapping = None
        if data.get("mapping"):
            mapping = mappings_for_user(user=user).filter(pk=data["mapping"]).first()
            if mapping is None:
                raise as_drf_error(DjangoValidationError({"mapping": "There is no such mapping."}))
        try:
            data_import = data_import_upload(
                actor=user, upload=data["file"], dataset=data.get("dataset") or ""
            )
            if mapping is not None and mapping.file_format != data_import.file_format:
                _discard(data_import)
                raise DjangoValidationError(
                    {"mapping": "The mapping is for another format of file."}
                )
            if mapping is None and data_import.file_format != ImportFormat.FTM:
                _discard(data_import)
                raise DjangoValidationError({"mapping": "Give the id of a saved mapping."})
            data_import_configure(
                actor=user,
                data_import=data_import,
                mapping=mapping,
                encoding=data.get("encoding") or "",
                valid_rows_only=data["valid_rows_only"],
            )
            data_import_start(actor=user, data_import=data_import)
        except DjangoValidationError as error:
            raise as_drf_error(error) from None
        data_import.refresh_from_db()
        return Response(DataImportSerializer(data_import).data, status=status.HTTP_201_CREATED)


class ImportDetail(APIView):
    permission_classes = [IMPORTER]

    @extend_schema(responses={200: DataImportSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        data_import = import_get_for_user(user=request_user(request), pk=pk)
        return Response(DataImportSerializer(data_import).data)
