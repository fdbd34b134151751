"""Reads of the entity registry and of a violation's involvements.

Reach: today every holder of ``cases.view_entity`` sees every entity of the registry.
The rule lives here, in entity_scope_for_user, so that restricted investigation cases
(need-to-know: the case team and administrators only) can narrow it later in one
place; every view and endpoint reads entities through these functions.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from cases.models import Entity, Violation, ViolationEntity
from portal.models import User

# A look-up while typing answers with at most this many entities.
ENTITY_SEARCH_LIMIT = 20


def entity_scope_for_user(*, user: User) -> QuerySet[Entity]:
    """The entities ``user`` may see; PermissionDenied without ``cases.view_entity``."""
    if not user.has_perm("cases.view_entity"):
        raise PermissionDenied
    return Entity.objects.all()


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
