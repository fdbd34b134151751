"""Rows mapped to entities written to the registry, a batch per transaction.

Idempotent by the file's SHA-256 and the row: a row already written (by this import or
an earlier one of the same file) is skipped. An entity with the same identifier (kind
and key), or a person with the same name and date of birth, is the registry's entity:
the row's values join it (merged by rule) instead of making a duplicate. Entities
created are offered to resolution, which proposes likely matches for review.

Set-based, a batch at a time (docs/imports.md "Speed"): the registry's entities the
batch's rows name are read in two queries (by identifier, and persons by name), the
rows resolved against them and against each other in memory, then the new entities,
the changed ones, the relations and the provenance records written with one statement
each; the same outcome, row by row, as writing the rows one after another."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import Upper

from cases.models import (
    DataImport,
    Entity,
    EntityKind,
    ImportedRecord,
    ProvenanceKind,
    Relation,
)
from cases.services.entities import entity_index, entity_surviving
from cases.services.imports.mapping import MappedEntity, MappedRow
from cases.services.resolution import matches_propose, merged_properties
from cases.services.search import search_index_add_entities
from portal.lib.bulk_copy import copy_create, ids_assign

logger = logging.getLogger(__name__)


@dataclass
class WriteCounts:
    entities_created: int = 0
    entities_matched: int = 0
    relations_created: int = 0
    rows_skipped: int = 0
    created_ids: list[int] = field(default_factory=list)


def _record_id(data_import: DataImport, row: int, ref: str) -> str:
    return f"import-{data_import.sha256[:16]}-{row}-{ref}"[:200]


def _person_key(label: str, properties: dict[str, Any]) -> tuple[str, str] | None:
    birth_dates = properties.get("birthDate")
    return (label.upper(), birth_dates[0]) if birth_dates else None


def keyed_entities(keys: set[tuple[str, str]]) -> QuerySet[Entity]:
    """The registry's entities with these (kind, identifier) pairs, oldest first.

    ``key <> ''`` is said although every key asked for is one: the unique index on
    (kind, key) is partial on it, and PostgreSQL proves ``key IN (...)`` implies it only
    for lists of up to 100 values. A batch asks for 500, and without it the planner took
    the trigram index on the key: 2.6 s a batch against 2 ms once the registry held
    400,000 vehicles (docs/benchmarks.md "Imports")."""
    return (
        Entity.objects.filter(
            kind__in={kind for kind, _key in keys}, key__in={key for _kind, key in keys}
        )
        .exclude(key="")
        .order_by("pk")
    )


class _Registry:
    """The registry's entities a batch's rows name, read in two queries, and the
    entities the batch creates, found again by the rows after the first."""

    def __init__(self, rows: Sequence[MappedRow]) -> None:
        mapped = [entity for row in rows for entity in row.entities]
        keys = {(entity.kind, entity.key) for entity in mapped if entity.key}
        self.by_key: dict[tuple[str, str], Entity] = {}
        if keys:
            for entity in keyed_entities(keys):
                self.by_key.setdefault((entity.kind, entity.key), entity)
        # Persons without an identifier: the same name and date of birth (the first
        # such person, as cases.services.entities.person_match finds one at a time).
        labels = {
            entity.label.upper()
            for entity in mapped
            if not entity.key and entity.kind == EntityKind.PERSON
        }
        self.persons: dict[str, list[Entity]] = {}
        if labels:
            found = (
                Entity.objects.annotate(upper_label=Upper("label"))
                .filter(kind=EntityKind.PERSON, merged_into__isnull=True, upper_label__in=labels)
                .order_by("label", "pk")
            )
            for entity in found:
                self.persons.setdefault(entity.label.upper(), []).append(entity)
        self.new: list[Entity] = []
        self.changed: dict[int, Entity] = {}

    def find(self, mapped: MappedEntity) -> Entity | None:
        if mapped.key:
            existing = self.by_key.get((mapped.kind, mapped.key))
        elif mapped.kind == EntityKind.PERSON:
            existing = self._person(mapped)
        else:
            existing = None
        # A merged entity answers for the one it was merged into (rare: a query each).
        return entity_surviving(existing) if existing is not None else None

    def _person(self, mapped: MappedEntity) -> Entity | None:
        wanted = _person_key(mapped.label, mapped.properties)
        if wanted is None:
            return None
        for entity in self.persons.get(wanted[0], []):
            if wanted[1] in ((entity.properties or {}).get("birthDate") or []):
                return entity
        return None

    def add(self, entity: Entity) -> None:
        self.new.append(entity)
        if entity.key:
            self.by_key[(entity.kind, entity.key)] = entity
        elif entity.kind == EntityKind.PERSON:
            self.persons.setdefault(entity.label.upper(), []).append(entity)


@dataclass
class _Link:
    row: int
    ref: str
    kind: str
    source: Entity
    target: Entity


def _entity_resolve(
    data_import: DataImport,
    row: int,
    mapped: MappedEntity,
    registry: _Registry,
    counts: WriteCounts,
) -> tuple[Entity, bool]:
    existing = registry.find(mapped)
    if existing is not None:
        merged = merged_properties(kept=existing.properties or {}, absorbed=mapped.properties)
        if merged != existing.properties:
            existing.properties = merged
            entity_index(existing)
            if existing.pk is not None:
                registry.changed[existing.pk] = existing
        counts.entities_matched += 1
        return existing, True
    entity = Entity(
        kind=mapped.kind,
        key=mapped.key,
        label=mapped.label,
        properties=mapped.properties,
        provenance=f"{data_import.provenance} row {row}"[:300],
        ftm_id=_record_id(data_import, row, mapped.ref),
        created_by=data_import.created_by,
    )
    entity_index(entity)
    registry.add(entity)
    counts.entities_created += 1
    return entity, False


def rows_write(data_import: DataImport, rows: Sequence[MappedRow]) -> WriteCounts:
    """Write one batch of valid rows in one transaction, with the matches proposed for
    the entities it created."""
    counts = WriteCounts()
    with transaction.atomic():
        done = set(
            ImportedRecord.objects.filter(
                sha256=data_import.sha256, row__in=[row.number for row in rows]
            ).values_list("row", flat=True)
        )
        todo = [row for row in rows if row.number not in done]
        counts.rows_skipped = len(rows) - len(todo)
        registry = _Registry(todo)
        # (row, ref, entity, matched) for the provenance records, and the links.
        said: list[tuple[int, str, Entity, bool]] = []
        links: list[_Link] = []
        for row in todo:
            by_ref: dict[str, Entity] = {}
            for mapped in row.entities:
                entity, matched = _entity_resolve(data_import, row.number, mapped, registry, counts)
                by_ref[mapped.ref] = entity
                said.append((row.number, mapped.ref, entity, matched))
            for link in row.relations:
                source, target = by_ref[link.source], by_ref[link.target]
                # The same entity at both ends (two refs matched to one) links nothing.
                if source is not target and (source.pk is None or source.pk != target.pk):
                    links.append(_Link(row.number, link.ref, link.kind, source, target))
        # The new entities' keys first and their relations written before them: each
        # entity then counts its relations as it is inserted (migration cases 0021) and
        # is written once, not a second time by the relations' trigger.
        ids_assign(registry.new)
        link_records = _links_write(data_import, links, counts)
        copy_create(registry.new)
        counts.created_ids = [entity.pk for entity in registry.new]
        for entity in registry.changed.values():
            entity.save(update_fields=["properties", "name_codes", "identifiers", "updated_at"])
        records = [
            ImportedRecord(
                sha256=data_import.sha256,
                row=row,
                ref=ref,
                data_import=data_import,
                entity_id=entity.pk,
                matched=matched,
            )
            for row, ref, entity, matched in said
        ]
        records.extend(link_records)
        copy_create(records)
        if counts.created_ids:
            search_index_add_entities(registry.new)
            # In the batch's transaction: a worker killed after it leaves no entity
            # without its proposals.
            matches_propose(entity_ids=counts.created_ids)
    return counts


def _entities_estimate() -> float:
    """The registry's size as the planner last learnt it (0 before any ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'cases_entity'::regclass"
        )
        return float(cursor.fetchone()[0])


