"""The recommended units for a task are the available ones with a known position, nearest
first by distance on the ground (not in degrees), each marked when it is off its shift
or outside its shift's patrol zone; the index does the finding."""

from datetime import datetime, timedelta

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.db import connection
from django.utils import timezone

from dispatch.models import MobileUnit, PatrolZone, Shift, UnitStatus
from dispatch.selectors.units import (
    CANDIDATES_PER_RESULT,
    recommendation_query,
    units_recommended_for,
)
from portal.models import OrgUnit, OrgUnitKind

pytestmark = pytest.mark.django_db

# The Medininkai border crossing; at 54.5° N a degree east is 64.6 km, a degree north 111 km.
TASK = Point(25.65, 54.54, srid=4326)
INDEX = "unit_available_position_gist"


def unit_at(
    call_sign: str,
    lon: float | None,
    lat: float | None,
    status: str = UnitStatus.AVAILABLE,
) -> MobileUnit:
    org_unit = OrgUnit.objects.create(
        code=f"test-{call_sign}", name=call_sign, kind=OrgUnitKind.MOBILE_UNIT
    )
    position = Point(lon, lat, srid=4326) if lon is not None and lat is not None else None
    return MobileUnit.objects.create(
        org_unit=org_unit, call_sign=call_sign, status=status, last_position=position
    )


def call_signs(location: Point = TASK, **kwargs) -> list[str]:
    return [r.unit.call_sign for r in units_recommended_for(location=location, **kwargs)]


def test_the_nearest_on_the_ground_comes_first_even_when_farther_in_degrees():
    unit_at("NORTH", TASK.x, TASK.y + 0.08)  # 0.08° = 8.9 km
    unit_at("EAST", TASK.x + 0.1, TASK.y)  # 0.1° = 6.5 km

    recommended = units_recommended_for(location=TASK)

    assert [r.unit.call_sign for r in recommended] == ["EAST", "NORTH"]
    assert recommended[0].distance_m == pytest.approx(6_460, rel=0.01)
    assert recommended[1].distance_m == pytest.approx(8_900, rel=0.01)


def test_a_unit_nearer_on_the_ground_is_found_beyond_the_first_candidates_in_degrees():
    # The index's first candidates (a few per unit asked for) are all north, nearer in
    # degrees; the east one is nearer in metres and must still win.
    for n in range(CANDIDATES_PER_RESULT):
        unit_at(f"NORTH-{n}", TASK.x, TASK.y + 0.080 + n * 0.001)
    unit_at("EAST", TASK.x + 0.1, TASK.y)

    assert call_signs(limit=1) == ["EAST"]
    assert call_signs(limit=2) == ["EAST", "NORTH-0"]


def test_only_available_units_with_a_position_are_recommended():
    unit_at("FREE", TASK.x + 0.2, TASK.y)
    unit_at("BUSY", TASK.x, TASK.y, status=UnitStatus.BUSY)
    unit_at("OFF", TASK.x, TASK.y, status=UnitStatus.OFF_DUTY)
    unit_at("BROKEN", TASK.x, TASK.y, status=UnitStatus.OUT_OF_SERVICE)
    unit_at("NOWHERE", None, None)

    assert call_signs() == ["FREE"]


def test_the_limit_keeps_the_nearest_and_equal_distances_go_by_call_sign():
    for n, call_sign in enumerate(["E5", "E4", "E3", "E2", "E1"]):
        unit_at(call_sign, TASK.x + 0.01 * (5 - n), TASK.y)
    unit_at("E0-TWIN", TASK.x + 0.01, TASK.y)  # as far as E1

    assert call_signs(limit=3) == ["E0-TWIN", "E1", "E2"]
    assert call_signs(limit=0) == []
    assert len(call_signs(limit=10)) == 6


def test_no_available_unit_means_no_recommendation():
    unit_at("BUSY", TASK.x, TASK.y, status=UnitStatus.BUSY)

    assert units_recommended_for(location=TASK) == []


def test_a_location_in_the_national_grid_is_measured_the_same():
    unit_at("EAST", TASK.x + 0.1, TASK.y)
    in_lks94 = TASK.transform(3346, clone=True)
    assert isinstance(in_lks94, Point)

    [recommended] = units_recommended_for(location=in_lks94)

    assert recommended.distance_m == pytest.approx(6_460, rel=0.01)


# --- Marks ------------------------------------------------------------------------------
# The zone: a box around the crossing, its east edge at 25.70° E.
ZONE = Polygon.from_bbox((25.60, 54.50, 25.70, 54.58))
ZONE.srid = 4326
EAST_EDGE = 25.70
METRE_EAST = 1 / 64_600  # degrees of longitude per metre at 54.5° N


@pytest.fixture
def now() -> datetime:
    return timezone.now()


@pytest.fixture
def zone() -> PatrolZone:
    return PatrolZone.objects.create(name="Medininkai", area=ZONE)


