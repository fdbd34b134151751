"""Rows mapped to entities written to the registry, a batch per transaction.

Idempotent by the file's SHA-256 and the row: a row already written (by this import or
an earlier one of the same file) is skipped. An entity with the same identifier (kind
and key), or a person with the same name and date of birth, is the registry's entity:
the row's values join it (merged by rule) instead of making a duplicate. Entities
created are offered to resolution, which proposes likely matches for review."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from cases.models import (
    DataImport,
    Entity,
    EntityKind,
    ImportedRecord,
    ProvenanceKind,
    Relation,
)
from cases.services.entities import _person_match, entity_index
from cases.services.imports.mapping import MappedEntity, MappedRow
from cases.services.resolution import _merged_properties, matches_propose
from cases.services.search import search_index_refresh


@dataclass
class WriteCounts:
    entities_created: int = 0
    entities_matched: int = 0
    relations_created: int = 0
    rows_skipped: int = 0
    created_ids: list[int] = field(default_factory=list)


def _existing(mapped: MappedEntity) -> Entity | None:
    if mapped.key:
        existing = Entity.objects.filter(kind=mapped.kind, key=mapped.key).first()
    elif mapped.kind == EntityKind.PERSON:
        existing = _person_match(mapped.label, mapped.properties)
    else:
        existing = None
    # A merged entity answers for the one it was merged into.
    while existing is not None and existing.merged_into_id is not None:
        existing = existing.merged_into
    return existing


def _record_id(data_import: DataImport, row: int, ref: str) -> str:
    return f"import-{data_import.sha256[:16]}-{row}-{ref}"[:200]


def _entity_write(
    data_import: DataImport, row: int, mapped: MappedEntity, counts: WriteCounts
) -> tuple[Entity, bool]:
    provenance = f"{data_import.provenance} row {row}"[:300]
    existing = _existing(mapped)
    if existing is not None:
        merged = _merged_properties(existing.properties or {}, mapped.properties)
        if merged != existing.properties:
            existing.properties = merged
            entity_index(existing)
            existing.save(update_fields=["properties", "name_codes", "identifiers", "updated_at"])
        counts.entities_matched += 1
        return existing, True
    entity = Entity(
        kind=mapped.kind,
        key=mapped.key,
        label=mapped.label,
        properties=mapped.properties,
        provenance=provenance,
        ftm_id=_record_id(data_import, row, mapped.ref),
        created_by=data_import.created_by,
    )
    entity_index(entity)
    entity.save()
    counts.entities_created += 1
    counts.created_ids.append(entity.pk)
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
        for row in rows:
            if row.number in done:
                counts.rows_skipped += 1
                continue
            _row_write(data_import, row, counts)
        if counts.created_ids:
            search_index_refresh(kind="entity", ids=counts.created_ids)
            # In the batch's transaction: a worker killed after it leaves no entity
            # without its proposals.
            matches_propose(entity_ids=counts.created_ids)
    return counts


def _row_write(data_import: DataImport, row: MappedRow, counts: WriteCounts) -> None:
    by_ref: dict[str, Entity] = {}
    records: list[ImportedRecord] = []
    for mapped in row.entities:
        entity, matched = _entity_write(data_import, row.number, mapped, counts)
        by_ref[mapped.ref] = entity
        records.append(
            ImportedRecord(
                sha256=data_import.sha256,
                row=row.number,
                ref=mapped.ref,
                data_import=data_import,
                entity=entity,
                matched=matched,
            )
        )
    for link in row.relations:
        source, target = by_ref[link.source], by_ref[link.target]
        if source.pk == target.pk:
            continue
        # The same link said again by another row (the carrier owns the same truck on
        # every declaration) is the one relation already there.
        relation = Relation.objects.filter(source=source, target=target, kind=link.kind).first()
        if relation is not None:
            records.append(
                ImportedRecord(
                    sha256=data_import.sha256,
                    row=row.number,
                    ref=link.ref,
                    data_import=data_import,
                    relation=relation,
                    matched=True,
                )
            )
            continue
        relation = Relation.objects.create(
            source=source,
            target=target,
            kind=link.kind,
            provenance=f"{data_import.provenance} row {row.number}"[:300],
            provenance_kind=ProvenanceKind.IMPORT,
            ftm_id=_record_id(data_import, row.number, link.ref),
            created_by=data_import.created_by,
        )
        counts.relations_created += 1
        records.append(
            ImportedRecord(
                sha256=data_import.sha256,
                row=row.number,
                ref=link.ref,
                data_import=data_import,
                relation=relation,
            )
        )
    ImportedRecord.objects.bulk_create(records)
