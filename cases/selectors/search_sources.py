"""The search sources of violations and the entity registry: what each record gives the
index (cases/lib/search.py, SearchDocument). Registered in cases/apps.py
(``search_sources``); investigation cases, notes, documents and events add theirs there.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.lib.audit_words import ENTITY_SEARCH_KIND
from cases.lib.ftm import schema_get
from cases.lib.search import SearchDocument, SearchSource
from cases.models import (
    Case,
    CaseDocument,
    CaseEntity,
    CaseEvent,
    CaseNote,
    CaseStatus,
    Entity,
    EntityKind,
    Violation,
    ViolationEntity,
    ViolationStatus,
)

# Rows read per round trip while rebuilding the whole index.
CHUNK = 2000


def _chunked(queryset: QuerySet[Any], ids: Iterable[int] | None) -> Iterator[Any]:
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.order_by("pk").iterator(chunk_size=CHUNK)


def violation_documents(ids: Iterable[int] | None) -> Iterator[SearchDocument]:
    violations = Violation.objects.select_related("category").only(
        "reference",
        "status",
        "occurred_at",
        "narrative",
        "place_description",
        "category__name_en",
        "category__name_lt",
    )
    for violation in _chunked(violations, ids):
        category = violation.category
        yield SearchDocument(
            object_id=violation.pk,
            title=f"{violation.reference} · {category.name_en}",
            body="\n".join(
                part
                for part in (
                    violation.narrative,
                    violation.place_description,
                    category.name_lt,
                )
                if part
            ),
            status=violation.status,
            occurred_on=timezone.localtime(violation.occurred_at).date(),
        )


def violation_titles(ids: list[int]) -> dict[int, str]:
    """Reference and category in the reader's language (the index keeps the English)."""
    violations = Violation.objects.filter(pk__in=ids).select_related("category")
    return {v.pk: f"{v.reference} · {v.category.name}" for v in violations}


def _property_texts(kind: str, properties: dict[str, Any]) -> list[str]:
    """The searchable texts of an entity's properties: not its names (the aliases) and
    not references to other entities (an imported company's addressEntity holds the
    FtM ids of its Address entities, which are found in their own right)."""
    schema = schema_get(kind)
    texts: list[str] = []
    for name, value in properties.items():
        if name == "name":
            continue
        prop = schema.get(name) if schema is not None else None
        if prop is not None and prop.type.name == "entity":
            continue
        values = value if isinstance(value, list) else [value]
        texts.extend(str(v) for v in values if isinstance(v, str | int) and not isinstance(v, bool))
    return texts


def entity_documents(ids: Iterable[int] | None) -> Iterator[SearchDocument]:
    """An entity merged into another is found as the one it was merged into."""
    entities = Entity.objects.filter(merged_into__isnull=True).only(
        "kind", "label", "key", "properties", "created_at"
    )
    for chunk in _batches(_chunked(entities, ids)):
        yield from entity_documents_of(chunk)


def entity_documents_of(
    entities: list[Entity], *, just_created: bool = False
) -> Iterator[SearchDocument]:
    """The documents of these entities as they are in memory (an import's batch has
    just written them: reading them back would only cost a query). Entities
    ``just_created`` are in no case yet, so in no restricted one."""
    restricted = {} if just_created else _entity_restricted([entity.pk for entity in entities])
    for entity in entities:
        properties = entity.properties or {}
        aliases = properties.get("name") or []
        if isinstance(aliases, str):
            aliases = [aliases]
        yield SearchDocument(
            object_id=entity.pk,
            title=entity.label,
            body="\n".join([entity.key, *_property_texts(entity.kind, properties)]).strip(),
            aliases=tuple(str(alias) for alias in aliases if isinstance(alias, str)),
            status=entity.kind,
            occurred_on=timezone.localtime(entity.created_at).date(),
            restricted_case_ids=restricted.get(entity.pk, ()),
        )


