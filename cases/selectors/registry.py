"""Reads of the entity registry for its own pages: the list with its filters and an
entity's dossier (properties, relations, violations, timeline, places, merges).

Every read starts from cases.selectors.entities.entity_scope_for_user (the one rule of
who sees which entity, need-to-know included) and, for violations, from
violation_scope_for_user (an officer sees their own unit's only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from cases.lib.ftm import schema_get
from cases.lib.ftm_labels import gettext_ftm
from cases.lib.matching import name_codes
from cases.models import Entity, EntityMerge, Relation, ViolationEntity
from cases.models.entities import portal_link_label
from cases.selectors.entities import entity_scope_for_user
from cases.selectors.relation_amounts import number_text
from cases.selectors.violations import violation_scope_for_user
from portal.access import url_allowed_for
from portal.models import User

# A dossier lists at most this many relations, and says how many more there are.
DOSSIER_RELATIONS = 200
DOSSIER_VIOLATIONS = 100


@dataclass
class RegistryFilter:
    query: str = ""
    kinds: list[str] = field(default_factory=list)


def entity_registry_for_user(*, user: User, filters: RegistryFilter) -> QuerySet[Entity]:
    """The registry's entities within ``user``'s reach, those merged into another left
    out, narrowed by ``filters``: a name or identifier (the label, the key, any
    identifier value, ignoring spaces and punctuation, or a name that sounds the same
    once written in Latin letters: "zhukov" finds "Жуков"), and schemata. Newest
    first."""
    entities = entity_scope_for_user(user=user).filter(merged_into__isnull=True)
    if filters.kinds:
        entities = entities.filter(kind__in=filters.kinds)
    query = filters.query.strip()
    if query:
        compact = "".join(ch for ch in query.upper() if ch.isalnum())
        condition = Q(label__icontains=query)
        if len(compact) >= 3:
            condition |= Q(key__icontains=compact) | Q(identifiers__icontains=compact)
        codes = name_codes([query]) if len(query) >= 3 else []
        if codes:
            # Every word of the query sounds like a word of the name (GIN-indexed).
            condition |= Q(name_codes__contains=codes)
        entities = entities.filter(condition)
    return entities.order_by("-updated_at", "-id")


def entity_dossier_get_for_user(*, user: User, pk: int) -> Entity:
    """The entity of a dossier, or 404 outside ``user``'s reach."""
    entity = entity_scope_for_user(user=user).select_related("merged_into").filter(pk=pk).first()
    if entity is None:
        raise Http404
    return entity


@dataclass
class PropertyRow:
    name: str
    label: str
    values: list[dict[str, Any]]


@dataclass
class RelationRow:
    relation: Relation
    label: str
    outgoing: bool
    other: Entity
    attributes: list[tuple[str, str]]


@dataclass
class TimelineItem:
    when: date | datetime
    what: str
    detail: str = ""
    url: str = ""


@dataclass
class Dossier:
    entity: Entity
    schema_label: str
    properties: list[PropertyRow]
    relations: list[RelationRow]
    relations_more: int
    involvements: list[ViolationEntity]
    sightings: list[ViolationEntity]
    timeline: list[TimelineItem]
    merges: list[EntityMerge]
    has_places: bool


def _property_rows(entity: Entity, visible: dict[str, Entity]) -> list[PropertyRow]:
    schema = schema_get(entity.kind)
    if schema is None:
        return []
    merged_values = _merged_value_sources(entity)
    order = list(schema.featured) + sorted(
        name for name in (entity.properties or {}) if name not in schema.featured
    )
    rows: list[PropertyRow] = []
    for name in order:
        values = (entity.properties or {}).get(name) or []
        prop = schema.get(name)
        if not values or prop is None or prop.hidden:
            continue
        items: list[dict[str, Any]] = []
        for value in values:
            item: dict[str, Any] = {"value": value}
            if prop.type.name == "entity":
                linked = visible.get(value)
                if linked is None:
                    continue  # an entity the user may not see, or one not in the registry
                item = {"value": linked.label, "url": linked.get_absolute_url()}
            elif prop.type.name == "country":
                item["value"] = value.upper()
            source = merged_values.get((name, value))
            if source:
                item["source"] = source
            items.append(item)
        if items:
            rows.append(PropertyRow(name=name, label=gettext_ftm(prop.label), values=items))
    return rows


