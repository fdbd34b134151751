"""Reads of violations, always through the user's reach.

Reach: users holding ``view_all_violations`` (dispatchers, analysts) see every
violation; other holders of ``view_violation`` (officers) see those of their own unit
and those they reported. Editing: the reporter until verification; a verifier
(analyst) until the violation is linked to a case.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypedDict, cast

from django.contrib.gis.geos import Polygon
from django.contrib.gis.measure import D
from django.core.exceptions import PermissionDenied
from django.db.models import (
    CharField,
    Count,
    DecimalField,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    EntityKind,
    Evidence,
    GoodsLine,
    Violation,
    ViolationEntity,
    ViolationStatus,
)
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


DUPLICATE_RADIUS_KM = 5


IDENTIFYING_KINDS = (EntityKind.VEHICLE, EntityKind.PERSON, EntityKind.IDENTITY_DOCUMENT)


class _CountOf(Subquery):
    """COUNT(*) of a correlated queryset, as an annotation: one sub-select per row
    instead of joins that would multiply goods lines by evidence files."""

    template = "(SELECT count(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()

    def __init__(self, queryset: QuerySet[Any]) -> None:
        super().__init__(queryset.order_by().values("pk"))


# What an analyst may put first in the review queue, as (field, descending).
REVIEW_SORTS: dict[str, tuple[str, ...]] = {
    "oldest": ("submitted_at", "id"),
    "value": ("-goods_value", "submitted_at", "id"),
    "goods": ("-goods_count", "submitted_at", "id"),
    "evidence": ("-evidence_count", "submitted_at", "id"),
    "duplicates": ("-duplicate_count", "submitted_at", "id"),
    "edits": ("-edits_in_review", "submitted_at", "id"),
}


def _local_day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _review_figures() -> dict[str, Any]:
    """Per violation of the queue: the estimated value of its goods, how many goods
    lines and evidence files it has, how many other violations are possible duplicates
    (the rule of ``violation_possible_duplicates``: a shared vehicle, person or identity
    document, the same day, within DUPLICATE_RADIUS_KM, whoever may see them), and how
    many changes were made to it after it was submitted (from the audit trail)."""
    identifying = ViolationEntity.objects.filter(
        violation_id=OuterRef(OuterRef("pk")), entity__kind__in=IDENTIFYING_KINDS
    ).values("entity_id")
    duplicates = (
        Violation.objects.exclude(pk=OuterRef("pk"))
        .filter(
            involvements__entity_id__in=Subquery(identifying),
            location__distance_lte=(OuterRef("location"), D(km=DUPLICATE_RADIUS_KM)),
        )
        .annotate(day=_local_day("occurred_at"))
        .filter(day=OuterRef("review_day"))
        .distinct()
    )
    edits = AuditRecord.objects.filter(
        object_type=Violation._meta.label_lower,
        object_id=Cast(OuterRef("pk"), CharField()),
        action=AuditAction.UPDATE,
        occurred_at__gt=OuterRef("submitted_at"),
    ).exclude(changes__has_key="status")
    value = (
        GoodsLine.objects.filter(violation_id=OuterRef("pk"))
        .order_by()
        .values("violation_id")
        .annotate(total=Sum("value_eur"))
        .values("total")
    )
    return {
        "goods_value": Coalesce(Subquery(value), Value(Decimal(0)), output_field=DecimalField()),
        "goods_count": _CountOf(GoodsLine.objects.filter(violation_id=OuterRef("pk"))),
        "evidence_count": _CountOf(Evidence.objects.filter(violation_id=OuterRef("pk"))),
        "duplicate_count": _CountOf(duplicates),
        "edits_in_review": _CountOf(edits),
    }


def violation_review_queue_for_user(*, user: User, sort: str = "oldest") -> QuerySet[Violation]:
    """Submitted violations waiting for verification, with the figures an analyst sorts
    them by (``REVIEW_SORTS``; oldest first by default). One query for a page of them."""
    if not user.has_perm("cases.verify_violation"):
        raise PermissionDenied
    return (
        violation_scope_for_user(user=user)
        .filter(status=ViolationStatus.SUBMITTED)
        .select_related("category", "unit", "reported_by")
        # The local day each one happened, for its possible duplicates.
        .annotate(review_day=_local_day("occurred_at"))
        .annotate(**_review_figures())
        .order_by(*REVIEW_SORTS.get(sort, REVIEW_SORTS["oldest"]))
    )


class ReviewSummary(TypedDict):
    waiting: int
    oldest_submitted_at: datetime | None
    with_value: int
    with_goods: int
    with_evidence: int
    with_duplicates: int
    edited_in_review: int


def violation_review_summary(*, user: User) -> ReviewSummary:
    """How many wait and how many of them have each thing an analyst sorts by: one
    query over the queue."""
    queue = violation_review_queue_for_user(user=user).order_by()
    return cast(
        ReviewSummary,
        queue.aggregate(
            waiting=Count("pk"),
            oldest_submitted_at=Min("submitted_at"),
            with_value=Count("pk", filter=Q(goods_value__gt=0)),
            with_goods=Count("pk", filter=Q(goods_count__gt=0)),
            with_evidence=Count("pk", filter=Q(evidence_count__gt=0)),
            with_duplicates=Count("pk", filter=Q(duplicate_count__gt=0)),
            edited_in_review=Count("pk", filter=Q(edits_in_review__gt=0)),
        ),
    )


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
