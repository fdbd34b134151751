"""Reads of the entity registry and of a violation's involvements.

Reach: every holder of ``cases.view_entity`` sees the registry, except the entities
that only restricted investigation cases they may not open hold (need-to-know: the
case team and administrators only). The rule lives here, in entity_scope_for_user, in
one place; every view and endpoint reads entities through these functions.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cases.models import CaseEntity, Entity, Violation, ViolationEntity
from cases.selectors.investigations import case_hidden_from_user
from portal.models import User

# A look-up while typing answers with at most this many entities.
ENTITY_SEARCH_LIMIT = 20


def entity_scope_for_user(*, user: User) -> QuerySet[Entity]:
    """The entities ``user`` may see; PermissionDenied without ``cases.view_entity``."""
    if not user.has_perm("cases.view_entity"):
        raise PermissionDenied
    # Need-to-know: an entity that only restricted cases hold (no violation involves it,
    # no case within reach links it) is out of reach of those outside their teams.
    if user.has_perm("cases.view_all_cases"):
        return Entity.objects.all()
    return Entity.objects.exclude(_held_only_by_hidden_cases(user))


def _held_only_by_hidden_cases(user: User) -> Q:
    """The need-to-know rule on an entity (``pk``): held by a restricted case ``user``
    may not open, by no case within reach and involved in no violation."""
    hidden = case_hidden_from_user(user=user)
    in_hidden = CaseEntity.objects.filter(entity=OuterRef("pk"), case__in=hidden)
    elsewhere = CaseEntity.objects.filter(entity=OuterRef("pk")).exclude(case__in=hidden)
    involved = ViolationEntity.objects.filter(entity=OuterRef("pk"))
    return Q(Exists(in_hidden) & ~Exists(elsewhere) & ~Exists(involved))


# The same rule as entity_scope_for_user, from the other side and in plain SQL: the
# entities that a restricted case the user may not open holds (neither lead nor team
# member: case_hidden_from_user), that no other case holds and that no violation
# involves. For the link analysis, which asks it on every request; building the ORM
# form costs more than running it. tests/cases/test_graph_queries.py checks that the
# two forms agree.
_HIDDEN_ENTITIES_SQL = """
WITH hidden_cases AS MATERIALIZED (
    SELECT c.id FROM cases_case c
    WHERE c.restricted AND c.lead_analyst_id IS DISTINCT FROM %(user)s
      AND NOT EXISTS (SELECT 1 FROM cases_casemember m
                      WHERE m.case_id = c.id AND m.user_id = %(user)s)
)
SELECT DISTINCT l.entity_id FROM cases_caseentity l
WHERE l.case_id IN (SELECT id FROM hidden_cases)
  AND NOT EXISTS (SELECT 1 FROM cases_caseentity o WHERE o.entity_id = l.entity_id
                  AND o.case_id NOT IN (SELECT id FROM hidden_cases))
  AND NOT EXISTS (SELECT 1 FROM cases_violationentity v WHERE v.entity_id = l.entity_id)
ORDER BY l.entity_id
LIMIT %(limit)s
"""


def entity_hidden_ids_for_user(*, user: User, limit: int) -> list[int]:
    """The ids of the entities out of ``user``'s reach (exactly those that
    entity_scope_for_user leaves out), at most ``limit`` of them; none for
    administrators. Usually few: a query over many relations (link analysis) leaves
    them out by a hashed look-up instead of testing the rule on every far end.
    PermissionDenied without ``cases.view_entity``."""
    if not user.has_perm("cases.view_entity"):
        raise PermissionDenied
    if user.has_perm("cases.view_all_cases"):
        return []
    with connection.cursor() as cursor:
        cursor.execute(_HIDDEN_ENTITIES_SQL, {"user": user.pk, "limit": limit})
        return [entity_id for (entity_id,) in cursor.fetchall()]


def entity_list_for_user(*, user: User, query: str, kind: str = "") -> QuerySet[Entity]:
    """The entities within ``user``'s reach whose label contains ``query`` or whose key
    contains it once spaces and punctuation are dropped ("abc-1" finds LT:ABC123), of
    ``kind`` when given; by label, at most ENTITY_SEARCH_LIMIT. Nothing for a query
    shorter than two characters."""
    entities = entity_scope_for_user(user=user)
    if kind:
        entities = entities.filter(kind=kind)
    query = query.strip()
    if len(query) < 2:
        return entities.none()
    compact = "".join(ch for ch in query.upper() if ch.isalnum())
    return entities.filter(Q(label__icontains=query) | Q(key__icontains=compact)).order_by("label")[
        :ENTITY_SEARCH_LIMIT
    ]


def entity_get_for_user(*, user: User, pk: int) -> Entity:
    """The entity, or 404 when it is outside ``user``'s reach (or does not exist)."""
    entity = entity_scope_for_user(user=user).filter(pk=pk).first()
    if entity is None:
        raise Http404
    return entity


def involvement_get(*, violation: Violation, pk: int) -> ViolationEntity:
    """The involvement (an entity's role) of ``violation`` (reached through
    violation_get_for_user), or 404."""
    involvement = (
        ViolationEntity.objects.select_related("entity", "violation")
        .filter(violation=violation, pk=pk)
        .first()
    )
    if involvement is None:
        raise Http404
    return involvement


def restricted_case_matches_for_user(
    *, user: User, entities: Iterable[int | Entity]
) -> dict[int, list[str]]:
    """For each of ``entities`` that also sits in a restricted case ``user`` may not open,
    the names of those cases' lead analysts to contact, and nothing else (no case number,
    no title): {entity id: [names]}. Entities in no such case are left out."""
    ids = [item.pk if isinstance(item, Entity) else int(item) for item in entities]
    if not ids:
        return {}
    links = (
        CaseEntity.objects.filter(entity_id__in=ids, case__in=case_hidden_from_user(user=user))
        .select_related("case__lead_analyst")
        .order_by("entity_id", "case__lead_analyst__last_name")
    )
    matches: dict[int, list[str]] = {}
    for link in links:
        lead = link.case.lead_analyst
        name = lead.get_full_name() or lead.get_username()
        names = matches.setdefault(link.entity_id, [])
        if name not in names:
            names.append(name)
    return matches


def restricted_case_matches_for_query(*, user: User, query: str) -> list[str]:
    """The lead analysts to contact where entities matching ``query`` (as the registry's
    search box matches it) sit in restricted cases ``user`` may not open; one name once."""
    query = query.strip()
    if len(query) < 2 or not user.has_perm("cases.view_entity"):
        return []
    compact = "".join(ch for ch in query.upper() if ch.isalnum())
    matching = Entity.objects.filter(
        Q(label__icontains=query) | Q(key__icontains=compact)
    ).values_list("pk", flat=True)[: ENTITY_SEARCH_LIMIT * 5]
    names: list[str] = []
    for found in restricted_case_matches_for_user(user=user, entities=list(matching)).values():
        names.extend(name for name in found if name not in names)
    return names