def shift_for(
    unit: MobileUnit, now: datetime, zone: PatrolZone | None, hours: tuple[int, int] = (-2, 6)
) -> Shift:
    return Shift.objects.create(
        unit=unit,
        starts_at=now + timedelta(hours=hours[0]),
        ends_at=now + timedelta(hours=hours[1]),
        zone=zone,
    )


def marks(at: datetime) -> dict[str, tuple[bool, bool]]:
    """call sign -> (off shift, off zone)"""
    return {
        r.unit.call_sign: (r.off_shift, r.off_zone)
        for r in units_recommended_for(location=TASK, at=at)
    }


def test_a_unit_on_shift_inside_its_zone_carries_no_mark(now, zone):
    shift_for(unit_at("INSIDE", 25.65, 54.54), now, zone)

    assert marks(now) == {"INSIDE": (False, False)}


def test_a_unit_on_shift_outside_its_zone_is_marked_off_zone(now, zone):
    shift_for(unit_at("OUTSIDE", EAST_EDGE + 1_000 * METRE_EAST, 54.54), now, zone)

    assert marks(now) == {"OUTSIDE": (False, True)}


def test_a_unit_just_past_the_zone_edge_counts_as_inside(now, zone):
    # GPS near the boundary: up to 50 m outside is still in the zone.
    shift_for(unit_at("EDGE-30M", EAST_EDGE + 30 * METRE_EAST, 54.54), now, zone)
    shift_for(unit_at("EDGE-80M", EAST_EDGE + 80 * METRE_EAST, 54.54), now, zone)

    assert marks(now) == {"EDGE-30M": (False, False), "EDGE-80M": (False, True)}


def test_a_unit_without_a_running_shift_is_marked_off_shift_and_not_off_zone(now, zone):
    shift_for(unit_at("ENDED", EAST_EDGE + 0.05, 54.54), now, zone, hours=(-10, -1))
    shift_for(unit_at("LATER", 25.65, 54.54), now, zone, hours=(1, 9))
    unit_at("NONE", 25.66, 54.54)

    assert marks(now) == {
        "ENDED": (True, False),
        "LATER": (True, False),
        "NONE": (True, False),
    }


def test_a_shift_without_a_zone_is_on_shift_anywhere(now):
    shift_for(unit_at("ROAMING", 24.0, 55.0), now, None)

    assert marks(now) == {"ROAMING": (False, False)}


def test_the_marks_are_taken_at_the_moment_asked_for(now, zone):
    unit = unit_at("OUTSIDE", EAST_EDGE + 0.05, 54.54)
    shift_for(unit, now, zone, hours=(-10, -1))  # ended an hour ago

    assert marks(now - timedelta(hours=5)) == {"OUTSIDE": (False, True)}
    assert marks(now) == {"OUTSIDE": (True, False)}
    assert marks(now - timedelta(hours=1)) == {"OUTSIDE": (True, False)}  # end excluded


def test_the_marks_cost_no_query_beyond_the_recommendation(now, zone, django_assert_num_queries):
    for n in range(12):
        shift_for(unit_at(f"U{n:02}", 25.60 + 0.02 * n, 54.54), now, zone)

    with django_assert_num_queries(1):
        recommended = units_recommended_for(location=TASK, at=now)
        assert [r.unit.last_position is not None for r in recommended] == [True] * 10


# --- The index --------------------------------------------------------------------------
def explain(sql: str, params: dict) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_nearest_units_are_found_through_the_partial_gist_index():
    # Enough units (a national service has hundreds; the bench 10,000) that the planner
    # chooses the index on its own, as it will in production.
    org_units = OrgUnit.objects.bulk_create(
        OrgUnit(code=f"bulk-{n}", name=f"Bulk {n}", kind=OrgUnitKind.MOBILE_UNIT)
        for n in range(3_000)
    )
    MobileUnit.objects.bulk_create(
        MobileUnit(
            org_unit=org_unit,
            call_sign=f"B{n:04}",
            status=UnitStatus.AVAILABLE if n % 10 < 7 else UnitStatus.BUSY,
            last_position=Point(21.0 + (n % 60) * 0.09, 54.0 + (n // 60) * 0.05, srid=4326),
        )
        for n, org_unit in enumerate(org_units)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dispatch_mobileunit")
    sql, params = recommendation_query(location=TASK, limit=10, at=timezone.now(), candidates=30)

    plan = explain(sql, params)

    assert f"Index Scan using {INDEX}" in plan
    assert "Order By: (last_position <-> " in plan
    assert call_signs(limit=10) == exact_call_signs(limit=10)


def exact_call_signs(*, limit: int) -> list[str]:
    """The plain answer: every available unit measured on the spheroid, no index."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT call_sign FROM dispatch_mobileunit"
            " WHERE status = 'available' AND last_position IS NOT NULL"
            " ORDER BY ST_Distance(last_position::geography, %s::geometry::geography),"
            " call_sign LIMIT %s",
            [TASK.ewkt, limit],
        )
        return [row[0] for row in cursor.fetchall()]