def _merged_value_sources(entity: Entity) -> dict[tuple[str, str], str]:
    """For each property value that came with a merge: where it came from (the absorbed
    entity's name and provenance), so that merged properties keep their provenance."""
    sources: dict[tuple[str, str], str] = {}
    for merge in entity.merges_kept.filter(undone_at__isnull=True).order_by("merged_at"):
        kept = merge.snapshot.get("kept_properties") or {}
        label = merge.snapshot.get("absorbed_label", "")
        provenance = merge.snapshot.get("absorbed_provenance", "")
        origin = f"{label} ({provenance})" if provenance else label
        for name, values in (merge.snapshot.get("absorbed_properties") or {}).items():
            for value in values:
                if value not in (kept.get(name) or []):
                    sources.setdefault((name, value), origin)
    return sources


def _relation_rows(user: User, entity: Entity) -> tuple[list[RelationRow], int]:
    scope = entity_scope_for_user(user=user)
    relations = (
        Relation.objects.filter(Q(source=entity) | Q(target=entity))
        .filter(source__in=scope, target__in=scope)
        .select_related("source", "target")
        .order_by("-valid_from", "kind", "id")
    )
    total = relations.count()
    rows: list[RelationRow] = []
    for relation in relations[:DOSSIER_RELATIONS]:
        schema = schema_get(relation.kind)
        outgoing = relation.source_id == entity.pk
        other = relation.target if outgoing else relation.source
        if schema is not None and schema.edge:
            label = (
                gettext_ftm(schema.edge_label or schema.label)
                if outgoing
                else gettext_ftm(schema.label)
            )
            attributes: list[tuple[str, str]] = []
            for name, values in (relation.properties or {}).items():
                prop = schema.get(name)
                if prop is None or prop.hidden or prop.type.name == "entity" or not values:
                    continue
                if name in ("startDate", "endDate", "date", "namesMentioned"):
                    continue
                if prop.type.name == "number":
                    # As the chart and the timeline write them: "95 338", not "95338".
                    values = [number_text(value) or value for value in values]
                attributes.append((gettext_ftm(prop.label), ", ".join(values[:5])))
        else:
            label, attributes = portal_link_label(relation.kind), []
        rows.append(
            RelationRow(
                relation=relation,
                label=label,
                outgoing=outgoing,
                other=other,
                attributes=attributes[:6],
            )
        )
    return rows, max(0, total - DOSSIER_RELATIONS)


def _timeline(
    entity: Entity,
    properties: list[PropertyRow],
    relations: list[RelationRow],
    involvements: list[ViolationEntity],
    merges: list[EntityMerge],
) -> list[TimelineItem]:
    """The entity's dated facts, newest first: dated properties (birth, incorporation,
    registration...), relations starting and ending, violations, merges."""
    from django.utils.translation import gettext as _

    schema = schema_get(entity.kind)
    items: list[TimelineItem] = []
    for name, values in (entity.properties or {}).items():
        prop = schema.get(name) if schema else None
        if prop is None or prop.type.name != "date" or prop.hidden:
            continue
        for value in values:
            when = _as_date(value)
            if when is not None:
                items.append(TimelineItem(when=when, what=gettext_ftm(prop.label)))
    for row in relations:
        start, end = row.relation.valid_from, row.relation.valid_to
        url = row.other.get_absolute_url()
        if start:
            items.append(TimelineItem(when=start, what=row.label, detail=row.other.label, url=url))
        if end and end != start:
            items.append(
                TimelineItem(
                    when=end,
                    what=_("%(relation)s ends") % {"relation": row.label},
                    detail=row.other.label,
                    url=url,
                )
            )
    for involvement in involvements:
        violation = involvement.violation
        items.append(
            TimelineItem(
                when=violation.occurred_at,
                what=_("Violation %(reference)s") % {"reference": violation.reference},
                detail=involvement.get_role_display(),
                url=violation.get_absolute_url(),
            )
        )
    for merge in merges:
        items.append(
            TimelineItem(
                when=merge.merged_at,
                what=_("Merged"),
                detail=f"{merge.absorbed.label} → {merge.kept.label}",
            )
        )
    items.sort(key=lambda item: _sort_key(item.when), reverse=True)
    return items


def _as_date(value: str) -> date | None:
    text = value[:10]
    try:
        if len(text) == 4:
            return date(int(text), 1, 1)
        if len(text) == 7:
            return date(int(text[:4]), int(text[5:7]), 1)
        return date.fromisoformat(text)
    except ValueError:
        return None


def _sort_key(when: date | datetime) -> str:
    return when.isoformat()


def _is_entity_property(schema: Any, name: str) -> bool:
    prop = schema.get(name)
    return prop is not None and prop.type.name == "entity"


