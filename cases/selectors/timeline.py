"""The timeline and the places of an investigation case, read after case_get_for_user
has decided the case is within reach.

One list of dated items, each a moment (``ends_at`` is None) or a period: the case's
violations (occurred), notes (written), documents (uploaded), events, case tasks (due),
mutual-assistance requests (sent to due), relations between the case's entities (valid
from / to), sightings of its entities at violations the case does not hold, and what the
other apps add through their AppConfig's ``case_timeline_items`` (dispatch: the tasks
that answer the case; cases never imports dispatch).

Need-to-know: relations and sightings go through entity_scope_for_user and
violation_scope_for_user, so an entity or violation out of the reader's reach never
shows; what another app adds is narrowed by that app's own reach.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.lib.ftm import schema_get
from cases.lib.ftm_labels import gettext_ftm
from cases.models import Case, Entity, Relation, ViolationEntity
from cases.models.entities import portal_link_label
from cases.selectors.entities import entity_scope_for_user
from cases.selectors.relation_amounts import relation_amount_text
from cases.selectors.violations import violation_scope_for_user
from portal.access import url_allowed_for
from portal.models import User

# Each kind lists at most this many items; the timeline says which kinds were cut.
TIMELINE_KIND_LIMIT = 500

# The kinds of item, in the order the filters offer them (and the order of items that
# share a moment).
TIMELINE_KINDS: dict[str, Any] = {
    "violation": gettext_lazy("Violations"),
    "sighting": gettext_lazy("Sightings"),
    "dispatch_task": gettext_lazy("Dispatch tasks"),
    "event": gettext_lazy("Events"),
    "relation": gettext_lazy("Relations"),
    "request": gettext_lazy("Assistance requests"),
    "case_task": gettext_lazy("Case tasks"),
    "note": gettext_lazy("Notes"),
    "document": gettext_lazy("Documents"),
}


# The page whose access rule decides whether a reader may see a kind of item at all
# (an administrator reads every case but opens no violation, so is offered no
# "Violations" filter). The case's own kinds (events, notes...) go with the case; the
# kinds other apps add are theirs to decide (``case_timeline_kinds`` of their AppConfig).
KIND_PAGES = {
    "violation": "cases:violation-list",
    "sighting": "cases:violation-list",
    "relation": "entities:entity-list",
}
CASE_OWN_KINDS = ("event", "request", "case_task", "note", "document")


def timeline_kinds_for_user(*, user: User) -> dict[str, Any]:
    """The kinds of item ``user`` may see in a case's timeline (kind -> label, in
    TIMELINE_KINDS order): the ones the filters offer."""
    from django.urls import reverse

    allowed = set(CASE_OWN_KINDS)
    allowed.update(
        kind for kind, page in KIND_PAGES.items() if url_allowed_for(user, reverse(page))
    )
    for app_config in apps.get_app_configs():
        hook = getattr(app_config, "case_timeline_kinds", None)
        if hook is not None:
            allowed.update(hook(user))
    return {kind: label for kind, label in TIMELINE_KINDS.items() if kind in allowed}


@dataclass(frozen=True)
class TimelineItem:
    """A dated thing of the case. ``key`` ("violation-12") is unique in the case and
    ties the item to its place on the map; ``place`` is (longitude, latitude)."""

    key: str
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime | None = None
    detail: str = ""
    url: str = ""
    place: tuple[float, float] | None = None
    # Known to the day only (a relation's or request's dates, a task's due date).
    all_day: bool = False
    # The entities the item concerns (a violation's involved entities, the entity
    # sighted, a relation's two ends), only those within the reader's reach: the link
    # chart highlights the item when one of them is picked, and the reverse.
    entities: tuple[int, ...] = ()

    @property
    def kind_label(self) -> str:
        return str(TIMELINE_KINDS.get(self.kind, self.kind))

    @property
    def is_period(self) -> bool:
        return self.ends_at is not None and self.ends_at > self.starts_at


@dataclass
class Timeline:
    items: list[TimelineItem]
    # The kinds that had more than TIMELINE_KIND_LIMIT items (never a silent cap).
    truncated: list[str] = field(default_factory=list)


def day_start(day: date) -> datetime:
    """Midnight of ``day`` in the portal's time zone (Europe/Vilnius), aware."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _point(geometry: Any) -> tuple[float, float] | None:
    if geometry is None:
        return None
    return (round(geometry.x, 6), round(geometry.y, 6))


def _sort_key(item: TimelineItem) -> tuple[datetime, int, str]:
    order = list(TIMELINE_KINDS).index(item.kind) if item.kind in TIMELINE_KINDS else 99
    return (item.starts_at, order, item.key)


