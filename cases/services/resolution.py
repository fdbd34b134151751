"""Entity resolution: proposing likely matches, the analyst's judgement on a pair, and
merging two entities into one in a way that can be undone.

A merge keeps both histories: the absorbed entity's row stays (pointing at the one it
was merged into), its relations and violation involvements move to the kept entity, its
property values join the kept entity's, and the merge record remembers what moved and
what each entity looked like, so that an undo gives back both entities with their links.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.lib.matching import (
    KEYED_KINDS,
    PROPOSE_AT,
    SCORED_PROPERTIES,
    comparable_kinds,
    is_matchable,
    match_score,
)
from cases.models import (
    Entity,
    EntityMatch,
    EntityMerge,
    MatchStatus,
    Relation,
    ViolationEntity,
)
from cases.services.entities import entity_index
from cases.services.search import search_index_refresh
from portal.models import AuditAction, User
from portal.services.audit import audit_record

# Candidates scored per new entity: the index narrows by identifiers, name sounds and
# dates of birth; a common name could still bring many, and a proposal list is read by
# a person.
CANDIDATES_PER_ENTITY = 50


class _Candidate(NamedTuple):
    """What the scorer reads of a candidate. Not an Entity: building tens of thousands
    of model instances a batch (every field's default, the init signals) was a third of
    the proposals' time once the registry was large enough for most new entities to
    meet the full CANDIDATES_PER_ENTITY (docs/benchmarks.md "Imports")."""

    pk: int
    label: str
    properties: dict[str, Any]
    identifiers: list[str]


_Compared = Entity | _Candidate


def _names(entity: _Compared) -> list[str]:
    names = [entity.label, *((entity.properties or {}).get("name") or [])]
    return list(dict.fromkeys(name for name in names if name))


def _pair(one: _Compared, two: _Compared) -> tuple[_Compared, _Compared]:
    return (one, two) if one.pk < two.pk else (two, one)


# The candidates of a batch's entities, in one statement: a registry entity of a
# comparable kind, not merged away, that shares an identifier, or (but for KEYED_KINDS,
# told apart by their keys alone) has every name sound of
# the new entity (word order, transliteration and extra middle names aside), or shares a
# name sound and a date of birth. Looser overlap (one common first name) cannot reach
# PROPOSE_AT by itself (cases/lib/matching.py: names up to 80, only a same date of birth
# adds), so the candidates scored in Python are the few that can; each branch is an index
# search (GIN on identifiers, name codes, birth dates), never a scan of a common name.
# Two entities both born on a day, but never on the same one, cannot reach PROPOSE_AT
# whatever else they share (a shared identifier gives 95, differing dates of birth take
# 40 away): they are not candidates. In a large registry of people most namesakes by
# sound are such, and scoring them was most of an import's time at scale
# (docs/benchmarks.md "Imports").
# Where more than CANDIDATES_PER_ENTITY qualify (namesakes born the same day), those
# sharing an identifier, then the most name sounds, come first.
_CANDIDATES_SQL = """
WITH found AS (
    SELECT n.id AS entity_id, hit.id
    FROM cases_entity n
    CROSS JOIN LATERAL (
        SELECT ARRAY(SELECT jsonb_array_elements_text(
            CASE WHEN jsonb_typeof(n.properties -> 'birthDate') = 'array'
            THEN n.properties -> 'birthDate' ELSE '[]' END)) AS born
    ) nb
    CROSS JOIN LATERAL (
      SELECT u.id FROM (
        SELECT e.id, e.identifiers && n.identifiers AS shares_identifier,
            cardinality(ARRAY(
                SELECT unnest(e.name_codes) INTERSECT SELECT unnest(n.name_codes)
            )) AS shared_sounds, e.properties -> 'birthDate' AS born
        FROM (
            -- Each search by its own index alone (OFFSET 0 keeps the planner from
            -- mixing in another, whatever the statistics of a table an import has
            -- just filled say); the other conditions are checked on the few found.
            SELECT * FROM cases_entity e
            WHERE cardinality(n.identifiers) > 0 AND e.identifiers && n.identifiers
            OFFSET 0
        ) e
        WHERE e.id <> n.id AND e.merged_into_id IS NULL
          AND (e.kind = n.kind OR e.kind = ANY(%(parties)s) AND n.kind = ANY(%(parties)s))
        UNION
        SELECT e.id, e.identifiers && n.identifiers, cardinality(n.name_codes),
            e.properties -> 'birthDate'
        FROM (
            SELECT * FROM cases_entity e
            WHERE cardinality(n.name_codes) > 0 AND e.name_codes @> n.name_codes
              AND NOT n.kind = ANY(%(keyed)s)
              AND (cardinality(nb.born) = 0 OR n.kind <> 'Person')
            OFFSET 0
        ) e
        WHERE e.id <> n.id AND e.merged_into_id IS NULL
          AND (e.kind = n.kind OR e.kind = ANY(%(parties)s) AND n.kind = ANY(%(parties)s))
        UNION
        -- A person born on a known day: of those with all its name sounds, only the
        -- people whose day is not known may score (those born the same day are found
        -- below), and their index is a small one (entity_undated_person_codes),
        -- not every namesake's row read to learn its date.
        SELECT e.id, e.identifiers && n.identifiers, cardinality(n.name_codes),
            e.properties -> 'birthDate'
        FROM (
            SELECT * FROM cases_entity e
            WHERE cardinality(n.name_codes) > 0 AND e.name_codes @> n.name_codes
              AND cardinality(nb.born) > 0 AND n.kind = 'Person'
              AND e.kind = 'Person' AND NOT e.properties ? 'birthDate'
            OFFSET 0
        ) e
        WHERE e.id <> n.id AND e.merged_into_id IS NULL
        UNION
        SELECT e.id, e.identifiers && n.identifiers,
            cardinality(ARRAY(
                SELECT unnest(e.name_codes) INTERSECT SELECT unnest(n.name_codes)
            )), e.properties -> 'birthDate'
        FROM (
            SELECT * FROM cases_entity e
            WHERE cardinality(nb.born) > 0
              AND NOT n.kind = ANY(%(keyed)s)
              AND (e.properties -> 'birthDate') ?| nb.born
            OFFSET 0
        ) e
        WHERE e.name_codes && n.name_codes
          AND e.id <> n.id AND e.merged_into_id IS NULL
          AND (e.kind = n.kind OR e.kind = ANY(%(parties)s) AND n.kind = ANY(%(parties)s))
      ) u
      -- Born on a day both, never the same one: see above.
      WHERE CASE WHEN cardinality(nb.born) = 0
                   OR jsonb_typeof(u.born) IS DISTINCT FROM 'array' THEN true
            ELSE jsonb_array_length(u.born) = 0 OR u.born ?| nb.born END
      ORDER BY u.shares_identifier DESC, u.shared_sounds DESC, u.id
      LIMIT %(limit)s
    ) AS hit
    WHERE n.id = ANY(%(ids)s)
)
-- Of the candidates' properties, only those match_score reads (SCORED_PROPERTIES): long
-- notes on thousands of candidates would not fit an import's memory bound.
SELECT found.entity_id, c.id, c.label,
    (SELECT coalesce(jsonb_object_agg(key, value), '{}')
     FROM jsonb_each(c.properties) WHERE key = ANY(%(scored)s)),
    c.identifiers
FROM found JOIN cases_entity c ON c.id = found.id
ORDER BY found.entity_id, c.id
"""


def _candidates(ids: list[int]) -> list[tuple[int, _Candidate]]:
    """(new entity's id, candidate) pairs for the entities ``ids``, at most
    CANDIDATES_PER_ENTITY each, in one statement."""
    with transaction.atomic(), connection.cursor() as cursor:
        # Compiling the statement took longer than running it for a batch of 500.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            _CANDIDATES_SQL,
            {
                "ids": ids,
                "parties": comparable_kinds("Company"),
                "limit": CANDIDATES_PER_ENTITY,
                "scored": list(SCORED_PROPERTIES),
                "keyed": sorted(KEYED_KINDS),
            },
        )
        rows = cursor.fetchall()
    # One candidate is often the candidate of many of the batch's entities (a common
    # name sound): its properties are decoded once.
    read: dict[int, _Candidate] = {}
    found = []
    for entity_id, pk, label, properties, identifiers in rows:
        candidate = read.get(pk)
        if candidate is None:
            if isinstance(properties, str):
                properties = json.loads(properties)
            candidate = read[pk] = _Candidate(pk, label, properties or {}, identifiers or [])
        found.append((entity_id, candidate))
    return found


def matches_propose(*, entity_ids: list[int]) -> list[EntityMatch]:
    """Propose the likely matches of each entity in ``entity_ids`` among the registry's
    entities of a comparable kind that were not merged away: each candidate that could
    reach PROPOSE_AT (see _CANDIDATES_SQL) is scored (cases/lib/matching.py) and
    proposed at PROPOSE_AT or above, with its reasons. A pair already proposed or
    judged, "same" or "different", is never proposed again.

    Set-based for a batch (an import's): the entities, the pairs already there and the
    candidates are read in one query each, and the proposals written in one statement."""
    entities = {
        entity.pk: entity
        for entity in Entity.objects.filter(pk__in=entity_ids, merged_into__isnull=True).only(
            "kind", "label", "properties", "name_codes", "identifiers"
        )
        if is_matchable(entity.kind) and (entity.name_codes or entity.identifiers)
    }
    if not entities:
        return []
    ids = sorted(entities)
    known: set[tuple[int, int]] = set(
        EntityMatch.objects.filter(Q(left_id__in=ids) | Q(right_id__in=ids)).values_list(
            "left_id", "right_id"
        )
    )
    new: list[EntityMatch] = []
    for entity_id, candidate in _candidates(ids):
        left, right = _pair(entities[entity_id], candidate)
        if (left.pk, right.pk) in known:
            continue
        result = match_score(
            left_names=_names(left),
            left_properties=left.properties or {},
            left_identifiers=left.identifiers,
            right_names=_names(right),
            right_properties=right.properties or {},
            right_identifiers=right.identifiers,
        )
        if result.score < PROPOSE_AT:
            continue
        known.add((left.pk, right.pk))
        # By id: the candidates (their properties may be large) are not held.
        new.append(
            EntityMatch(
                left_id=left.pk, right_id=right.pk, score=result.score, reasons=result.reasons
            )
        )
    try:
        with transaction.atomic():
            return EntityMatch.objects.bulk_create(new)
    except IntegrityError:
        # Someone proposed one of these pairs meanwhile: one at a time, theirs kept.
        proposed = []
        for match in new:
            kept, created = EntityMatch.objects.get_or_create(
                left_id=match.left_id,
                right_id=match.right_id,
                defaults={"score": match.score, "reasons": match.reasons},
            )
            if created:
                proposed.append(kept)
        return proposed


@transaction.atomic
def match_judge(*, actor: User, match: EntityMatch, verdict: str) -> EntityMatch:
    """Record the analyst's judgement on a proposed pair: ``"same"`` or ``"different"``.
    Either way the pair is not proposed again; "same" does not merge by itself."""
    if verdict not in (MatchStatus.SAME, MatchStatus.DIFFERENT):
        raise ValidationError({"verdict": _("Choose “same” or “different”.")})
    match = EntityMatch.objects.select_for_update().get(pk=match.pk)
    before = match.status
    match.status = verdict
    match.decided_by = actor
    match.decided_at = timezone.now()
    match.full_clean()
    match.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=match,
        changes={
            "status": [before, verdict],
            "left": match.left_id,
            "right": match.right_id,
        },
    )
    return match


def merged_properties(*, kept: dict[str, Any], absorbed: dict[str, Any]) -> dict[str, Any]:
    """The FtM properties of two records of one thing merged by rule: every value of
    ``kept``, then each value of ``absorbed`` it lacks, in order (the merge of two
    entities, and an import's row joining the registry's entity)."""
    merged = {name: list(values) for name, values in (kept or {}).items()}
    for name, values in (absorbed or {}).items():
        target = merged.setdefault(name, [])
        for value in values:
            if value not in target:
                target.append(value)
    return merged


@transaction.atomic
def entity_merge(
    *, actor: User, kept: Entity, absorbed: Entity, match: EntityMatch | None = None
) -> EntityMerge:
    """Merge ``absorbed`` into ``kept``: relations and violation involvements move over
    (a link the kept entity already has in the same form stays with the absorbed one,
    so nothing is lost), property values are joined, the absorbed entity points at the
    kept one. Audited on both; undone with entity_merge_undo."""
    if kept.pk == absorbed.pk:
        raise ValidationError({"absorbed": _("An entity cannot be merged into itself.")})
    # Lock both rows in id order: two analysts merging crossing pairs must not deadlock.
    locked = {
        e.pk: e
        for e in Entity.objects.select_for_update()
        .filter(pk__in=[kept.pk, absorbed.pk])
        .order_by("pk")
    }
    kept, absorbed = locked[kept.pk], locked[absorbed.pk]
    if kept.merged_into_id or absorbed.merged_into_id:
        raise ValidationError(
            {"absorbed": _("One of these entities was already merged into another.")}
        )
    if absorbed.kind not in comparable_kinds(kept.kind):
        raise ValidationError(
            {
                "absorbed": _("A %(one)s cannot be merged with a %(other)s.")
                % {"one": kept.kind, "other": absorbed.kind}
            }
        )
    moved_relations: list[list[Any]] = []
    for relation in Relation.objects.select_for_update().filter(source=absorbed):
        clash = relation.target_id == kept.pk or (
            relation.ftm_id is None
            and Relation.objects.filter(
                source=kept, target_id=relation.target_id, kind=relation.kind, ftm_id=None
            ).exists()
        )
        if not clash:
            relation.source = kept
            relation.save(update_fields=["source"])
            moved_relations.append([relation.pk, "source"])
    for relation in Relation.objects.select_for_update().filter(target=absorbed):
        clash = relation.source_id == kept.pk or (
            relation.ftm_id is None
            and Relation.objects.filter(
                source_id=relation.source_id, target=kept, kind=relation.kind, ftm_id=None
            ).exists()
        )
        if not clash:
            relation.target = kept
            relation.save(update_fields=["target"])
            moved_relations.append([relation.pk, "target"])
    moved_involvements: list[int] = []
    for involvement in ViolationEntity.objects.select_for_update().filter(entity=absorbed):
        if ViolationEntity.objects.filter(
            violation_id=involvement.violation_id, entity=kept, role=involvement.role
        ).exists():
            continue
        involvement.entity = kept
        involvement.save(update_fields=["entity"])
        moved_involvements.append(involvement.pk)
    snapshot = {
        "kept_properties": kept.properties,
        "absorbed_properties": absorbed.properties,
        "absorbed_label": absorbed.label,
        "absorbed_provenance": absorbed.provenance,
        "relations": moved_relations,
        "involvements": moved_involvements,
    }
    kept.properties = merged_properties(kept=kept.properties, absorbed=absorbed.properties)
    if kept.kind in ("Person", "Company", "Organization") and absorbed.label:
        names = kept.properties.setdefault("name", [])
        if absorbed.label not in names:
            names.append(absorbed.label)
    entity_index(kept)
    kept.save(update_fields=["properties", "name_codes", "identifiers", "updated_at"])
    absorbed.merged_into = kept
    absorbed.save(update_fields=["merged_into", "updated_at"])
    merge = EntityMerge.objects.create(
        kept=kept, absorbed=absorbed, match=match, snapshot=snapshot, merged_by=actor
    )
    if match is not None and match.status != MatchStatus.SAME:
        match.status = MatchStatus.SAME
        match.decided_by = actor
        match.decided_at = timezone.now()
        match.save(update_fields=["status", "decided_by", "decided_at"])
    changes = {
        "merge": merge.pk,
        "kept": kept.pk,
        "absorbed": absorbed.pk,
        "relations_moved": len(moved_relations),
        "involvements_moved": len(moved_involvements),
    }
    # The absorbed entity's entry goes (it is found as the kept one, whose names now
    # include its label) and the kept one's reflects its joined properties and links.
    search_index_refresh(kind="entity", ids=[kept.pk, absorbed.pk])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=kept, changes=changes)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=absorbed, changes=changes)
    return merge


@transaction.atomic
def entity_merge_undo(*, actor: User, merge: EntityMerge) -> EntityMerge:
    """Undo ``merge``: the absorbed entity stands on its own again with the relations
    and involvements that moved, and the kept entity has its properties as before the
    merge. Refused once undone, or when the kept entity was itself merged away since
    (undo that merge first)."""
    merge = EntityMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ValidationError({"merge": _("This merge was already undone.")})
    locked = {
        e.pk: e
        for e in Entity.objects.select_for_update()
        .filter(pk__in=[merge.kept_id, merge.absorbed_id])
        .order_by("pk")
    }
    kept, absorbed = locked[merge.kept_id], locked[merge.absorbed_id]
    if kept.merged_into_id is not None:
        raise ValidationError(
            {"merge": _("The kept entity was merged into another since; undo that merge first.")}
        )
    snapshot = merge.snapshot
    for relation_id, end in snapshot.get("relations", []):
        field = "source" if end == "source" else "target"
        Relation.objects.filter(pk=relation_id, **{field: kept}).update(**{field: absorbed})
    ViolationEntity.objects.filter(pk__in=snapshot.get("involvements", []), entity=kept).update(
        entity=absorbed
    )
    kept.properties = snapshot.get("kept_properties", kept.properties)
    entity_index(kept)
    kept.save(update_fields=["properties", "name_codes", "identifiers", "updated_at"])
    absorbed.merged_into = None
    absorbed.save(update_fields=["merged_into", "updated_at"])
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by"])
    if merge.match_id is not None:
        # Undoing says the analyst is no longer sure: the pair goes back to the queue.
        EntityMatch.objects.filter(pk=merge.match_id).update(
            status=MatchStatus.PROPOSED, decided_by=None, decided_at=None
        )
    changes = {"merge_undone": merge.pk, "kept": kept.pk, "absorbed": absorbed.pk}
    # Both entities are found on their own again, each with its own links' reach.
    search_index_refresh(kind="entity", ids=[kept.pk, absorbed.pk])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=kept, changes=changes)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=absorbed, changes=changes)
    return merge
