"""Reads of mobile units: the unit a person serves in (the one 'own unit' predicate), lists
and pages, and the nearest available units for a task."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.models import (
    MobileUnit,
    Shift,
    Task,
    UnitDevice,
)
from dispatch.models.tasks import OPEN_STATUSES
from dispatch.models.units import unit_label
from dispatch.selectors.planning import sees_every_unit
from dispatch.selectors.tasks import task_list_for_user
from portal.models import OrgUnit, OrgUnitKind, User
from portal.roles import ROLE_LABELS
from portal.selectors.users import in_own_unit, own_unit_filter

RECENT_TASKS = 10


UPCOMING_SHIFTS = 5


class _CountOf(Subquery):
    """COUNT(*) of a correlated queryset, as an annotation: one sub-select per row
    instead of joins that would multiply members by devices."""

    template = "(SELECT count(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()

    def __init__(self, queryset: QuerySet[Any]) -> None:
        super().__init__(queryset.order_by().values("pk"))


def _shifts_visible(user: User) -> Q | bool:
    """Whose shifts ``user`` may see, as a condition on ``MobileUnit``: every unit's for
    the operations centre (``sees_every_unit``), only their own unit's for an officer,
    none without ``dispatch.view_shift`` (the same rule as the shift board)."""
    if not user.has_perm("dispatch.view_shift"):
        return False
    if sees_every_unit(user):
        return True
    if user.org_unit_id is None:
        return False
    return own_unit_filter(user=user, field="org_unit_id")


def unit_list_for_user(
    *, user: User, status: str = "", text: str = "", now: datetime | None = None
) -> QuerySet[MobileUnit]:
    """Every mobile unit for a user with ``view_mobileunit`` (none otherwise), with its
    organisational unit and active members counted; active devices counted
    (``devices_count``) for those who manage devices, None for everyone else; and the
    shift it is on ``now`` (``shift_starts``, ``shift_ends``, ``shift_zone``; None when
    off shift, or when the viewer may not see that unit's shifts: ``shift_visible``).
    A constant number of queries, whatever the number of units."""
    if not user.has_perm("dispatch.view_mobileunit"):
        return MobileUnit.objects.none()
    now = now or timezone.now()
    visible = _shifts_visible(user)
    current = Shift.objects.filter(
        unit=OuterRef("pk"), starts_at__lte=now, ends_at__gt=now
    ).order_by("-starts_at")
    if isinstance(visible, Q):
        current = current.filter(own_unit_filter(user=user, field="unit__org_unit_id"))
    shift_visible: Any = (
        ExpressionWrapper(visible, output_field=BooleanField())
        if isinstance(visible, Q)
        else Value(visible)
    )
    shift_fields: dict[str, Any] = {
        "shift_starts": Subquery(current.values("starts_at")[:1]),
        "shift_ends": Subquery(current.values("ends_at")[:1]),
        "shift_zone": Subquery(current.values("zone__name")[:1]),
    }
    if visible is False:
        shift_fields = {
            "shift_starts": Value(None, output_field=DateTimeField()),
            "shift_ends": Value(None, output_field=DateTimeField()),
            "shift_zone": Value(None, output_field=CharField()),
        }
    devices_count: Any = (
        _CountOf(UnitDevice.objects.filter(unit_id=OuterRef("pk"), revoked_at__isnull=True))
        if user.has_perm("dispatch.change_unitdevice")
        else Value(None, output_field=IntegerField())
    )
    units = (
        MobileUnit.objects.select_related("org_unit")
        .annotate(
            members_count=_CountOf(
                User.objects.filter(org_unit_id=OuterRef("org_unit_id"), is_active=True)
            ),
            devices_count=devices_count,
            shift_visible=shift_visible,
            **shift_fields,
        )
        .order_by("call_sign")
    )
    if status:
        units = units.filter(status=status)
    if text:
        units = units.filter(
            Q(call_sign__icontains=text)
            | Q(vehicle_plate__icontains=text)
            | Q(org_unit__name__icontains=text)
        )
    return units


def unit_get_for_user(*, user: User, pk: int) -> MobileUnit:
    """The unit ``pk`` for a viewer with ``view_mobileunit``; 404 otherwise (a unit's
    existence is no secret, but a person without the right learns nothing either)."""
    if not user.has_perm("dispatch.view_mobileunit"):
        raise Http404
    unit = MobileUnit.objects.select_related("org_unit").filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def unit_device_get(*, unit: MobileUnit, device_id: int) -> UnitDevice:
    """A device of ``unit``; 404 for another unit's device (a URL of one unit never
    acts on another's)."""
    device = UnitDevice.objects.filter(unit=unit, pk=device_id).first()
    if device is None:
        raise Http404
    return device


def org_units_for_new_mobile_unit() -> QuerySet[OrgUnit]:
    """Active organisational units of kind "mobile unit" that have no mobile unit yet."""
    return OrgUnit.objects.filter(
        kind=OrgUnitKind.MOBILE_UNIT, is_active=True, mobile_unit__isnull=True
    ).order_by("name")


def unit_open_tasks(*, unit: MobileUnit) -> QuerySet[Task]:
    """The unit's tasks that hold it (assigned up to on scene), oldest first."""
    return Task.objects.filter(unit=unit, status__in=OPEN_STATUSES).order_by("created_at")


@dataclass(frozen=True)
class Member:
    user: User
    roles: list[str]


@dataclass
class UnitPage:
    """What one viewer sees of one unit. ``None`` for a part the viewer may not see
    (the template leaves the section out); an empty list for "nothing there"."""

    unit: MobileUnit
    members_count: int
    members: list[Member] | None = None
    devices: list[UnitDevice] | None = None
    recent_tasks: list[Task] | None = None
    current_shift: Shift | None = None
    upcoming_shifts: list[Shift] | None = None
    show_last_position: bool = False
    open_task_count: int = 0


def _members(unit: MobileUnit) -> list[Member]:
    users = (
        User.objects.filter(org_unit_id=unit.org_unit_id, is_active=True)
        .prefetch_related("groups")
        .order_by("last_name", "first_name", "username")
    )
    labels = {str(role): str(label) for role, label in ROLE_LABELS.items()}
    members = []
    for member in users:
        names = sorted(group.name for group in member.groups.all())
        members.append(
            Member(user=member, roles=[labels[name] for name in names if name in labels])
        )
    return members


def unit_page_for_user(*, user: User, unit: MobileUnit, now: datetime | None = None) -> UnitPage:
    """The parts of the unit's page ``user`` may see:

    * members by name: people who may look up users (``portal.view_user``) and the
      unit's own officers; everyone else sees how many they are;
    * devices: those who manage them (``dispatch.change_unitdevice``);
    * recent tasks: through ``task_list_for_user`` (every unit's for the operations
      centre, only their own for officers);
    * shifts: every unit's for the operations centre, only their own unit's for an
      officer (``sees_every_unit``, as on the shift board);
    * the last position, report time and accuracy: ``dispatch.view_positionreport``.
    """
    now = now or timezone.now()
    own_unit = is_own_unit(user=user, unit=unit)
    page = UnitPage(
        unit=unit,
        members_count=User.objects.filter(org_unit_id=unit.org_unit_id, is_active=True).count(),
        show_last_position=user.has_perm("dispatch.view_positionreport"),
        open_task_count=unit_open_tasks(unit=unit).count(),
    )
    if user.has_perm("portal.view_user") or own_unit:
        page.members = _members(unit)
    if user.has_perm("dispatch.change_unitdevice"):
        page.devices = list(unit.devices.order_by("revoked_at", "-created_at"))
    if user.has_perm("dispatch.view_task"):
        page.recent_tasks = list(
            task_list_for_user(user=user, unit=unit).order_by("-created_at")[:RECENT_TASKS]
        )
    if user.has_perm("dispatch.view_shift") and (sees_every_unit(user) or own_unit):
        shifts = list(
            Shift.objects.select_related("zone")
            .filter(unit=unit, ends_at__gt=now)
            .order_by("starts_at")[: UPCOMING_SHIFTS + 1]
        )
        if shifts and shifts[0].starts_at <= now:
            page.current_shift = shifts.pop(0)
        page.upcoming_shifts = shifts[:UPCOMING_SHIFTS]
    return page


def is_own_unit(*, user: User, unit: MobileUnit | None) -> bool:
    """``unit`` is ``user``'s own mobile unit: the unit of their organisational unit
    (portal.selectors.users.in_own_unit, the one definition)."""
    return unit is not None and in_own_unit(user=user, org_unit_id=unit.org_unit_id)


def mobile_unit_of(user: User) -> MobileUnit | None:
    """The mobile unit an officer serves in (the one of their organisational unit)."""
    if user.org_unit_id is None:
        return None
    return (
        MobileUnit.objects.select_related("org_unit")
        .filter(own_unit_filter(user=user, field="org_unit_id"))
        .first()
    )


@dataclass(frozen=True)
class Recommendation:
    unit: MobileUnit
    distance_m: float
    # Marks for the dispatcher: the unit is outside its shift's patrol zone, or has no
    # shift running now. Still recommended: the nearest unit may be the right one.
    off_zone: bool = False
    off_shift: bool = False
    # The unit's one name (MobileUnit.label), read in the same query.
    label: str = ""


# A unit counts as inside its zone up to this far out: GPS accuracy near the boundary
# (the geofence alerts of dispatch/selectors/planning.py use the same figure).
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
       org.name AS org_unit_name,
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
JOIN portal_orgunit org ON org.id = r.org_unit_id
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
            label=unit_label(unit.call_sign, str(getattr(unit, "org_unit_name", ""))),
        )
        for unit in rows
    ]


