"""Reads for dispatch: recommended units for a task."""

from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point

from dispatch.models import MobileUnit, UnitStatus


@dataclass(frozen=True)
class Recommendation:
    unit: MobileUnit
    distance_m: float


def units_recommended_for(*, location: Point, limit: int = 10) -> list[Recommendation]:
    """Available units with a known position, nearest first (distance on the spheroid)."""
    units = (
        MobileUnit.objects.filter(status=UnitStatus.AVAILABLE, last_position__isnull=False)
        .annotate(distance=Distance("last_position", location))
        .order_by("distance", "call_sign")[:limit]
    )
    return [Recommendation(unit=unit, distance_m=unit.distance.m) for unit in units]
