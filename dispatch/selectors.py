"""Reads for dispatch: which tasks a person may see, recommended units for a task."""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.contrib.gis.geos import Point
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from dispatch.lifecycle import OPEN_STATUSES
from dispatch.models import MobileUnit, Task, TaskStatus
from portal.models import User


def task_list_for_user(
    *,
    user: User,
    open_only: bool = False,
    changed_since: datetime | None = None,
    unit: MobileUnit | None = None,
) -> QuerySet[Task]:
    """Tasks ``user`` may see: every unit's with ``view_all_tasks``, otherwise only those
    of the mobile unit of the user's own organisational unit (need to know)."""
    tasks = Task.objects.select_related("unit", "created_by", "violation")
    if not user.has_perm("dispatch.view_task"):
        return tasks.none()
    if not user.has_perm("dispatch.view_all_tasks"):
        if user.org_unit_id is None:
            return tasks.none()
        tasks = tasks.filter(unit__org_unit_id=user.org_unit_id)
    if open_only:
        tasks = tasks.filter(status__in={TaskStatus.NEW, *OPEN_STATUSES})
    if changed_since is not None:
        tasks = tasks.filter(updated_at__gt=changed_since)
    if unit is not None:
        tasks = tasks.filter(unit=unit)
    return tasks


def task_get_for_user(*, user: User, pk: int) -> Task:
    task = task_list_for_user(user=user).filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


def mobile_unit_of(user: User) -> MobileUnit | None:
    """The mobile unit an officer serves in (the one of their organisational unit)."""
    if user.org_unit_id is None:
        return None
    return MobileUnit.objects.filter(org_unit_id=user.org_unit_id).first()


@dataclass(frozen=True)
class Recommendation:
    unit: MobileUnit
    distance_m: float
    # Marks for the dispatcher: the unit is outside its shift's patrol zone, or has no
    # shift running now. Still recommended: the nearest unit may be the right one.
    off_zone: bool = False
    off_shift: bool = False


# A unit counts as inside its zone up to this far out: GPS accuracy near the boundary
# (the geofence alerts of dispatch/selectors_planning.py use the same figure).
ZONE_TOLERANCE_M = 50.0
# Candidates picked by the index per unit recommended (see units_recommended_for).
CANDIDATES_PER_RESULT = 4
# Metres per degree, a lower bound anywhere on the WGS 84 spheroid: a degree of latitude
# is at least 110,574 m, a degree of longitude at least 111,319 m times cos(latitude).
_METRES_PER_DEGREE_AT_LEAST = 110_000.0

# The KNN step (``<->`` on the partial GiST index unit_available_position_gist, whose
# predicate the WHERE clause repeats literally so that the planner can use it) picks
# the units nearest in degrees; the spheroid distance ranks them; the marks are computed
# for the returned rows only. ``farthest_degrees`` and ``candidate_count`` let the
# caller prove that no unit outside the candidates is nearer (see _exact).
RECOMMEND_SQL = """
WITH candidate AS (
    SELECT u.*, u.last_position <-> %(point)s::geometry AS degrees
    FROM dispatch_mobileunit u
    WHERE u.status = 'available' AND u.last_position IS NOT NULL
    ORDER BY u.last_position <-> %(point)s::geometry
    LIMIT %(candidates)s
), ranked AS (
    SELECT c.*,
           ST_Distance(c.last_position::geography, %(point)s::geometry::geography)
               AS distance_m,
           max(c.degrees) OVER () AS farthest_degrees,
           count(*) OVER () AS candidate_count
    FROM candidate c
    ORDER BY distance_m, c.call_sign
    LIMIT %(limit)s
)
SELECT r.*,
       shift.id IS NULL AS off_shift,
       (zone.id IS NOT NULL
        AND NOT ST_Covers(zone.area, r.last_position)
        AND NOT ST_DWithin(zone.area::geography, r.last_position::geography, %(tolerance)s))
           AS off_zone
FROM ranked r
LEFT JOIN LATERAL (
    SELECT s.id, s.zone_id FROM dispatch_shift s
    WHERE s.unit_id = r.id AND s.starts_at <= %(at)s AND s.ends_at > %(at)s
    ORDER BY s.starts_at DESC, s.id DESC
    LIMIT 1
) shift ON true
LEFT JOIN dispatch_patrolzone zone ON zone.id = shift.zone_id
ORDER BY r.distance_m, r.call_sign
"""