def _involved_entities(user: User, violation_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """The entities involved in each of ``violation_ids`` that ``user`` may see (one
    query; none without ``cases.view_entity``)."""
    if not violation_ids or not user.has_perm("cases.view_entity"):
        return {}
    involved: dict[int, list[int]] = {}
    pairs = (
        ViolationEntity.objects.filter(
            violation_id__in=violation_ids, entity__in=entity_scope_for_user(user=user)
        )
        .order_by("entity_id")
        .values_list("violation_id", "entity_id")
    )
    for violation_id, entity_id in pairs:
        involved.setdefault(violation_id, []).append(entity_id)
    return {key: tuple(dict.fromkeys(ids)) for key, ids in involved.items()}


def _violations(case: Case, user: User) -> list[TimelineItem]:
    if not user.has_perm("cases.view_violation"):
        return []
    links = list(
        case.violation_links.filter(violation__in=violation_scope_for_user(user=user))
        .select_related("violation__category")
        .order_by("violation__occurred_at", "id")[: TIMELINE_KIND_LIMIT + 1]
    )
    involved = _involved_entities(user, [link.violation_id for link in links])
    return [
        TimelineItem(
            key=f"violation-{link.violation_id}",
            kind="violation",
            title=_("Violation %(reference)s") % {"reference": link.violation.reference},
            detail=" · ".join(
                part
                for part in (link.violation.category.name, link.violation.place_description)
                if part
            ),
            starts_at=link.violation.occurred_at,
            url=link.violation.get_absolute_url(),
            place=_point(link.violation.location),
            entities=involved.get(link.violation_id, ()),
        )
        for link in links
    ]


def _sightings(case: Case, user: User) -> list[TimelineItem]:
    """The case's entities met at violations the case does not hold (within reach)."""
    if not user.has_perm("cases.view_violation"):
        return []
    # Only the case's entities the reader may see carry their id to the chart.
    visible = (
        set(
            entity_scope_for_user(user=user)
            .filter(case_links__case=case)
            .values_list("pk", flat=True)
        )
        if user.has_perm("cases.view_entity")
        else set()
    )
    involvements = (
        ViolationEntity.objects.filter(
            entity__case_links__case=case,
            violation__in=violation_scope_for_user(user=user),
        )
        .exclude(violation__case_links__case=case)
        .select_related("entity", "violation")
        .order_by("violation__occurred_at", "id")[: TIMELINE_KIND_LIMIT + 1]
    )
    return [
        TimelineItem(
            key=f"sighting-{involvement.pk}",
            kind="sighting",
            title=_("%(entity)s seen") % {"entity": involvement.entity.label},
            detail=" · ".join(
                part
                for part in (
                    involvement.violation.reference,
                    str(involvement.get_role_display()),
                    involvement.violation.place_description,
                )
                if part
            ),
            starts_at=involvement.violation.occurred_at,
            url=involvement.violation.get_absolute_url(),
            place=_point(involvement.violation.location),
            entities=(involvement.entity_id,) if involvement.entity_id in visible else (),
        )
        for involvement in involvements
    ]


def _relation_label(relation: Relation) -> str:
    schema = schema_get(relation.kind)
    if schema is not None and schema.edge:
        return gettext_ftm(schema.edge_label or schema.label)
    return portal_link_label(relation.kind)


def _relations(case: Case, user: User) -> list[TimelineItem]:
    """Dated relations between two of the case's entities; a relation with a start and
    an end is a period, with one of them a moment."""
    if not user.has_perm("cases.view_entity"):
        return []
    members = case.entity_links.values("entity_id")
    scope = entity_scope_for_user(user=user)
    relations = (
        Relation.objects.filter(source__in=members, target__in=members)
        .filter(source__in=scope, target__in=scope)
        .filter(Q(valid_from__isnull=False) | Q(valid_to__isnull=False))
        .select_related("source", "target")
        .order_by("valid_from", "valid_to", "id")[: TIMELINE_KIND_LIMIT + 1]
    )
    items: list[TimelineItem] = []
    for relation in relations:
        start = relation.valid_from or relation.valid_to
        assert start is not None  # noqa: S101 (filtered above)
        end = relation.valid_to if relation.valid_from and relation.valid_to else None
        items.append(
            TimelineItem(
                key=f"relation-{relation.pk}",
                kind="relation",
                title=f"{relation.source.label} — {_relation_label(relation)} → "
                f"{relation.target.label}",
                detail=" · ".join(
                    part
                    for part in (
                        relation_amount_text(relation.properties),
                        _("until %(date)s") % {"date": relation.valid_to.isoformat()}
                        if relation.valid_to and not relation.valid_from
                        else "",
                    )
                    if part
                ),
                starts_at=day_start(start),
                ends_at=day_start(end) if end else None,
                url=relation.source.get_absolute_url(),
                all_day=True,
                entities=(relation.source_id, relation.target_id),
            )
        )
    return items


def _events(case: Case) -> list[TimelineItem]:
    return [
        TimelineItem(
            key=f"event-{event.pk}",
            kind="event",
            title=event.title,
            detail=event.place_description,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            place=_point(event.place),
        )
        for event in case.events.order_by("starts_at", "id")[: TIMELINE_KIND_LIMIT + 1]
    ]


def _notes(case: Case) -> list[TimelineItem]:
    notes = case.notes.select_related("author").order_by("created_at", "id")
    return [
        TimelineItem(
            key=f"note-{note.pk}",
            kind="note",
            title=_("Note"),
            detail=note.body[:300],
            starts_at=note.created_at,
        )
        for note in notes[: TIMELINE_KIND_LIMIT + 1]
    ]


def _documents(case: Case) -> list[TimelineItem]:
    from django.urls import reverse

    documents = case.documents.order_by("uploaded_at", "id")[: TIMELINE_KIND_LIMIT + 1]
    return [
        TimelineItem(
            key=f"document-{document.pk}",
            kind="document",
            title=document.original_name,
            detail=document.description,
            starts_at=document.uploaded_at,
            url=reverse(
                "investigations:case-document-download",
                kwargs={"pk": case.pk, "document_id": document.pk},
            ),
        )
        for document in documents
    ]


def _case_tasks(case: Case) -> list[TimelineItem]:
    tasks = case.tasks.filter(due_date__isnull=False).order_by("due_date", "id")
    return [
        TimelineItem(
            key=f"case_task-{task.pk}",
            kind="case_task",
            title=task.title,
            detail=_("done") if task.done else _("due"),
            starts_at=day_start(task.due_date),
            all_day=True,
        )
        for task in tasks[: TIMELINE_KIND_LIMIT + 1]
        if task.due_date is not None
    ]


def _requests(case: Case) -> list[TimelineItem]:
    """A request sent and due is a period from sending to the due date."""
    requests = case.assistance_requests.filter(
        Q(sent_on__isnull=False) | Q(due_on__isnull=False)
    ).order_by("sent_on", "due_on", "id")
    items: list[TimelineItem] = []
    for request in requests[: TIMELINE_KIND_LIMIT + 1]:
        start = request.sent_on or request.due_on
        assert start is not None  # noqa: S101 (filtered above)
        end = request.due_on if request.sent_on and request.due_on else None
        items.append(
            TimelineItem(
                key=f"request-{request.pk}",
                kind="request",
                title=_("Assistance request: %(agency)s") % {"agency": request.agency_label},
                detail=f"{request.get_direction_display()} · {request.get_status_display()}",
                starts_at=day_start(start),
                ends_at=day_start(end) if end else None,
                all_day=True,
            )
        )
    return items


def case_timeline(*, case: Case, user: User, kinds: list[str] | None = None) -> Timeline:
    """The dated items of ``case`` (reached through case_get_for_user) that ``user`` may
    see, oldest first (same moment: in TIMELINE_KINDS order); only ``kinds`` when given."""
    parts: dict[str, list[TimelineItem]] = {
        "violation": _violations(case, user),
        "sighting": _sightings(case, user),
        "event": _events(case),
        "relation": _relations(case, user),
        "request": _requests(case),
        "case_task": _case_tasks(case),
        "note": _notes(case),
        "document": _documents(case),
    }
    for app_config in apps.get_app_configs():
        hook = getattr(app_config, "case_timeline_items", None)
        if hook is not None:
            for item in hook(case, user, TIMELINE_KIND_LIMIT + 1):
                parts.setdefault(item.kind, []).append(item)
    items: list[TimelineItem] = []
    truncated: list[str] = []
    for kind, found in parts.items():
        if kinds and kind not in kinds:
            continue
        if len(found) > TIMELINE_KIND_LIMIT:
            truncated.append(kind)
        items.extend(found[:TIMELINE_KIND_LIMIT])
    items.sort(key=_sort_key)
    # An item names its page only for a reader that page lets in: an administrator
    # reads the case but opens no violation.
    items = [
        item if not item.url or url_allowed_for(user, item.url) else replace(item, url="")
        for item in items
    ]
    return Timeline(items=items, truncated=truncated)


@dataclass(frozen=True)
class AddressPoint:
    address: Entity
    longitude: float
    latitude: float
    # The address itself and the case's entities that name it or are related to it.
    entities: tuple[int, ...]


def _address_points(case: Case, user: User) -> list[AddressPoint]:
    """The case's addresses that carry coordinates (FtM Address latitude/longitude):
    address entities linked to the case, and those its entities name (addressEntity)
    or are related to."""
    if not user.has_perm("cases.view_entity"):
        return []
    scope = entity_scope_for_user(user=user)
    members = list(scope.filter(case_links__case=case)[:TIMELINE_KIND_LIMIT])
    naming: dict[str, list[int]] = {}
    for entity in members:
        for value in (entity.properties or {}).get("addressEntity", []):
            naming.setdefault(value, []).append(entity.pk)
    member_ids = [entity.pk for entity in members]
    related = list(
        Relation.objects.filter(
            Q(source_id__in=member_ids, target__kind="Address")
            | Q(target_id__in=member_ids, source__kind="Address")
        ).values_list("source_id", "target_id")[:TIMELINE_KIND_LIMIT]
    )
    linked: dict[int, list[int]] = {}
    for source_id, target_id in related:
        linked.setdefault(source_id, []).append(target_id)
        linked.setdefault(target_id, []).append(source_id)
    other_ids = {pk for pair in related for pk in pair} - set(member_ids)
    addresses = {entity.pk: entity for entity in members if entity.kind == "Address"}
    for entity in scope.filter(kind="Address").filter(
        Q(ftm_id__in=list(naming)[:TIMELINE_KIND_LIMIT]) | Q(pk__in=other_ids)
    )[:TIMELINE_KIND_LIMIT]:
        addresses[entity.pk] = entity
    visible = set(member_ids)
    points: list[AddressPoint] = []
    for address in sorted(addresses.values(), key=lambda entity: (entity.label, entity.pk)):
        props = address.properties or {}
        try:
            lat = float((props.get("latitude") or [""])[0])
            lon = float((props.get("longitude") or [""])[0])
        except ValueError:
            continue
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            # Only members (within reach) join the address: a relation's other end
            # outside the case is not named.
            around = [
                pk
                for pk in (*naming.get(address.ftm_id or "", []), *linked.get(address.pk, []))
                if pk in visible
            ]
            entities = tuple(dict.fromkeys([address.pk, *around]))
            points.append(AddressPoint(address, lon, lat, entities))
    return points


def _followable(user: User, url: str) -> str:
    return url if url_allowed_for(user, url) else ""


def case_places_geojson(*, case: Case, user: User) -> dict[str, Any]:
    """The case's places as a GeoJSON FeatureCollection: every timeline item with a
    place (violation sites, sightings, dispatch task places, event places), each with
    its timeline ``key`` and ``when``, and the case's addresses with coordinates (no
    ``when``: shown at every moment); ``entities`` names the entities (within reach) each
    place concerns."""
    features: list[dict[str, Any]] = []
    for item in case_timeline(case=case, user=user).items:
        if item.place is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": list(item.place)},
                "properties": {
                    "key": item.key,
                    "kind": item.kind,
                    "label": item.title,
                    "when": item.starts_at.isoformat(),
                    "until": item.ends_at.isoformat() if item.ends_at else None,
                    "url": item.url,
                    "entities": list(item.entities),
                },
            }
        )
    for point in _address_points(case, user):
        address = point.address
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [point.longitude, point.latitude]},
                "properties": {
                    "key": f"address-{address.pk}",
                    "kind": "address",
                    "label": address.label,
                    "when": None,
                    "until": None,
                    "url": _followable(user, address.get_absolute_url()),
                    "entities": list(point.entities),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


@dataclass(frozen=True)
class TimelineRow:
    """An item as the page draws it: where its moment or period falls on the bar of the
    case's whole time range (``offset`` and ``width`` in percent)."""

    item: TimelineItem
    offset: float
    width: float


@dataclass(frozen=True)
class TimelineDay:
    day: date
    rows: list[TimelineRow]


def timeline_days(items: list[TimelineItem]) -> list[TimelineDay]:
    """``items`` (oldest first) grouped by the day they start on, in the portal's time
    zone, each placed on the bar of the whole range."""
    if not items:
        return []
    first = min(item.starts_at for item in items)
    last = max(item.ends_at or item.starts_at for item in items)
    total = max((last - first).total_seconds(), 1.0)
    days: list[TimelineDay] = []
    for item in items:
        offset = (item.starts_at - first).total_seconds() / total * 100
        width = (
            ((item.ends_at - item.starts_at).total_seconds() / total * 100)
            if item.ends_at and item.is_period
            else 0.0
        )
        row = TimelineRow(item=item, offset=round(offset, 2), width=round(max(width, 0.0), 2))
        day = timezone.localtime(item.starts_at).date()
        if days and days[-1].day == day:
            days[-1].rows.append(row)
        else:
            days.append(TimelineDay(day=day, rows=[row]))
    return days
