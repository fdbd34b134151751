"""API of a case's documents read for their text: the upload (one file or a zip, the
page's rules and limits, through the same service, starting the same extraction job),
the case's documents with the state of their text, and a document's suggestions with
the team's answer to each. Who may do what is the pages' (cases/views/documents.py):
whoever may open the case reads; the case team (need-to-know on a restricted case)
uploads and answers."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api.investigations import CaseDocumentSerializer
from cases.models import CaseDocument, DocumentSuggestion, DocumentText
from cases.selectors.documents import (
    case_documents_with_text,
    document_suggestion_get,
    document_suggestions,
    suggestion_label,
)
from cases.selectors.investigations import case_document_get, case_get_for_user
from cases.services.case_content import DESCRIPTION_MAX
from cases.services.documents import suggest as suggest_services
from cases.services.documents.upload import case_documents_upload
from cases.services.investigations import case_consult
from portal.api.helpers import ERRORS, as_drf_error, request_user
from portal.api.parsers import FormParser, MultiPartParser
from portal.api.permissions import require_perms, require_perms_to_read_or_write

READ = ("cases.view_case",)
WORK = ("cases.change_case",)


class DocumentTextSerializer(serializers.ModelSerializer):
    job = serializers.IntegerField(source="job_id", read_only=True, allow_null=True)
    attached_to = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)

    class Meta:
        model = DocumentText
        fields = ["status", "message", "truncated", "attached_to", "job", "extracted_at"]


class DocumentSerializer(CaseDocumentSerializer):
    # None for a document whose text was never asked for (added through the plain
    # upload) or of a type without text.
    extraction = DocumentTextSerializer(read_only=True, allow_null=True)

    class Meta(CaseDocumentSerializer.Meta):
        fields = [*CaseDocumentSerializer.Meta.fields, "extraction"]


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=DESCRIPTION_MAX
    )


class JobRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()


class DocumentUploadedSerializer(serializers.Serializer):
    documents = DocumentSerializer(many=True)
    job = JobRefSerializer()


class SuggestionSerializer(serializers.ModelSerializer):
    # As a person reads it ("ABC123", not "LT:ABC123"; a name, not an id).
    display_value = serializers.SerializerMethodField()
    entity = serializers.IntegerField(source="entity_id", read_only=True, allow_null=True)

    class Meta:
        model = DocumentSuggestion
        fields = [
            "id",
            "kind",
            "value",
            "display_value",
            "sentence",
            "status",
            "entity",
            "decided_at",
        ]

    def get_display_value(self, suggestion: DocumentSuggestion) -> str:
        return suggestion_label(suggestion)


class CaseDocuments(GenericAPIView):
    """GET: the case's documents, each with the state of its text (whoever may open the
    case). POST: upload one file or a zip of files to be read (the case team): 201 with
    the documents kept and the extraction job, followed at /api/v1/jobs/<id>/."""

    permission_classes = [require_perms_to_read_or_write(read=READ, write=WORK)]
    serializer_class = DocumentSerializer
    # A plain list, as the case's detail lists its documents: a case holds tens.
    pagination_class = None
    parser_classes = [MultiPartParser, FormParser]
    queryset = CaseDocument.objects.none()

    @extend_schema(responses={200: DocumentSerializer(many=True), **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        case = case_get_for_user(user=request_user(request), pk=pk)
        case_consult(actor=request_user(request), case=case, what="api documents")
        documents = case_documents_with_text(case=case)
        return Response(DocumentSerializer(documents, many=True).data)

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentUploadedSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        actor = request_user(request)
        case = case_get_for_user(user=actor, pk=pk, for_work=True)
        payload = DocumentUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            documents, job = case_documents_upload(
                actor=actor,
                case=case,
                upload=payload.validated_data["file"],
                description=payload.validated_data.get("description", ""),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from None
        answer: dict[str, Any] = {
            "documents": DocumentSerializer(
                case_documents_with_text(case=case).filter(pk__in=[d.pk for d in documents]),
                many=True,
            ).data,
            "job": {"id": job.pk, "url": reverse("api:job-detail", kwargs={"pk": job.pk})},
        }
        return Response(answer, status=status.HTTP_201_CREATED)


class DocumentSuggestions(GenericAPIView):
    """A document's suggestions, offered and answered (whoever may open the case)."""

    permission_classes = [require_perms(*READ)]
    serializer_class = SuggestionSerializer
    # A plain list: at most PER_KIND_MAX of each kind (cases/lib/document_entities.py).
    pagination_class = None
    queryset = DocumentSuggestion.objects.none()

    @extend_schema(responses={200: SuggestionSerializer(many=True), **ERRORS})
    def get(self, request: Request, pk: int, document_id: int) -> Response:
        case = case_get_for_user(user=request_user(request), pk=pk)
        document = case_document_get(case=case, pk=document_id)
        case_consult(actor=request_user(request), case=case, what=f"api document {document.pk}")
        suggestions = document_suggestions(document=document)
        return Response(SuggestionSerializer(suggestions, many=True).data)


class _SuggestionAnswer(GenericAPIView):
    permission_classes = [require_perms(*READ, *WORK)]
    serializer_class = SuggestionSerializer
    queryset = DocumentSuggestion.objects.none()
    accept = True

    @extend_schema(request=None, responses={200: SuggestionSerializer, **ERRORS})
    def post(self, request: Request, pk: int, document_id: int, suggestion_id: int) -> Response:
        actor = request_user(request)
        case = case_get_for_user(user=actor, pk=pk, for_work=True)
        document = case_document_get(case=case, pk=document_id)
        suggestion = document_suggestion_get(document=document, pk=suggestion_id)
        answer = (
            suggest_services.suggestion_accept
            if self.accept
            else suggest_services.suggestion_reject
        )
        try:
            answered = answer(actor=actor, suggestion=suggestion)
        except DjangoValidationError as error:
            raise as_drf_error(error) from None
        return Response(SuggestionSerializer(answered).data)


class SuggestionAccept(_SuggestionAnswer):
    """Take the suggestion into the case (the case team): the entity linked (created
    when the registry has none), an HS code noted, a date made an event. 400 when it
    was already answered."""

    permission_classes = [require_perms(*READ, *WORK)]
    accept = True


class SuggestionReject(_SuggestionAnswer):
    """Decline the suggestion (the case team): remembered, not offered again on the
    case. 400 when it was already answered."""

    permission_classes = [require_perms(*READ, *WORK)]
    accept = False