def entity_dossier(*, user: User, entity: Entity) -> Dossier:
    """Everything the dossier shows, each part narrowed to what ``user`` may see."""
    schema = schema_get(entity.kind)
    linked_ids = [
        value
        for name, values in (entity.properties or {}).items()
        if schema is not None and _is_entity_property(schema, name)
        for value in values
    ]
    visible = {
        e.ftm_id or "": e
        for e in entity_scope_for_user(user=user).filter(ftm_id__in=linked_ids[:500])
    }
    properties = _property_rows(entity, visible)
    relations, relations_more = _relation_rows(user, entity)
    involvements: list[ViolationEntity] = []
    if user.has_perm("cases.view_violation"):
        involvements = list(
            ViolationEntity.objects.filter(
                entity=entity, violation__in=violation_scope_for_user(user=user)
            )
            .select_related("violation", "violation__category", "violation__unit")
            .order_by("-violation__occurred_at")[:DOSSIER_VIOLATIONS]
        )
    sightings = [i for i in involvements if i.violation.location is not None]
    merges = list(
        EntityMerge.objects.filter(Q(kept=entity) | Q(absorbed=entity))
        .select_related("kept", "absorbed", "merged_by", "undone_by")
        .order_by("-merged_at")[:50]
    )
    has_places = bool(sightings) or bool(_address_points(user=user, entity=entity))
    return Dossier(
        entity=entity,
        schema_label=gettext_ftm(schema.label) if schema else entity.kind,
        properties=properties,
        relations=relations,
        relations_more=relations_more,
        involvements=involvements,
        sightings=sightings,
        timeline=_timeline(entity, properties, relations, involvements, merges),
        merges=merges,
        has_places=has_places,
    )


def _address_points(*, user: User, entity: Entity) -> list[tuple[float, float, str, str]]:
    """The entity's addresses that carry coordinates (FtM Address latitude/longitude),
    its own when it is an address, or those its properties or relations name."""
    scope = entity_scope_for_user(user=user)
    candidates: list[Entity] = []
    if entity.kind == "Address":
        candidates.append(entity)
    address_ids = (entity.properties or {}).get("addressEntity") or []
    if address_ids:
        candidates.extend(scope.filter(ftm_id__in=address_ids[:50], kind="Address"))
    related = Relation.objects.filter(
        Q(source=entity, target__kind="Address") | Q(target=entity, source__kind="Address")
    ).values_list("source_id", "target_id")[:50]
    other_ids = {s if s != entity.pk else t for s, t in related}
    if other_ids:
        candidates.extend(scope.filter(pk__in=other_ids))
    points: list[tuple[float, float, str, str]] = []
    for address in candidates:
        props = address.properties or {}
        try:
            lat = float((props.get("latitude") or [""])[0])
            lon = float((props.get("longitude") or [""])[0])
        except ValueError:
            continue
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            url = address.get_absolute_url()
            # Plain text where the reader may not open the address's own page.
            points.append((lat, lon, address.label, url if url_allowed_for(user, url) else ""))
    return points


def entity_places_geojson(*, user: User, entity: Entity) -> dict[str, Any]:
    """The entity's places as GeoJSON: addresses with coordinates and the places of
    the violations it was met at (sightings), within ``user``'s reach."""
    features: list[dict[str, Any]] = []
    for lat, lon, label, url in _address_points(user=user, entity=entity):
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"kind": "address", "label": label, "url": url},
            }
        )
    if user.has_perm("cases.view_violation"):
        involvements = (
            ViolationEntity.objects.filter(
                entity=entity,
                violation__in=violation_scope_for_user(user=user),
                violation__location__isnull=False,
            )
            .select_related("violation")
            .order_by("-violation__occurred_at")[:DOSSIER_VIOLATIONS]
        )
        for involvement in involvements:
            violation = involvement.violation
            if violation.location is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [violation.location.x, violation.location.y],
                    },
                    "properties": {
                        "kind": "violation",
                        "label": violation.reference,
                        "when": violation.occurred_at.isoformat(),
                        "url": violation.get_absolute_url(),
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}


def merge_get_for_user(*, user: User, pk: int) -> EntityMerge:
    """A merge whose two entities are both within ``user``'s reach; PermissionDenied
    without ``cases.change_entity``, 404 otherwise."""
    if not user.has_perm("cases.change_entity"):
        raise PermissionDenied
    scope = entity_scope_for_user(user=user)
    merge = (
        EntityMerge.objects.select_related("kept", "absorbed")
        .filter(pk=pk, kept__in=scope, absorbed__in=scope)
        .first()
    )
    if merge is None:
        raise Http404
    return merge