def _batches(items: Iterator[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _entity_restricted(ids: list[int]) -> dict[int, tuple[int, ...]]:
    """The restricted cases that alone hold each entity: an entity that a violation
    involves, or that an unrestricted case links, is everyone's (as in
    cases/selectors/entities.py, entity_scope_for_user)."""
    links = CaseEntity.objects.filter(entity_id__in=ids).values_list(
        "entity_id", "case_id", "case__restricted"
    )
    held: dict[int, list[int]] = {}
    public: set[int] = set(
        ViolationEntity.objects.filter(entity_id__in=ids).values_list("entity_id", flat=True)
    )
    for entity_id, case_id, restricted in links:
        if restricted:
            held.setdefault(entity_id, []).append(case_id)
        else:
            public.add(entity_id)
    return {
        entity_id: tuple(sorted(cases))
        for entity_id, cases in held.items()
        if entity_id not in public
    }


def case_documents(ids: Iterable[int] | None) -> Iterator[SearchDocument]:
    cases = Case.objects.only("number", "title", "summary", "status", "restricted", "created_at")
    for case in _chunked(cases, ids):
        yield SearchDocument(
            object_id=case.pk,
            title=f"{case.number} · {case.title}",
            body=case.summary,
            status=case.status,
            occurred_on=timezone.localtime(case.created_at).date(),
            restricted_case_ids=(case.pk,) if case.restricted else (),
        )


def _case_part(case: Case) -> dict[str, Any]:
    return {
        "status": case.status,
        "restricted_case_ids": (case.pk,) if case.restricted else (),
    }


def note_documents(ids: Iterable[int] | None) -> Iterator[SearchDocument]:
    notes = CaseNote.objects.select_related("case")
    for note in _chunked(notes, ids):
        yield SearchDocument(
            object_id=note.pk,
            title=f"{note.case.number} · {note.case.title}",
            body=note.body,
            occurred_on=timezone.localtime(note.created_at).date(),
            **_case_part(note.case),
        )


# The extracted text indexed per document: PostgreSQL's tsvector holds at most 1 MB.
DOCUMENT_TEXT_INDEXED = 100_000


def document_documents(ids: Iterable[int] | None) -> Iterator[SearchDocument]:
    """A case document's description, file name and the text extracted from the file
    (cases.DocumentText, its first DOCUMENT_TEXT_INDEXED characters)."""
    documents = CaseDocument.objects.select_related("case", "extraction")
    for document in _chunked(documents, ids):
        extraction = getattr(document, "extraction", None)
        text = extraction.text[:DOCUMENT_TEXT_INDEXED] if extraction is not None else ""
        yield SearchDocument(
            object_id=document.pk,
            title=document.original_name,
            body="\n".join(
                part
                for part in (
                    document.description,
                    f"{document.case.number} {document.case.title}",
                    text,
                )
                if part
            ),
            occurred_on=timezone.localtime(document.uploaded_at).date(),
            **_case_part(document.case),
        )


def event_documents(ids: Iterable[int] | None) -> Iterator[SearchDocument]:
    events = CaseEvent.objects.select_related("case")
    for event in _chunked(events, ids):
        yield SearchDocument(
            object_id=event.pk,
            title=event.title,
            body="\n".join(
                part
                for part in (event.place_description, f"{event.case.number} {event.case.title}")
                if part
            ),
            occurred_on=timezone.localtime(event.starts_at).date(),
            **_case_part(event.case),
        )


def _case_pages(model: Any) -> Any:
    def urls(ids: list[int]) -> dict[int, str]:
        rows = model.objects.filter(pk__in=ids).values_list("pk", "case_id")
        return {
            pk: reverse("investigations:case-detail", kwargs={"pk": case_id})
            for pk, case_id in rows
        }

    return urls


def _document_pages(ids: list[int]) -> dict[int, str]:
    rows = CaseDocument.objects.filter(pk__in=ids).values_list("pk", "case_id")
    return {
        pk: reverse(
            "investigations:case-document-detail", kwargs={"pk": case_id, "document_id": pk}
        )
        for pk, case_id in rows
    }


def cases_search_sources() -> list[SearchSource]:
    return [
        SearchSource(
            kind="violation",
            label=_("Violations"),
            permissions=("cases.view_violation", "cases.view_all_violations"),
            url_name="cases:violation-detail",
            documents=violation_documents,
            display_titles=violation_titles,
            status_labels=dict(ViolationStatus.choices),
        ),
        SearchSource(
            kind=ENTITY_SEARCH_KIND,
            label=_("Entities"),
            permissions=("cases.view_entity", "cases.view_relation"),
            url_name="entities:entity-detail",
            titles_are_names=True,
            documents=entity_documents,
            status_labels=dict(EntityKind.choices),
        ),
        SearchSource(
            kind="case",
            label=_("Cases"),
            permissions=("cases.view_case",),
            url_name="investigations:case-detail",
            documents=case_documents,
            status_labels=dict(CaseStatus.choices),
        ),
        SearchSource(
            kind="case_note",
            label=_("Case notes"),
            permissions=("cases.view_case",),
            url_name="",
            documents=note_documents,
            status_labels=dict(CaseStatus.choices),
            page_urls=_case_pages(CaseNote),
        ),
        SearchSource(
            kind="case_document",
            label=_("Case documents"),
            permissions=("cases.view_case",),
            url_name="",
            documents=document_documents,
            status_labels=dict(CaseStatus.choices),
            page_urls=_document_pages,
        ),
        SearchSource(
            kind="case_event",
            label=_("Case events"),
            permissions=("cases.view_case",),
            url_name="",
            documents=event_documents,
            status_labels=dict(CaseStatus.choices),
            page_urls=_case_pages(CaseEvent),
        ),
    ]
