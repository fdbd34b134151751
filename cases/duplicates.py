"""Possible duplicates of a violation: another violation with the same vehicle or person
on the same day within a few kilometres. Shown before submit, never blocking."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.gis.measure import D
from django.utils import timezone

from cases.models import EntityKind, Violation
from cases.selectors import violation_scope_for_user
from portal.models import User

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
