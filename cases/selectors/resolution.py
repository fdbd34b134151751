"""Reads for entity resolution: the review queue of proposed matches and recent merges,
both narrowed to entities within the analyst's reach."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from cases.models import EntityMatch, EntityMerge, MatchStatus
from cases.selectors.entities import entity_scope_for_user
from portal.models import User


def _require_resolver(user: User) -> None:
    if not (user.has_perm("cases.view_entity") and user.has_perm("cases.change_entity")):
        raise PermissionDenied


def match_queue_for_user(*, user: User, kind: str = "") -> QuerySet[EntityMatch]:
    """Proposals waiting for the analyst, highest score first, of schema ``kind`` when
    given: those not judged yet, and those judged the same but not merged yet; both
    entities within ``user``'s reach and neither merged away."""
    _require_resolver(user)
    scope = entity_scope_for_user(user=user)
    matches = EntityMatch.objects.filter(
        status__in=[MatchStatus.PROPOSED, MatchStatus.SAME],
        left__in=scope,
        right__in=scope,
        left__merged_into__isnull=True,
        right__merged_into__isnull=True,
    )
    if kind:
        matches = matches.filter(left__kind=kind)
    return matches.select_related("left", "right", "decided_by").order_by("-score", "id")


def match_get_for_user(*, user: User, pk: int) -> EntityMatch:
    """A proposal (any status) whose two entities ``user`` may see, or 404."""
    _require_resolver(user)
    scope = entity_scope_for_user(user=user)
    match = (
        EntityMatch.objects.select_related("left", "right")
        .filter(pk=pk, left__in=scope, right__in=scope)
        .first()
    )
    if match is None:
        raise Http404
    return match


def merge_recent_for_user(*, user: User, limit: int = 20) -> list[EntityMerge]:
    """The latest merges between entities ``user`` may see, undone ones included."""
    _require_resolver(user)
    scope = entity_scope_for_user(user=user)
    return list(
        EntityMerge.objects.filter(kept__in=scope, absorbed__in=scope)
        .select_related("kept", "absorbed", "merged_by", "undone_by")
        .order_by("-merged_at")[:limit]
    )