def recommendation_query(
    *, location: Point, limit: int, at: datetime, candidates: int
) -> tuple[str, dict[str, Any]]:
    """The SQL of one pass of units_recommended_for and its parameters (``location`` in
    SRID 4326), for the selector itself and for EXPLAIN in the tests and the bench."""
    return RECOMMEND_SQL, {
        "point": f"SRID=4326;POINT({location.x!r} {location.y!r})",
        "candidates": candidates,
        "limit": limit,
        "tolerance": ZONE_TOLERANCE_M,
        "at": at,
    }


def _metres_at_least(*, degrees: float, around: Point) -> float:
    """A lower bound of the spheroid distance from ``around`` to any point at least
    ``degrees`` from it in the longitude/latitude plane (what ``<->`` measures), or 0
    where the bound does not hold (near a pole or the antimeridian).

    Any path from ``around`` to such a point crosses the disc of that radius in the
    plane; inside it the latitude is at most |lat| + degrees, where a degree in any
    direction is at least 110,000 m times cos(latitude)."""
    highest = abs(around.y) + degrees
    if highest >= 90.0 or abs(around.x) + degrees >= 180.0:
        return 0.0
    return degrees * _METRES_PER_DEGREE_AT_LEAST * math.cos(math.radians(highest))


def _exact(rows: list[MobileUnit], *, candidates: int, limit: int, location: Point) -> bool:
    """Whether the ranked candidates are the true nearest ``limit`` units: either every
    available unit was a candidate, or each unit left out (at least as far in degrees
    as the farthest candidate) is provably farther in metres than the last one kept."""
    if not rows or getattr(rows[0], "candidate_count", 0) < candidates:
        return True
    farthest = float(getattr(rows[0], "farthest_degrees", 0.0))
    last_kept = float(getattr(rows[-1], "distance_m", math.inf))
    return last_kept < _metres_at_least(degrees=farthest, around=location)


def units_recommended_for(
    *, location: Point, limit: int = 10, at: datetime | None = None
) -> list[Recommendation]:
    """Available units with a known position, nearest first by distance on the spheroid
    (ties by call sign), at most ``limit``, each marked off shift (no shift of the unit
    running ``at``, default now) or off zone (on a shift with a patrol zone, more than
    ZONE_TOLERANCE_M outside it).

    Costs one indexed query (1.5 ms median at 10,000 units, bench/dispatch_nearest.py):
    the index finds the nearest ``4 * limit`` in degrees, which at Lithuanian latitudes
    are not always the nearest in metres (a degree east is 64 km, north 111 km). When
    the candidates cannot prove the order exact, the query runs again with four times
    as many, until they can or every available unit is a candidate."""
    if limit <= 0:
        return []
    point = location
    if location.srid not in (None, 4326):
        # A point transformed is a point (the stubs say GEOSGeometry).
        point = cast(Point, location.transform(4326, clone=True))
    when = at or timezone.now()
    candidates = limit * CANDIDATES_PER_RESULT
    while True:
        sql, params = recommendation_query(
            location=point, limit=limit, at=when, candidates=candidates
        )
        rows = list(MobileUnit.objects.raw(sql, params))
        if _exact(rows, candidates=candidates, limit=limit, location=point):
            break
        candidates *= 4
    return [
        Recommendation(
            unit=unit,
            distance_m=float(getattr(unit, "distance_m", 0.0)),
            off_zone=bool(getattr(unit, "off_zone", False)),
            off_shift=bool(getattr(unit, "off_shift", False)),
        )
        for unit in rows
    ]
