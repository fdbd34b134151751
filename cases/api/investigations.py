"""Investigation cases in the API: list and open, one case with what it holds, a
document's download, and the register of mutual-assistance requests. Thin: reach
through cases.selectors.investigations (need-to-know), changes through services; every
consultation audited."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from cases.models import (
    AssistanceRequest,
    Case,
    CaseDocument,
    CaseEntity,
    CaseEvent,
    CaseMember,
    CaseNote,
    CasePriority,
    CaseStatus,
    CaseTask,
    CaseViolation,
)
from cases.selectors.case_content import assistance_register_for_user, case_content
from cases.selectors.investigations import (
    CaseFilter,
    case_document_get,
    case_get_for_user,
    case_list_for_user,
    case_template_get,
)
from cases.services import investigations as case_services
from portal.api.helpers import ERRORS, as_drf_error, request_user
from portal.api.permissions import require_perms
from portal.models import AuditAction
from portal.services.audit import audit_record


def _person(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


class CaseSerializer(serializers.ModelSerializer):
    lead_analyst = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "status",
            "priority",
            "restricted",
            "lead_analyst",
            "created_at",
            "updated_at",
        ]

    def get_lead_analyst(self, case: Case) -> str:
        return _person(case.lead_analyst)


class MemberSerializer(serializers.ModelSerializer):
    user = serializers.SerializerMethodField()

    class Meta:
        model = CaseMember
        fields = ["user", "role"]

    def get_user(self, member: CaseMember) -> str:
        return _person(member.user)


class CaseViolationSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="violation.reference")

    class Meta:
        model = CaseViolation
        fields = ["id", "violation", "reference", "reason", "linked_at"]


class CaseEntitySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="entity.label")
    kind = serializers.CharField(source="entity.kind")

    class Meta:
        model = CaseEntity
        fields = ["id", "entity", "kind", "name", "reason", "linked_at"]


class CaseDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseDocument
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "description",
            "uploaded_at",
        ]


class CaseNoteSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = CaseNote
        fields = ["id", "body", "author", "created_at"]

    def get_author(self, note: CaseNote) -> str:
        return _person(note.author)


class CaseEventSerializer(serializers.ModelSerializer):
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "title",
            "starts_at",
            "ends_at",
            "place_description",
            "latitude",
            "longitude",
        ]

    def get_latitude(self, event: CaseEvent) -> float | None:
        return event.place.y if event.place else None

    def get_longitude(self, event: CaseEvent) -> float | None:
        return event.place.x if event.place else None


class CaseTaskSerializer(serializers.ModelSerializer):
    assignee = serializers.SerializerMethodField()

    class Meta:
        model = CaseTask
        fields = ["id", "title", "assignee", "due_date", "done"]

    def get_assignee(self, task: CaseTask) -> str:
        return _person(task.assignee)


class AssistanceSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number")

    class Meta:
        model = AssistanceRequest
        fields = [
            "id",
            "case",
            "direction",
            "agency",
            "agency_name",
            "legal_basis",
            "subject",
            "their_reference",
            "sent_on",
            "due_on",
            "status",
            "answer_document",
        ]


class CaseDetailSerializer(CaseSerializer):
    summary: serializers.Field = serializers.CharField()
    team = serializers.SerializerMethodField()
    violations = serializers.SerializerMethodField()
    entities = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    tasks = serializers.SerializerMethodField()
    assistance_requests = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "summary",
            "team",
            "violations",
            "entities",
            "documents",
            "notes",
            "events",
            "tasks",
            "assistance_requests",
        ]

    def _content(self, case: Case) -> Any:
        if "content" not in self.context:
            self.context["content"] = case_content(case=case)
        return self.context["content"]

    def get_team(self, case: Case) -> list[dict[str, Any]]:
        return MemberSerializer(case.members.select_related("user"), many=True).data  # type: ignore[return-value]  # a list of dicts

    def get_violations(self, case: Case) -> list[dict[str, Any]]:
        return CaseViolationSerializer(self._content(case).violations, many=True).data  # type: ignore[return-value]  # a list of dicts

    def get_entities(self, case: Case) -> list[dict[str, Any]]:
        return CaseEntitySerializer(self._content(case).entities, many=True).data  # type: ignore[return-value]  # a list of dicts

    def get_documents(self, case: Case) -> list[dict[str, Any]]:
        return CaseDocumentSerializer(self._content(case).documents, many=True).data  # type: ignore[return-value]  # a list of dicts

    def get_notes(self, case: Case) -> list[dict[str, Any]]:
        return CaseNoteSerializer(self._content(case).notes, many=True).data  # type: ignore[return-value]  # a list of dicts

    def get_events(self, case: Case) -> list[dict[str, Any]]:
        return CaseEventSerializer(self._content(case).events, many=True).data  # type: ignore[return-value]  # a list of dicts

    def get_tasks(self, case: Case) -> list[dict[str, Any]]:
        return CaseTaskSerializer(self._content(case).tasks, many=True).data  # type: ignore[return-value]  # a list of dicts

    def get_assistance_requests(self, case: Case) -> list[dict[str, Any]]:
        return AssistanceSerializer(self._content(case).requests, many=True).data  # type: ignore[return-value]  # a list of dicts


class CaseFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    priority = serializers.ChoiceField(choices=CasePriority.choices, required=False)
    mine = serializers.BooleanField(required=False, default=False)
    restricted = serializers.ChoiceField(choices=["yes", "no"], required=False)
    text = serializers.CharField(required=False, max_length=200)

    def to_filter(self) -> CaseFilter:
        data = self.validated_data
        return CaseFilter(
            status=data.get("status", ""),
            priority=data.get("priority"),
            mine=data.get("mine", False),
            restricted=data.get("restricted", ""),
            text=data.get("text", ""),
        )


class CaseInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=case_services.TITLE_MAX)
    summary = serializers.CharField(
        required=False, allow_blank=True, max_length=case_services.SUMMARY_MAX
    )
    status = serializers.ChoiceField(choices=CaseStatus.choices, default=CaseStatus.OPEN)
    priority = serializers.ChoiceField(choices=CasePriority.choices, default=CasePriority.NORMAL)
    restricted = serializers.BooleanField(default=False)
    template = serializers.CharField(required=False, allow_blank=True, max_length=40)

    def validate_template(self, value: str) -> str:
        if value and case_template_get(code=value) is None:
            raise serializers.ValidationError("There is no template with this code.")
        return value


class CaseCursor(CursorPagination):
    ordering = ("-updated_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CaseListCreate(GenericAPIView):
    permission_classes = [require_perms("cases.view_case")]
    queryset = Case.objects.none()  # for the schema only: reads go through the selectors
    pagination_class = CaseCursor
    serializer_class = CaseSerializer

    @extend_schema(
        parameters=[CaseFilterSerializer], responses={200: CaseSerializer(many=True), **ERRORS}
    )
    def get(self, request: Request) -> Response:
        filters = CaseFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        cases = case_list_for_user(user=request_user(request), filters=filters.to_filter())
        page = self.paginate_queryset(cases)
        return self.get_paginated_response(CaseSerializer(page, many=True).data)

    @extend_schema(request=CaseInputSerializer, responses={201: CaseDetailSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        if not request.user.has_perm("cases.add_case"):
            raise PermissionDenied("You may not open cases.")
        payload = CaseInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            case = case_services.case_create(
                actor=request_user(request),
                data=case_services.CaseInput(
                    title=data["title"],
                    summary=data.get("summary", ""),
                    status=data["status"],
                    priority=int(data["priority"]),
                    restricted=data["restricted"],
                ),
                template=case_template_get(code=data["template"]) if data.get("template") else None,
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(CaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseDetail(GenericAPIView):
    permission_classes = [require_perms("cases.view_case")]
    serializer_class = CaseDetailSerializer

    @extend_schema(responses={200: CaseDetailSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        case = case_get_for_user(user=request_user(request), pk=pk)
        case_services.case_consult(actor=request_user(request), case=case, what="api")
        return Response(CaseDetailSerializer(case).data)


class CaseDocumentDownload(GenericAPIView):
    """A document of a case within reach, as an attachment (the download is audited)."""

    permission_classes = [require_perms("cases.view_case")]
    queryset = CaseDocument.objects.none()

    @extend_schema(
        responses={
            # Served with the type the file was recognised as (PDF, text, an image...).
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, exactly as uploaded."
            ),
            **ERRORS,
        }
    )
    def get(self, request: Request, pk: int, document_id: int) -> FileResponse:
        case = case_get_for_user(user=request_user(request), pk=pk)
        document = case_document_get(case=case, pk=document_id)
        audit_record(
            actor=request_user(request),
            action=AuditAction.DOWNLOAD,
            obj=case,
            changes={"document": document.pk, "sha256": document.sha256, "via": "api"},
        )
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class AssistanceRegister(GenericAPIView):
    """Mutual-assistance requests of every case within reach (``overdue=true``: only
    those whose answer is late)."""

    permission_classes = [require_perms("cases.view_case")]
    queryset = AssistanceRequest.objects.none()
    pagination_class = CaseCursor
    serializer_class = AssistanceSerializer

    class Filter(serializers.Serializer):
        overdue = serializers.BooleanField(required=False, default=False)

    @extend_schema(parameters=[Filter], responses={200: AssistanceSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        params = self.Filter(data=request.query_params)
        params.is_valid(raise_exception=True)
        requests = assistance_register_for_user(
            user=request_user(request), overdue_only=params.validated_data["overdue"]
        )
        audit_record(
            actor=request_user(request),
            action=AuditAction.VIEW,
            object_type="cases.assistancerequest",
            object_repr="register",
            changes={"via": "api"},
        )
        self.paginator.ordering = ("due_on", "id")  # type: ignore[union-attr]  # a cursor paginator
        page = self.paginate_queryset(requests)
        return self.get_paginated_response(AssistanceSerializer(page, many=True).data)