class RegistryGrowth:
    """Keeps the planner's statistics in step with an import that grows the registry:
    each time the import has created as many entities as the registry held when they
    were last gathered (and at least ENTITY_IMPORT_ANALYZE_MIN_ROWS), they are gathered
    again (``cases_registry_analyze()``, migration cases 0023, which says why). Doubling
    keeps it to a few dozen seconds over a million rows."""

    def __init__(self) -> None:
        self.analysed_size = _entities_estimate()
        self.created = 0

    def add(self, created: int) -> bool:
        """Count a committed batch's new entities; True when statistics were refreshed."""
        self.created += created
        if self.created < max(settings.ENTITY_IMPORT_ANALYZE_MIN_ROWS, self.analysed_size):
            return False
        self.created = 0
        try:
            # A savepoint when called inside a transaction: a failure leaves it usable.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT cases_registry_analyze()")
        except DatabaseError:
            # Statistics are a help, never a reason to fail an import: another ANALYZE
            # held the tables past the function's lock timeout. Tried again at the next
            # doubling.
            logger.warning("The registry's statistics were not gathered", exc_info=True)
            return False
        self.analysed_size = _entities_estimate()
        return True


def _links_write(
    data_import: DataImport, links: list[_Link], counts: WriteCounts
) -> list[ImportedRecord]:
    """The batch's relations: the same link said again (the carrier owns the same truck
    on every declaration), by an earlier import or an earlier row, is the one relation
    already there; the others are created in one statement."""
    if not links:
        return []
    existing: dict[tuple[int, int, str], int] = {}
    sources = {link.source.pk for link in links}
    targets = {link.target.pk for link in links}
    for pk, source_id, target_id, kind in (
        Relation.objects.filter(
            source_id__in=sources,
            target_id__in=targets,
            kind__in={link.kind for link in links},
        )
        .order_by("pk")
        .values_list("pk", "source_id", "target_id", "kind")
    ):
        existing.setdefault((source_id, target_id, kind), pk)
    new: dict[tuple[int, int, str], Relation] = {}
    said: list[tuple[_Link, tuple[int, int, str], bool]] = []
    for link in links:
        triple = (link.source.pk, link.target.pk, link.kind)
        if triple in existing or triple in new:
            said.append((link, triple, True))
            continue
        new[triple] = Relation(
            source=link.source,
            target=link.target,
            kind=link.kind,
            provenance=f"{data_import.provenance} row {link.row}"[:300],
            provenance_kind=ProvenanceKind.IMPORT,
            ftm_id=_record_id(data_import, link.row, link.ref),
            created_by=data_import.created_by,
        )
        said.append((link, triple, False))
    copy_create(list(new.values()))
    counts.relations_created += len(new)
    return [
        ImportedRecord(
            sha256=data_import.sha256,
            row=link.row,
            ref=link.ref,
            data_import=data_import,
            relation_id=existing[triple] if triple in existing else new[triple].pk,
            matched=matched,
        )
        for link, triple, matched in said
    ]
