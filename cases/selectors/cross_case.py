"""Where else an entity appears: the cases of a dossier, the cross-case hits of an entity
and of a case, and whether a dossier needs a stated purpose.

Need-to-know throughout: cases are read through ``case_scope_for_user`` and violations
through ``violation_scope_for_user``; a restricted case the user may not open is named
only by its lead analyst ("a match exists in a restricted case; contact ...") through
``restricted_case_matches_for_user``, never by number, title or count of entities.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Q

from cases.models import Case, CaseEntity, Entity, EntityKind, ViolationEntity
from cases.selectors.entities import restricted_case_matches_for_user
from cases.selectors.investigations import case_scope_for_user
from cases.selectors.violations import violation_scope_for_user
from portal.models import User

# Dossiers of these kinds are personal data: opened outside one's own cases, they ask
# for the purpose first (the audit keeps it).
PURPOSE_KINDS = frozenset({EntityKind.PERSON.value, EntityKind.COMPANY.value})

# An identifier shared by more entities than this (a call-centre phone, a registered
# office address) says little; the hits stop at this many related entities.
RELATED_LIMIT = 200
# At most this many hits of each kind are listed.
HITS_LIMIT = 50


def entity_needs_purpose(*, user: User, entity: Entity) -> bool:
    """True when ``entity`` is a person or a company and ``user`` is on no case team
    (lead analyst or member) of a case that holds it; administrators included."""
    if entity.kind not in PURPOSE_KINDS:
        return False
    own = CaseEntity.objects.filter(entity=entity).filter(
        Q(case__lead_analyst=user) | Q(case__members__user=user)
    )
    return not own.exists()


@dataclass
class EntityCases:
    """The cases section of a dossier."""

    links: list[CaseEntity]
    restricted_leads: list[str]


def entity_cases_for_user(*, user: User, entity: Entity) -> EntityCases:
    """The cases ``user`` may open that hold ``entity`` (with why it was linked), and the
    lead analysts of the restricted ones ``user`` may not open."""
    links = list(
        CaseEntity.objects.filter(entity=entity, case__in=case_scope_for_user(user=user))
        .select_related("case", "case__lead_analyst")
        .order_by("-case__updated_at", "case_id")
    )
    leads = restricted_case_matches_for_user(user=user, entities=[entity.pk]).get(entity.pk, [])
    return EntityCases(links=links, restricted_leads=leads)


@dataclass
class Related:
    """An entity related to the one asked about, and how."""

    entity: Entity
    via: str  # "same", "merged" or "identifier"
    identifier: str = ""


@dataclass
class CaseHit:
    case: Case
    entity: Entity
    asked: Entity
    via: str
    identifier: str = ""
    # The linked violation the asked entity came from, when it is not the case's own.
    origin: str = ""


@dataclass
class ViolationHit:
    involvement: ViolationEntity
    asked: Entity
    via: str
    identifier: str = ""
    origin: str = ""


@dataclass
class CrossCaseHits:
    cases: list[CaseHit] = field(default_factory=list)
    violations: list[ViolationHit] = field(default_factory=list)
    restricted_leads: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.cases) + len(self.violations) + len(self.restricted_leads)

    @property
    def empty(self) -> bool:
        return not (self.cases or self.violations or self.restricted_leads)


def related_entities(*, entity: Entity) -> list[Related]:
    """``entity`` itself, the entities merged into it (and the one it was merged into),
    and the entities sharing one of its identifiers; at most RELATED_LIMIT."""
    related: dict[int, Related] = {entity.pk: Related(entity=entity, via="same")}
    merged = Entity.objects.filter(
        Q(merged_into=entity) | Q(pk=entity.merged_into_id or 0)
    ).exclude(pk=entity.pk)
    for other in merged[:RELATED_LIMIT]:
        related.setdefault(other.pk, Related(entity=other, via="merged"))
    if entity.identifiers:
        sharing = (
            Entity.objects.filter(identifiers__overlap=entity.identifiers)
            .exclude(pk__in=related.keys())
            .only("pk", "label", "kind", "identifiers", "key")[:RELATED_LIMIT]
        )
        mine = set(entity.identifiers)
        for other in sharing:
            shared = sorted(mine.intersection(other.identifiers))
            related.setdefault(
                other.pk,
                Related(entity=other, via="identifier", identifier=shared[0] if shared else ""),
            )
    return list(related.values())[:RELATED_LIMIT]


def cross_case_hits_for_user(
    *,
    user: User,
    entities: list[Entity],
    exclude_case: Case | None = None,
    include_same: bool = True,
    origins: Mapping[int, str] | None = None,
) -> CrossCaseHits:
    """Every case (other than ``exclude_case``) and violation within ``user``'s reach
    where one of ``entities``, an entity merged with it or one sharing an identifier with
    it appears; restricted cases out of reach only as the lead analysts to contact.
    ``include_same`` False leaves out the cases and violations of the asked entity
    itself (the dossier lists those in its own sections). ``origins`` names, by asked
    entity id, where an asked entity came from (a linked violation's reference); the
    hits carry it."""
    origins = origins or {}
    hits = CrossCaseHits()
    related: dict[int, tuple[Entity, Related]] = {}
    for asked in entities:
        for item in related_entities(entity=asked):
            related.setdefault(item.entity.pk, (asked, item))
    if not related:
        return hits
    ids = list(related)
    cases = case_scope_for_user(user=user) if user.has_perm("cases.view_case") else None
    if cases is not None:
        links = CaseEntity.objects.filter(entity_id__in=ids, case__in=cases).select_related(
            "case", "case__lead_analyst", "entity"
        )
        if exclude_case is not None:
            links = links.exclude(case=exclude_case)
        seen: set[tuple[int, int]] = set()
        for link in links.order_by("-case__updated_at", "case_id")[: HITS_LIMIT * 2]:
            asked, item = related[link.entity_id]
            if not include_same and item.via == "same":
                continue
            if (link.case_id, asked.pk) in seen:
                continue
            seen.add((link.case_id, asked.pk))
            hits.cases.append(
                CaseHit(
                    case=link.case,
                    entity=link.entity,
                    asked=asked,
                    via=item.via,
                    identifier=item.identifier,
                    origin=origins.get(asked.pk, ""),
                )
            )
        hits.cases = hits.cases[:HITS_LIMIT]
    if user.has_perm("cases.view_violation"):
        involvements = ViolationEntity.objects.filter(
            entity_id__in=ids, violation__in=violation_scope_for_user(user=user)
        ).select_related("violation", "violation__category", "entity")
        if exclude_case is not None:
            involvements = involvements.exclude(violation__case_links__case=exclude_case)
        for involvement in involvements.order_by("-violation__occurred_at")[:HITS_LIMIT]:
            asked, item = related[involvement.entity_id]
            if not include_same and item.via == "same":
                continue
            hits.violations.append(
                ViolationHit(
                    involvement=involvement,
                    asked=asked,
                    via=item.via,
                    identifier=item.identifier,
                    origin=origins.get(asked.pk, ""),
                )
            )
    names: list[str] = []
    asked_elsewhere = [i for i in ids if include_same or related[i][1].via != "same"]
    for found in restricted_case_matches_for_user(user=user, entities=asked_elsewhere).values():
        names.extend(name for name in found if name not in names)
    hits.restricted_leads = names
    return hits


def case_cross_case_hits_for_user(*, user: User, case: Case) -> CrossCaseHits:
    """The cross-case hits of ``case`` for ``user``: every other case and violation where
    the case's subjects appear, starting from the entities the case links and from the
    persons, companies, vehicles and other entities of the violations it links (those
    violations within ``user``'s reach only). The case's own violations are no hits."""
    asked: dict[int, Entity] = {
        link.entity_id: link.entity
        for link in CaseEntity.objects.filter(case=case).select_related("entity").order_by("id")
    }
    origins: dict[int, str] = {}
    if user.has_perm("cases.view_violation"):
        involvements = (
            ViolationEntity.objects.filter(
                violation__case_links__case=case,
                violation__in=violation_scope_for_user(user=user),
            )
            .select_related("entity", "violation")
            .order_by("violation__occurred_at", "id")
        )
        for involvement in involvements:
            entity = involvement.entity
            if entity.pk not in asked:
                asked[entity.pk] = entity
                origins[entity.pk] = involvement.violation.reference
    return cross_case_hits_for_user(
        user=user, entities=list(asked.values()), exclude_case=case, origins=origins
    )
