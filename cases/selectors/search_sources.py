"""The search sources of violations and the entity registry: what each record gives the
index (cases/lib/search.py, SearchDocument). Registered in cases/apps.py
(``search_sources``); investigation cases, notes, documents and events add theirs there.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.lib.search import SearchDocument, SearchSource
from cases.models import Entity, EntityKind, Violation, ViolationStatus

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


def entity_documents(ids: Iterable[int] | None) -> Iterator[SearchDocument]:
    entities = Entity.objects.only("kind", "label", "key", "properties", "created_at")
    for entity in _chunked(entities, ids):
        properties = entity.properties or {}
        aliases = properties.get("name") or []
        values = [
            str(value)
            for name, value in properties.items()
            if name != "name" and isinstance(value, str | int) and not isinstance(value, bool)
        ]
        yield SearchDocument(
            object_id=entity.pk,
            title=entity.label,
            body="\n".join([entity.key, *values]).strip(),
            aliases=tuple(str(alias) for alias in aliases if isinstance(alias, str)),
            status=entity.kind,
            occurred_on=timezone.localtime(entity.created_at).date(),
        )


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
            kind="entity",
            label=_("Entities"),
            permissions=("cases.view_entity", "cases.view_relation"),
            url_name="graph:entity-chart",
            documents=entity_documents,
            status_labels=dict(EntityKind.choices),
        ),
    ]