def serves_in(user: User, unit: MobileUnit | None) -> bool:
    """``user`` is an officer of ``unit`` (the unit of their organisational unit)."""
    return (
        user.is_authenticated
        and is_own_unit(user=user, unit=unit)
        and user.has_perm("dispatch.serve_in_unit")
    )


def officer_unit_get(*, user: User) -> MobileUnit:
    """The unit ``user`` serves in, or a clear refusal."""
    unit = mobile_unit_of(user)
    if unit is None or not serves_in(user, unit):
        raise PermissionDenied(_("You do not serve in a mobile unit."))
    return unit


def units_by_ids(ids: set[int]) -> list[MobileUnit]:
    """The mobile units of ``ids`` in one query, in call-sign order; ids without a
    unit are left out (the caller names them)."""
    return list(
        MobileUnit.objects.filter(pk__in=ids).select_related("org_unit").order_by("call_sign")
    )


def unit_find(pk: int) -> MobileUnit | None:
    """The mobile unit ``pk``, or None (units are not secret: a task's form names any)."""
    return MobileUnit.objects.filter(pk=pk).first()


def org_unit_labels(*, org_unit_ids: Iterable[int]) -> dict[int, str]:
    """The one name of each organisational unit that is a mobile unit, by the
    organisational unit's id: "MED-1 · Medininkai" (MobileUnit.label). One query."""
    rows = MobileUnit.objects.filter(org_unit_id__in=list(org_unit_ids)).values_list(
        "org_unit_id", "call_sign", "org_unit__name"
    )
    return {org_unit_id: unit_label(call_sign, name) for org_unit_id, call_sign, name in rows}
