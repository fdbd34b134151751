"""Reads of violations, always through the user's reach.

Reach: users holding ``view_all_violations`` (dispatchers, analysts) see every
violation; other holders of ``view_violation`` (officers) see those of their own unit
and those they reported. Editing: the reporter until verification; a verifier
(analyst) until the violation is linked to a case.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.gis.geos import Polygon
from django.contrib.gis.measure import D
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import EntityKind, Violation, ViolationStatus
from portal.models import AuditAction, AuditRecord, User
from portal.selectors.users import own_unit_filter


def violation_scope_for_user(*, user: User) -> QuerySet[Violation]:
    if not user.has_perm("cases.view_violation"):
        raise PermissionDenied
    violations = Violation.objects.all()
    if user.has_perm("cases.view_all_violations"):
        return violations
    return violations.filter(own_unit_filter(user=user, field="unit_id") | Q(reported_by=user))


def violation_can_edit(*, user: User, violation: Violation) -> bool:
    if user.has_perm("cases.verify_violation") and user.has_perm("cases.change_violation"):
        return violation.status != ViolationStatus.LINKED
    return (
        user.has_perm("cases.change_violation")
        and violation.reported_by_id == user.pk
        and violation.is_editable_by_reporter
    )


def violation_get_for_user(*, user: User, pk: int, for_edit: bool = False) -> Violation:
    """The violation, or 404 when it is outside the user's reach, 403 when it is visible
    but the user may not change it (``for_edit``)."""
    violation = (
        violation_scope_for_user(user=user)
        .select_related("category", "unit", "reported_by", "verified_by", "crossing_point")
        .filter(pk=pk)
        .first()
    )
    if violation is None:
        raise Http404
    if for_edit and not violation_can_edit(user=user, violation=violation):
        raise PermissionDenied
    return violation


def violation_verify_problems(*, user: User, violation: Violation) -> dict[str, str]:
    """What stops ``user`` from verifying ``violation``, by field; empty when nothing
    does. The one rule of verification: only a submitted violation, and never by its own
    reporter. The verify service refuses with these messages; the page offers the button
    through violation_may_verify. (The permission itself is the caller's access rule.)"""
    if violation.status != ViolationStatus.SUBMITTED:
        return {"status": _("Only a submitted violation can be verified.")}
    if violation.reported_by_id == user.pk:
        return {"status": _("A violation is verified by someone other than its reporter.")}
    return {}


def violation_may_verify(*, user: User, violation: Violation) -> bool:
    """Whether the page offers ``user`` to verify ``violation``: a verifier, and nothing
    in violation_verify_problems stands in the way."""
    return user.has_perm("cases.verify_violation") and not violation_verify_problems(
        user=user, violation=violation
    )


HISTORY_LENGTH = 30


def violation_history(*, violation: Violation, limit: int = HISTORY_LENGTH) -> list[AuditRecord]:
    """The latest changes of ``violation`` from the audit trail, newest first; the
    consultations (views) are left out. The caller has reached the violation through
    violation_get_for_user."""
    return list(
        AuditRecord.objects.filter(object_type="cases.violation", object_id=str(violation.pk))
        .exclude(action=AuditAction.VIEW)
        .order_by("-id")[:limit]
    )


@dataclass(frozen=True)
class ViolationFilter:
    date_from: date | None = None
    date_to: date | None = None
    category: str = ""
    unit: int | None = None
    status: str = ""
    text: str = ""
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    reported_by_me: bool = False


SORTS = {
    "newest": ("-occurred_at", "-id"),
    "oldest": ("occurred_at", "id"),
    "reference": ("reference",),
    "category": ("category__sort_order", "-occurred_at"),
    "status": ("status", "-occurred_at"),
}


def violation_list_for_user(
    *, user: User, filters: ViolationFilter, sort: str = "newest"
) -> QuerySet[Violation]:
    violations = violation_scope_for_user(user=user)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        violations = violations.filter(
            occurred_at__gte=datetime.combine(filters.date_from, time.min, tz)
        )
    if filters.date_to:
        violations = violations.filter(
            occurred_at__lte=datetime.combine(filters.date_to, time.max, tz)
        )
    if filters.category:
        violations = violations.filter(category__code=filters.category)
    if filters.unit:
        violations = violations.filter(unit_id=filters.unit)
    if filters.status:
        violations = violations.filter(status=filters.status)
    if filters.reported_by_me:
        violations = violations.filter(reported_by=user)
    if filters.text:
        violations = violations.filter(
            Q(reference__icontains=filters.text)
            | Q(place_description__icontains=filters.text)
            | Q(narrative__icontains=filters.text)
        )
    if filters.bbox:
        violations = violations.filter(location__within=Polygon.from_bbox(filters.bbox))
    return violations.select_related("category", "unit", "reported_by").order_by(
        *SORTS.get(sort, SORTS["newest"])
    )


def violation_review_queue_for_user(*, user: User) -> QuerySet[Violation]:
    if not user.has_perm("cases.verify_violation"):
        raise PermissionDenied
    return (
        violation_scope_for_user(user=user)
        .filter(status=ViolationStatus.SUBMITTED)
        .select_related("category", "unit", "reported_by")
        .order_by("submitted_at", "id")
    )


DUPLICATE_RADIUS_KM = 5


IDENTIFYING_KINDS = (EntityKind.VEHICLE, EntityKind.PERSON, EntityKind.IDENTITY_DOCUMENT)


@dataclass(frozen=True)
class PossibleDuplicates:
    visible: list[Violation]
    # Matches outside the user's reach are counted, never shown: the user learns that
    # one exists and asks, without seeing another unit's entry.
    hidden_count: int


def violation_possible_duplicates(*, user: User, violation: Violation) -> PossibleDuplicates:
    if violation.location is None:
        return PossibleDuplicates([], 0)
    entity_ids = list(
        violation.involvements.filter(entity__kind__in=IDENTIFYING_KINDS).values_list(
            "entity_id", flat=True
        )
    )
    if not entity_ids:
        return PossibleDuplicates([], 0)
    day = timezone.localtime(violation.occurred_at).date()
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tz)
    matches = (
        Violation.objects.exclude(pk=violation.pk)
        .filter(
            involvements__entity_id__in=entity_ids,
            occurred_at__gte=start,
            occurred_at__lt=start + timedelta(days=1),
            location__distance_lte=(violation.location, D(km=DUPLICATE_RADIUS_KM)),
        )
        .distinct()
    )
    scope_ids = set(
        violation_scope_for_user(user=user)
        .filter(pk__in=matches.values("pk"))
        .values_list("pk", flat=True)
    )
    found = list(matches.select_related("category").order_by("occurred_at"))
    visible = [match for match in found if match.pk in scope_ids]
    return PossibleDuplicates(visible=visible, hidden_count=len(found) - len(visible))
