"""Reads of a case document's text, attachments and suggestions, after case_get_for_user
and case_document_get have decided the document is within reach."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from cases.models import (
    Case,
    CaseDocument,
    DocumentSuggestion,
    DocumentText,
    SuggestionKind,
    SuggestionStatus,
)


@dataclass(frozen=True)
class SuggestionRow:
    suggestion: DocumentSuggestion
    label: str


@dataclass(frozen=True)
class DocumentPage:
    document: CaseDocument
    extraction: DocumentText | None
    parent: CaseDocument | None
    attachments: list[CaseDocument]
    offered: list[SuggestionRow]
    answered: list[SuggestionRow]


def document_page(*, document: CaseDocument) -> DocumentPage:
    extraction = (
        DocumentText.objects.filter(document=document).select_related("parent", "job").first()
    )
    attachments = list(
        CaseDocument.objects.filter(extraction__parent=document).select_related("extraction")
    )
    suggestions = list(
        DocumentSuggestion.objects.filter(document=document)
        .select_related("entity", "decided_by")
        .order_by("kind", "id")
    )
    return DocumentPage(
        document=document,
        extraction=extraction,
        parent=extraction.parent if extraction else None,
        attachments=attachments,
        offered=[
            SuggestionRow(s, suggestion_label(s))
            for s in suggestions
            if s.status == SuggestionStatus.OFFERED
        ],
        answered=[
            SuggestionRow(s, suggestion_label(s))
            for s in suggestions
            if s.status != SuggestionStatus.OFFERED
        ],
    )


def document_suggestion_get(*, document: CaseDocument, pk: int) -> DocumentSuggestion:
    """A suggestion of ``document`` (reached through the case's accessor), or 404."""
    suggestion = (
        DocumentSuggestion.objects.filter(document=document, pk=pk)
        .select_related("case", "document", "entity")
        .first()
    )
    if suggestion is None:
        raise Http404
    return suggestion


def suggestion_label(suggestion: DocumentSuggestion) -> str:
    """The value as a person reads it ("ABC123", not "LT:ABC123"; a name, not an id)."""
    if suggestion.kind == SuggestionKind.NAME:
        return suggestion.entity.label if suggestion.entity else suggestion.value
    if suggestion.kind == SuggestionKind.PLATE:
        return suggestion.value.split(":", 1)[-1]
    if suggestion.kind == SuggestionKind.HS_CODE:
        code = suggestion.value
        return f"{code[:4]}.{code[4:]}" if len(code) > 4 else code
    return suggestion.value


def case_documents_with_text(*, case: Case) -> QuerySet[CaseDocument]:
    """The documents of ``case`` (reached through its accessor), oldest first, each with
    its extraction record when it has one (a file added before its text was read, or of a
    type without text, has none)."""
    return CaseDocument.objects.filter(case=case).select_related("extraction").order_by("pk")


def document_suggestions(*, document: CaseDocument) -> QuerySet[DocumentSuggestion]:
    """The suggestions of ``document``, by kind then as found."""
    return (
        DocumentSuggestion.objects.filter(document=document)
        .select_related("entity")
        .order_by("kind", "pk")
    )
