"""FtM JSON-lines import and export of the entity registry, without loss.

Import: every line is one FtM entity (``{"id", "schema", "properties", ...}``). Things
(Person, Company, Address, Sanction...) become registry entities; interstitial entities
(Ownership, Directorship, Family, Payment...) become relations between the entities their
edge properties name, keeping their own FtM id and properties. FtM ids are kept, so a
second import of the same file updates instead of duplicating, and an export gives back
the same entities: ids, schemata, every property value, and the record's other top-level
keys (caption, datasets, referents, first_seen...). A thing's addresses (its
addressEntity property) are also made relations to the Address entities it names
(``has_address``, one of the portal's own link kinds), so that the link chart shows them
and pivots on a shared address; an export leaves those relations out (the property
carries them).

A file with any bad line (not JSON, no id, an unknown schema or property) is refused as a
whole with the line numbers, and nothing is written. Values FtM's type for their property
does not accept are kept as given (an import must not lose data) and counted as warnings.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from followthemoney.proxy import EntityProxy

from cases.lib.ftm import ftm_model, property_problems, schema_get
from cases.models import Entity, EntityKind, PortalLink, ProvenanceKind, Relation
from cases.services.entities import entity_index
from cases.services.search import search_index_refresh
from portal.models import AuditAction, User
from portal.services.audit import audit_record

LineSource = Iterable[str] | Callable[[], Iterable[str]]

# The keys of an FtM record that the registry keeps in columns of its own.
_CORE_KEYS = ("id", "schema", "properties")

# At most this many line errors are reported: a wrong file says so in a few lines.
MAX_REPORTED_ERRORS = 20

# Records written between two refreshes of the search index and the proposed matches,
# and relations whose ends are looked up in one query.
BATCH_RECORDS = 500
MAX_KEPT_WARNINGS = 200

# FtM ids are at most this long in the registry's columns.
FTM_ID_MAX = 200


@dataclass
class FtmImportResult:
    entities_created: int = 0
    entities_updated: int = 0
    relations_created: int = 0
    relations_updated: int = 0
    # Thing:addressEntity values made relations (PortalLink.HAS_ADDRESS) for the chart.
    address_links_created: int = 0
    # The first MAX_KEPT_WARNINGS warnings, and how many there were.
    warnings: list[str] = field(default_factory=list)
    warnings_total: int = 0


def _check_lines(lines: Iterable[str]) -> None:
    """Read every line once and keep nothing but the first problems: a bad file is
    refused as a whole before anything is written."""
    errors: list[str] = []
    found = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        problem = ""
        try:
            record = json.loads(line)
        except ValueError:
            problem = _("line %(line)d is not JSON.") % {"line": number}
            record = None
        if record is not None and not problem:
            problem = _record_problem(number, record)
        if problem:
            errors.append(problem)
            if len(errors) >= MAX_REPORTED_ERRORS:
                break
            continue
        found = True
    if errors:
        raise ValidationError({"file": errors})
    if not found:
        raise ValidationError({"file": [_("The file holds no FtM entities.")]})


def _records(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The lines again, as records (already checked)."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield number, json.loads(line)


def _rereadable(lines: LineSource) -> Callable[[], Iterable[str]]:
    """A way to read the lines from the start again: an import reads them three times
    (check, things, relations), never holding them. A file is sought back to its start;
    a list read again; a one-pass iterator spooled to a temporary file first."""
    if callable(lines):
        return lines
    if isinstance(lines, Sequence):
        return lambda: lines
    seek = getattr(lines, "seek", None)
    if seek is not None:

        def from_the_start() -> Iterable[str]:
            seek(0)
            return lines

        return from_the_start
    spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115  (kept open)
    for line in lines:
        spool.write(line if line.endswith("\n") else line + "\n")

    def from_the_spool() -> Iterable[str]:
        spool.seek(0)
        return spool

    return from_the_spool


def _record_problem(number: int, record: Any) -> str:
    if not isinstance(record, dict):
        return _("line %(line)d is not an FtM entity (a JSON object).") % {"line": number}
    entity_id = record.get("id")
    if not isinstance(entity_id, str) or not entity_id.strip():
        return _("line %(line)d has no “id”.") % {"line": number}
    if len(entity_id) > FTM_ID_MAX:
        return _("line %(line)d: the id is longer than %(max)d characters.") % {
            "line": number,
            "max": FTM_ID_MAX,
        }
    schema = schema_get(str(record.get("schema") or ""))
    if schema is None or schema.abstract:
        return _("line %(line)d: “%(schema)s” is not a followthemoney schema.") % {
            "line": number,
            "schema": record.get("schema"),
        }
    properties = record.get("properties", {})
    if not isinstance(properties, dict):
        return _("line %(line)d: “properties” is not an object.") % {"line": number}
    problems = property_problems(schema, properties)
    for name, problem in problems.items():
        if problem == "unknown":
            return _("line %(line)d: %(schema)s has no property “%(property)s”.") % {
                "line": number,
                "schema": schema.name,
                "property": name,
            }
        if problem == "not-a-list":
            return _("line %(line)d: the values of “%(property)s” are not a list of texts.") % {
                "line": number,
                "property": name,
            }
    return ""


def _label(record: dict[str, Any]) -> str:
    caption = record.get("caption")
    if isinstance(caption, str) and caption.strip():
        return caption.strip()[:300]
    proxy = EntityProxy.from_dict(
        {"id": record["id"], "schema": record["schema"], "properties": record["properties"]},
        cleaned=True,
    )
    return (proxy.caption or record["id"])[:300]


def _partial_date(value: str, *, end: bool) -> date | None:
    """The date an FtM date ("2014", "2014-05", "2014-05-03T10:00") stands for: the first
    day of its period, or the last with ``end``."""
    text = value[:10]
    try:
        if len(text) == 4:
            return date(int(text), 12, 31) if end else date(int(text), 1, 1)
        if len(text) == 7:
            year, month = int(text[:4]), int(text[5:7])
            if end:
                following = date(year + month // 12, month % 12 + 1, 1)
                return date.fromordinal(following.toordinal() - 1)
            return date(year, month, 1)
        return date.fromisoformat(text)
    except ValueError:
        return None


def _period(properties: dict[str, Any]) -> tuple[date | None, date | None]:
    starts = properties.get("startDate") or properties.get("date") or []
    ends = properties.get("endDate") or properties.get("date") or []
    start = min((d for d in (_partial_date(v, end=False) for v in starts) if d), default=None)
    end = max((d for d in (_partial_date(v, end=True) for v in ends) if d), default=None)
    return start, end


def _warnings(number: int, record: dict[str, Any]) -> list[str]:
    schema = ftm_model()[record["schema"]]
    return [
        _("line %(line)d: a value of “%(property)s” is not a valid %(type)s; kept as given.")
        % {"line": number, "property": name, "type": schema.properties[name].type.name}
        for name, problem in property_problems(schema, record["properties"]).items()
        if problem == "invalid"
    ]


@transaction.atomic
def ftm_import(
    *, actor: User | None, lines: LineSource, source_name: str, content: bytes = b""
) -> FtmImportResult:
    """Import FtM JSON lines (see the module's docstring). ``source_name`` and the
    SHA-256 of ``content`` (the file's bytes, when known) go into each row's provenance.
    Raises ValidationError({"file": [messages]}) and writes nothing for a bad file.

    ``lines`` is an open text file, a list of lines, a one-pass iterator, or a function
    giving the lines from the start each time it is called. Streamed in bounded memory:
    the lines are read three times (checked, then the things written, then the
    relations, whose ends are looked up a batch at a time, and the things' address
    links), and nothing is held but a batch of BATCH_RECORDS records (and of
    ADDRESS_LINK_BATCH ids)."""
    again = _rereadable(lines)
    _check_lines(again())
    digest = hashlib.sha256(content).hexdigest()[:16] if content else ""
    source = f"import {source_name[:120]}" + (f" sha256:{digest}" if digest else "")
    result = FtmImportResult()
    written: list[int] = []
    for number, record in _records(again()):
        schema = ftm_model()[record["schema"]]
        result.warnings_total += _keep_warnings(result, _warnings(number, record))
        if schema.edge:
            continue
        written.append(_entity_upsert(record, f"{source} line {number}", result).pk)
        if len(written) >= BATCH_RECORDS:
            _entities_indexed(written)
    edges: list[tuple[int, dict[str, Any]]] = []
    things: list[tuple[str, str]] = []
    for number, record in _records(again()):
        if ftm_model()[record["schema"]].edge:
            edges.append((number, record))
            if len(edges) >= BATCH_RECORDS:
                _edges_write(edges, source, result, written)
        else:
            # Every thing is written by now, so its addresses are found wherever they
            # stand in the file.
            things.append((record["id"], f"{source} line {number}"))
            if len(things) >= ADDRESS_LINK_BATCH:
                result.address_links_created += _address_links_of(things)
    _edges_write(edges, source, result, written)
    result.address_links_created += _address_links_of(things)
    _entities_indexed(written)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="cases.entity",
        object_repr=source[:300],
        changes={
            "ftm_import": source_name[:200],
            "sha256": digest,
            "entities_created": result.entities_created,
            "entities_updated": result.entities_updated,
            "relations_created": result.relations_created,
            "relations_updated": result.relations_updated,
            "address_links_created": result.address_links_created,
        },
    )
    return result


def _keep_warnings(result: FtmImportResult, warnings: list[str]) -> int:
    room = MAX_KEPT_WARNINGS - len(result.warnings)
    if room > 0:
        result.warnings.extend(warnings[:room])
    return len(warnings)


def _entities_indexed(entity_ids: list[int]) -> None:
    """The search index and the proposed matches of a batch of written entities, in the
    import's transaction. Proposing per batch finds the same pairs as for the whole
    file: a later batch's entity meets the earlier ones as its candidates."""
    from cases.services.resolution import matches_propose

    ids = list(dict.fromkeys(entity_ids))
    if ids:
        # The index reads and writes its entries in batches (cases/services/search.py).
        search_index_refresh(kind="entity", ids=ids)
        matches_propose(entity_ids=ids)
    entity_ids.clear()


def _edges_write(
    edges: list[tuple[int, dict[str, Any]]],
    source: str,
    result: FtmImportResult,
    written: list[int],
) -> None:
    """A batch of interstitial entities as relations between the entities their edge
    properties name, the ends found in one query."""
    ends_wanted: set[str] = set()
    for _number, record in edges:
        schema = ftm_model()[record["schema"]]
        for prop_name in (schema.edge_source, schema.edge_target):
            values = record["properties"].get(prop_name) or [] if prop_name else []
            if values:
                ends_wanted.add(values[0])
    by_ftm_id = {
        entity.ftm_id or "": entity for entity in Entity.objects.filter(ftm_id__in=ends_wanted)
    }
    for number, record in edges:
        schema = ftm_model()[record["schema"]]
        ends = []
        for prop_name in (schema.edge_source, schema.edge_target):
            values = record["properties"].get(prop_name) or [] if prop_name else []
            ends.append(by_ftm_id.get(values[0]) if values else None)
        if ends[0] is None or ends[1] is None:
            # An edge whose ends are not in the registry stays an entity of its own, so
            # that it is not lost and comes back in an export.
            written.append(_entity_upsert(record, f"{source} line {number}", result).pk)
            continue
        _relation_upsert(
            record,
            source=ends[0],
            target=ends[1],
            provenance=f"{source} line {number}",
            result=result,
        )
    edges.clear()
    if len(written) >= BATCH_RECORDS:
        _entities_indexed(written)


def _entity_upsert(record: dict[str, Any], provenance: str, result: FtmImportResult) -> Entity:
    extra = {key: value for key, value in record.items() if key not in _CORE_KEYS}
    entity = Entity.objects.filter(ftm_id=record["id"]).first()
    if entity is None:
        entity = Entity(ftm_id=record["id"], created_by=None)
        result.entities_created += 1
    else:
        result.entities_updated += 1
    entity.kind = record["schema"]
    entity.label = _label(record)
    entity.properties = record["properties"]
    entity.ftm_extra = extra
    entity.provenance = provenance[:300]
    entity_index(entity)
    entity.save()
    return entity


def _relation_upsert(
    record: dict[str, Any],
    *,
    source: Entity,
    target: Entity,
    provenance: str,
    result: FtmImportResult,
) -> Relation:
    extra = {key: value for key, value in record.items() if key not in _CORE_KEYS}
    relation = Relation.objects.filter(ftm_id=record["id"]).first()
    if relation is None:
        relation = Relation(ftm_id=record["id"])
        result.relations_created += 1
    else:
        result.relations_updated += 1
    relation.source = source
    relation.target = target
    relation.kind = record["schema"]
    relation.properties = record["properties"]
    relation.ftm_extra = extra
    relation.valid_from, relation.valid_to = _period(record["properties"])
    relation.provenance = provenance[:300]
    relation.provenance_kind = ProvenanceKind.IMPORT
    relation.save()
    return relation


# Things whose address links are brought up to date in one go (a few statements each).
ADDRESS_LINK_BATCH = 2_000


def _address_links_of(things: list[tuple[str, str]]) -> int:
    """The address links of a batch of written things, given as (FtM id, provenance);
    empties the batch."""
    # Only each thing's addresses are read, not its properties (a batch of long notes
    # would not fit the import's memory bound).
    rows = Entity.objects.filter(ftm_id__in=[ftm_id for ftm_id, _line in things]).values_list(
        "pk", "ftm_id", "properties__addressEntity"
    )
    by_ftm_id = {
        ftm_id: Entity(pk=pk, ftm_id=ftm_id, properties={"addressEntity": addresses or []})
        for pk, ftm_id, addresses in rows
    }
    pairs = [(by_ftm_id[ftm_id], line) for ftm_id, line in things if ftm_id in by_ftm_id]
    things.clear()
    return _address_links_sync(pairs, {})


def _address_links_sync(
    entities: Sequence[tuple[Entity, str]], by_ftm_id: dict[str, Entity]
) -> int:
    """Each imported thing's addressEntity values as relations to those Address
    entities (PortalLink.HAS_ADDRESS, with the line's provenance), and its former
    imported address links that the record no longer names removed. Addresses neither
    in the file nor in the registry stay only in the property. Returns how many links
    were made. A few statements per ADDRESS_LINK_BATCH things, not per line."""
    return sum(
        _address_links_sync_batch(entities[start : start + ADDRESS_LINK_BATCH], by_ftm_id)
        for start in range(0, len(entities), ADDRESS_LINK_BATCH)
    )


def _address_links_sync_batch(
    entities: Sequence[tuple[Entity, str]], by_ftm_id: dict[str, Entity]
) -> int:
    named: dict[int, set[str]] = {}
    for entity, _provenance in entities:
        values = (entity.properties or {}).get("addressEntity") or []
        named[entity.pk] = {str(value) for value in values if value}
    wanted_ids = {value for values in named.values() for value in values}
    addresses = {
        ftm_id: entity
        for ftm_id, entity in by_ftm_id.items()
        if ftm_id in wanted_ids and entity.kind == EntityKind.ADDRESS
    }
    missing = wanted_ids - set(addresses)
    if missing:
        for address in Entity.objects.filter(ftm_id__in=missing, kind=EntityKind.ADDRESS):
            addresses[address.ftm_id or ""] = address
    wanted = {
        (entity.pk, addresses[value].pk): provenance
        for entity, provenance in entities
        for value in sorted(named[entity.pk])
        if value in addresses and addresses[value].pk != entity.pk
    }
    existing = Relation.objects.filter(
        source_id__in=list(named), kind=PortalLink.HAS_ADDRESS, ftm_id__isnull=True
    )
    have = set(existing.values_list("source_id", "target_id"))
    stale = have - set(wanted)
    if stale:
        for source_id, target_id in stale:
            existing.filter(
                source_id=source_id, target_id=target_id, provenance_kind=ProvenanceKind.IMPORT
            ).delete()
    created = Relation.objects.bulk_create(
        [
            Relation(
                source_id=source_id,
                target_id=target_id,
                kind=PortalLink.HAS_ADDRESS,
                provenance=provenance[:300],
                provenance_kind=ProvenanceKind.IMPORT,
            )
            for (source_id, target_id), provenance in wanted.items()
            if (source_id, target_id) not in have
        ],
        ignore_conflicts=True,
    )
    return len(created)


def _entity_record(entity: Entity) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": entity.export_id,
        "schema": entity.kind,
        "properties": entity.properties or {},
    }
    for key, value in (entity.ftm_extra or {}).items():
        if key != "legacy_properties":
            record.setdefault(key, value)
    return record


def relation_record(relation: Relation) -> dict[str, Any] | None:
    """The FtM interstitial entity a relation stands for; None for the portal's own
    link kinds, which FtM holds as a property (Identification:holder)."""
    schema = schema_get(relation.kind)
    if schema is None or not schema.edge or not schema.edge_source or not schema.edge_target:
        return None
    properties = {name: list(values) for name, values in (relation.properties or {}).items()}
    # The ends as they are now (a merge may have moved them), first of each list.
    for prop_name, end in (
        (schema.edge_source, relation.source),
        (schema.edge_target, relation.target),
    ):
        values = properties.get(prop_name) or []
        properties[prop_name] = [end.export_id, *values[1:]]
    if not relation.properties:
        if relation.valid_from:
            properties["startDate"] = [relation.valid_from.isoformat()]
        if relation.valid_to:
            properties["endDate"] = [relation.valid_to.isoformat()]
    record: dict[str, Any] = {
        "id": relation.ftm_id or f"cep-rel-{relation.pk}",
        "schema": relation.kind,
        "properties": properties,
    }
    for key, value in (relation.ftm_extra or {}).items():
        record.setdefault(key, value)
    return record


def ftm_export_lines(*, entities: QuerySet[Entity]) -> Iterator[str]:
    """FtM JSON lines for ``entities`` (already narrowed to what the caller may see)
    and the relations between them, things first, then the interstitial entities."""
    ids: set[int] = set()
    for entity in entities.order_by("pk").iterator(chunk_size=1000):
        ids.add(entity.pk)
        yield json.dumps(_entity_record(entity), ensure_ascii=False)
    relations = (
        Relation.objects.filter(source_id__in=ids, target_id__in=ids)
        .select_related("source", "target")
        .order_by("pk")
    )
    for relation in relations.iterator(chunk_size=1000):
        record = relation_record(relation)
        if record is not None:
            yield json.dumps(record, ensure_ascii=False)


def ftm_chart_lines(*, entity_ids: Sequence[int], relation_ids: Sequence[int]) -> list[str]:
    """FtM JSON lines of a link chart: ``entity_ids`` and ``relation_ids`` (already
    re-read within the exporter's reach by the caller), things first, then relations."""
    lines = [
        json.dumps(_entity_record(entity), ensure_ascii=False)
        for entity in Entity.objects.filter(pk__in=entity_ids).order_by("pk")
    ]
    relations = (
        Relation.objects.filter(pk__in=relation_ids)
        .select_related("source", "target")
        .order_by("pk")
    )
    for relation in relations:
        record = relation_record(relation)
        if record is not None:
            lines.append(json.dumps(record, ensure_ascii=False))
    return lines


def ftm_export_audit(*, actor: User | None, count_hint: str = "") -> None:
    """The audit record of an export (the caller streams the lines)."""
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="cases.entity",
        object_repr="FtM JSON lines",
        changes={"ftm_export": count_hint},
    )
