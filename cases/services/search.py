"""Writes of the search: keeping the index (cases.models.SearchEntry) in step with the
records it finds, and running a search for a user, audited with its purpose.

The services that write a searchable record call ``search_index_refresh`` with its kind
and id, inside their transaction: the entry changes with the record or not at all. A
rebuild (``manage.py search_index_rebuild``) reads every source again, for data that
existed before the index or came in past the services (a bulk load).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import transaction

from cases.lib.search import SearchDocument, names_ascii, strip_markers
from cases.models import Entity, SearchEntry
from cases.selectors.search import SearchQuery, SearchResults, search_for_user, search_sources
from cases.selectors.search_sources import entity_documents_of
from portal.lib.bulk_copy import copy_create
from portal.models import AuditAction, User
from portal.services.audit import audit_record

# Entries written per statement while rebuilding.
BATCH = 1000
_FIELDS = ["title", "body", "names", "status", "occurred_on", "restricted_case_ids"]


def _entry(kind: str, document: SearchDocument) -> SearchEntry:
    named = search_sources()[kind].titles_are_names
    return SearchEntry(
        kind=kind,
        object_id=document.object_id,
        title=strip_markers(document.title)[:500],
        body=strip_markers(document.body),
        names=names_ascii(document.title, *document.aliases) if named else "",
        status=document.status,
        occurred_on=document.occurred_on,
        restricted_case_ids=sorted(set(document.restricted_case_ids)),
    )


def _write(kind: str, documents: Iterator[SearchDocument]) -> int:
    written = 0
    while batch := list(islice(documents, BATCH)):
        SearchEntry.objects.bulk_create(
            [_entry(kind, document) for document in batch],
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=_FIELDS,
        )
        written += len(batch)
    return written


@transaction.atomic
def search_index_refresh(*, kind: str, ids: Iterable[int]) -> None:
    """Bring the entries of these records of ``kind`` up to date; the entry of an id
    whose record is gone is removed."""
    ids = list(ids)
    source = search_sources()[kind]
    found: list[int] = []

    def documents() -> Iterator[SearchDocument]:
        for document in source.documents(ids):
            found.append(document.object_id)
            yield document

    _write(kind, documents())
    SearchEntry.objects.filter(kind=kind, object_id__in=set(ids) - set(found)).delete()


@transaction.atomic
def search_index_add_entities(entities: list[Entity]) -> None:
    """Index entities just created, in the transaction that created them (they have no
    entry and are in no case yet), from the objects in memory and written with COPY: an
    import's batch adds thousands at a time."""
    documents = entity_documents_of(entities, just_created=True)
    copy_create([_entry("entity", document) for document in documents])


@transaction.atomic
def search_index_rebuild(*, kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Index every record of ``kinds`` (all sources by default) again; the entries of
    records that no longer exist are removed. Returns the entries written per kind."""
    written: dict[str, int] = {}
    for kind in kinds or search_sources():
        SearchEntry.objects.filter(kind=kind).delete()
        written[kind] = _write(kind, search_sources()[kind].documents(None))
    return written


def search_run(*, actor: User, query: SearchQuery, purpose: str) -> SearchResults:
    """Search for ``actor`` and audit it: the query, the facets chosen, the page, the
    number of matches, and the purpose given (the record's reason)."""
    with transaction.atomic():
        results = search_for_user(user=actor, query=query)
        audit_record(
            actor=actor,
            action=AuditAction.SEARCH,
            object_type="cases.searchentry",
            object_repr=query.text[:300],
            changes={
                "query": query.text,
                "kind": query.kind,
                "status": query.status,
                "year": query.year,
                "page": query.page,
                "matches": results.matches,
            },
            reason=purpose,
        )
    return results


def search_index_case(*, case_id: int) -> None:
    """Bring a case's entries up to date with it: the case, its notes, documents and
    events (they follow its restricted flag), and the entities it links (an entity only
    restricted cases hold is hidden outside their teams)."""
    from cases.models import CaseDocument, CaseEntity, CaseEvent, CaseNote

    search_index_refresh(kind="case", ids=[case_id])
    for kind, model in (
        ("case_note", CaseNote),
        ("case_document", CaseDocument),
        ("case_event", CaseEvent),
    ):
        ids = list(model.objects.filter(case_id=case_id).values_list("pk", flat=True))
        search_index_refresh(kind=kind, ids=ids)
    entity_ids = CaseEntity.objects.filter(case_id=case_id).values_list("entity_id", flat=True)
    search_index_refresh(kind="entity", ids=list(entity_ids))
