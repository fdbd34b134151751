"""The violation map's pre-aggregated grid: it gives the live query's answer at every
zoom and for every filter it takes, the violation services keep it current, a rebuild
recounts the same rows, and an officer's map counts only what the officer may see."""

import random
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from cases.models import Violation, ViolationGridCell, ViolationGridMonth
from cases.models.map import MONTH_GRID_ZOOMS
from cases.selectors import map as map_selectors
from cases.selectors.map import MapData, violation_map_data, violation_map_for_user
from cases.selectors.violations import ViolationFilter, violation_list_for_user
from cases.services.map import violation_grid_rebuild
from cases.services.violations import violation_submit, violation_update, violation_verify
from portal.models import User
from tests.cases.support import MEDININKAI, draft_of, violation_input

MAP = reverse("api:violation-map")
COUNTRY = (20.9, 53.85, 26.9, 56.45)
EAST = (24.6, 54.2, 26.1, 55.05)  # Vilnius, Medininkai, Šalčininkai
ZOOMS = [2, 5, 7, 8, 10, 12, 14]
WEST, SOUTH, EAST_EDGE, NORTH = 20.95, 53.9, 26.8, 56.45


def _months_ago(months: int) -> date:
    """The first day of the month ``months`` before this one."""
    day = timezone.localdate().replace(day=1)
    for _ in range(months):
        day = (day - timedelta(days=1)).replace(day=1)
    return day


@pytest.fixture
def spread(officer, officer_b) -> list[Violation]:
    """Forty violations of units A and B over Lithuania and the last fourteen months,
    logged, edited, submitted and verified through the services (which keep the grid);
    some around Vilnius, one without a location."""
    rng = random.Random(20240601)
    now = timezone.now()
    violations = []
    for n in range(40):
        actor = officer if n % 3 else officer_b
        if n % 4 == 0:  # a cluster, so that cells hold several violations
            location = Point(rng.gauss(25.28, 0.05), rng.gauss(54.69, 0.03), srid=4326)
        else:
            location = Point(rng.uniform(WEST, EAST_EDGE), rng.uniform(SOUTH, NORTH), srid=4326)
        violations.append(
            draft_of(
                actor,
                category_code=("tobacco", "fuel", "alcohol")[n % 3],
                location=location,
                occurred_at=now - timedelta(days=rng.randint(0, 420), hours=rng.randint(0, 23)),
                outside_area_confirmed=True,
                details=None if n % 3 == 0 else {},
            )
        )
    for violation in violations[:12:3]:  # tobacco, complete: submitted, half verified
        violation_submit(actor=violation.reported_by, violation=violation)
    for violation in violations[:12:6]:
        violation_verify(
            actor=officer_b if violation.reported_by == officer else officer, violation=violation
        )
    # An edit that moves a violation to another place, month and category.
    moved = violations[1]
    violation_update(
        actor=moved.reported_by,
        violation=moved,
        data=violation_input(
            category_code="tobacco",
            location=Point(21.14, 55.70, srid=4326),
            occurred_at=now - timedelta(days=200),
            outside_area_confirmed=True,
        ),
    )
    violations.append(draft_of(officer, location=None))
    return violations


def _live(user: User, filters: ViolationFilter, bbox: Any, zoom: int) -> MapData:
    scoped = violation_list_for_user(user=user, filters=filters)
    return violation_map_data(violations=scoped, bbox=bbox, zoom=zoom)


def _assert_same(grid: MapData, live: MapData) -> None:
    assert (grid["mode"], grid["total"]) == (live["mode"], live["total"])
    assert [cell["count"] for cell in grid["cells"]] == [cell["count"] for cell in live["cells"]]
    for ours, theirs in zip(grid["cells"], live["cells"], strict=True):
        assert ours["lat"] == pytest.approx(theirs["lat"], abs=1e-9)
        assert ours["lon"] == pytest.approx(theirs["lon"], abs=1e-9)
    assert grid["points"] == live["points"]


@pytest.fixture
def cells_only(monkeypatch):
    """Cells at every zoom: with a handful of violations the map would show points."""
    monkeypatch.setattr(map_selectors, "POINTS_LIMIT", 0)


def _filters(name: str, unit_b: Any) -> ViolationFilter:
    this_month = timezone.localdate().replace(day=1)
    last_day_of_last_month = this_month - timedelta(days=1)
    return {
        "none": ViolationFilter(),
        "category": ViolationFilter(category="tobacco"),
        "status": ViolationFilter(status="draft"),
        "unit": ViolationFilter(unit=unit_b.pk),
        "category and status": ViolationFilter(category="tobacco", status="submitted"),
        "whole months": ViolationFilter(date_from=_months_ago(6), date_to=last_day_of_last_month),
        "part months": ViolationFilter(
            date_from=_months_ago(9) + timedelta(days=12), date_to=timezone.localdate()
        ),
        "from a day on": ViolationFilter(date_from=_months_ago(4) + timedelta(days=3)),
        "up to a day": ViolationFilter(date_to=_months_ago(2) + timedelta(days=20)),
        "category and dates": ViolationFilter(
            category="fuel", date_from=_months_ago(12) + timedelta(days=1)
        ),
    }[name]


@pytest.mark.parametrize(
    "name",
    [
        "none",
        "category",
        "status",
        "unit",
        "category and status",
        "whole months",
        "part months",
        "from a day on",
        "up to a day",
        "category and dates",
    ],
)
def test_the_grid_counts_what_the_live_query_counts(
    name, analyst, unit_b, spread, cells_only, monkeypatch
):
    filters = _filters(name, unit_b)
    expected = {
        (bbox, zoom): _live(analyst, filters, bbox, zoom)
        for bbox in (COUNTRY, EAST)
        for zoom in ZOOMS
    }
    assert expected[(COUNTRY, 7)]["total"] > 0

    dated = filters.date_from is not None or filters.date_to is not None
    for (bbox, zoom), live in expected.items():
        with monkeypatch.context() as patch:
            # Dates are kept by month up to zoom 10; above it a city is counted live.
            if not dated or zoom <= max(MONTH_GRID_ZOOMS):
                patch.setattr(map_selectors, "violation_map_data", _no_fallback)
            answer = violation_map_for_user(user=analyst, filters=filters, bbox=bbox, zoom=zoom)
        _assert_same(answer, live)


def _no_fallback(**kwargs: Any) -> MapData:
    """Stands in for the live count where the grid must answer on its own."""
    raise AssertionError("the grid did not answer")


def test_past_the_finest_stored_zoom_the_map_is_counted_live(analyst, spread, cells_only):
    for zoom in (16, 18):
        _assert_same(
            violation_map_for_user(user=analyst, filters=ViolationFilter(), bbox=EAST, zoom=zoom),
            _live(analyst, ViolationFilter(), EAST, zoom),
        )


@pytest.mark.parametrize(
    "filters",
    [
        ViolationFilter(text="lane"),
        ViolationFilter(status="draft", date_from=date(2020, 1, 1)),
    ],
    ids=["free text", "a date with a status"],
)
def test_what_the_grid_cannot_answer_is_counted_live(analyst, spread, cells_only, filters):
    _assert_same(
        violation_map_for_user(user=analyst, filters=filters, bbox=COUNTRY, zoom=7),
        _live(analyst, filters, COUNTRY, 7),
    )


def test_a_rebuild_recounts_the_rows_the_services_kept(spread):
    def rows() -> dict[str, dict[tuple[Any, ...], tuple[int, float, float]]]:
        return {
            model.__name__: {
                cell.pk: (cell.count, cell.sum_lon, cell.sum_lat) for cell in model.objects.all()
            }
            for model in (ViolationGridCell, ViolationGridMonth)
        }

    kept = rows()
    counts = violation_grid_rebuild()
    rebuilt = rows()

    for table, cells in kept.items():
        assert rebuilt[table].keys() == cells.keys()
        for key, (count, sum_lon, sum_lat) in cells.items():
            assert rebuilt[table][key] == (count, pytest.approx(sum_lon), pytest.approx(sum_lat))
    assert counts == {
        "cases_violation_grid": len(kept["ViolationGridCell"]),
        "cases_violation_grid_month": len(kept["ViolationGridMonth"]),
    }
    assert all(count > 0 for count, _lon, _lat in kept["ViolationGridCell"].values())


def _total(client: Any, **query: Any) -> int:
    response = client.get(MAP, {"bbox": ",".join(map(str, COUNTRY)), "zoom": 7, **query})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"mode", "total", "cells", "points"}
    return int(body["total"])


def test_logging_submitting_and_verifying_move_the_count(api_client_for, officer, analyst):
    client = api_client_for(analyst)
    assert _total(client) == 0

    violation = draft_of(officer)
    assert (_total(client), _total(client, status="draft")) == (1, 1)

    violation_submit(actor=officer, violation=violation)
    assert (_total(client, status="draft"), _total(client, status="submitted")) == (0, 1)

    violation_verify(actor=analyst, violation=violation)
    assert (_total(client, status="submitted"), _total(client, status="verified")) == (0, 1)
    # Emptied cells are dropped, not kept at zero.
    assert not ViolationGridCell.objects.filter(count=0).exists()
    assert set(ViolationGridCell.objects.values_list("status", flat=True)) == {"verified"}


def test_an_edit_moves_the_count_to_the_new_place_month_and_category(
    api_client_for, officer, analyst
):
    violation = draft_of(officer)
    klaipeda = Point(21.14, 55.70, srid=4326)
    violation_update(
        actor=officer,
        violation=violation,
        data=violation_input(
            category_code="fuel",
            details={},
            location=klaipeda,
            occurred_at=timezone.now() - timedelta(days=70),
        ),
    )

    client = api_client_for(analyst)
    body = client.get(MAP, {"bbox": ",".join(map(str, COUNTRY)), "zoom": 7}).json()
    assert [(cell["count"], cell["lat"], cell["lon"]) for cell in body["cells"]] == [
        (1, pytest.approx(55.70), pytest.approx(21.14))
    ]
    assert (_total(client, category="tobacco"), _total(client, category="fuel")) == (0, 1)
    this_month = {"date_from": timezone.localdate().replace(day=1).isoformat()}
    assert _total(client, **this_month) == 0
    month_rows = ViolationGridMonth.objects.filter(zoom=7)
    assert month_rows.aggregate(total=Sum("count"))["total"] == 1


def test_an_officer_map_counts_only_their_units_violations(
    api_client_for, officer, officer_b, analyst
):
    for _ in range(3):
        draft_of(officer)
    draft_of(officer_b, location=Point(25.30, 54.70, srid=4326))

    assert _total(api_client_for(officer)) == 3
    assert _total(api_client_for(officer_b)) == 1
    assert _total(api_client_for(analyst)) == 4
    # Asking for another unit's violations does not widen an officer's reach.
    assert _total(api_client_for(officer), unit=officer_b.org_unit_id) == 0


def test_an_officer_who_changed_units_still_sees_their_own_reports(
    officer, unit_b, spread, cells_only, monkeypatch
):
    officer.org_unit = unit_b  # the reports logged in unit A stay unit A's
    officer.save(update_fields=["org_unit"])
    officer = User.objects.get(pk=officer.pk)  # a fresh permission cache
    own_in_a = Violation.objects.filter(reported_by=officer, location__isnull=False).count()
    in_b = Violation.objects.filter(unit=unit_b, location__isnull=False).count()
    assert own_in_a > 0
    assert in_b > 0
    filter_sets = (ViolationFilter(), ViolationFilter(category="tobacco"))
    expected = {
        (filters, zoom): _live(officer, filters, COUNTRY, zoom)
        for filters in filter_sets
        for zoom in ZOOMS
    }
    assert expected[(ViolationFilter(), 7)]["total"] == own_in_a + in_b

    monkeypatch.setattr(map_selectors, "violation_map_data", _no_fallback)
    for (filters, zoom), live in expected.items():
        _assert_same(
            violation_map_for_user(user=officer, filters=filters, bbox=COUNTRY, zoom=zoom), live
        )


def test_zoomed_in_on_a_few_violations_the_map_sends_points(api_client_for, analyst, officer):
    violation = draft_of(officer)
    body = api_client_for(analyst).get(MAP, {"bbox": "25.6,54.5,25.7,54.6", "zoom": 15}).json()

    assert body["mode"] == "points"
    assert [(p["id"], p["lat"], p["lon"]) for p in body["points"]] == [
        (violation.pk, MEDININKAI.y, MEDININKAI.x)
    ]


def test_the_map_reads_a_few_rows_not_the_violations(
    analyst, spread, django_assert_max_num_queries
):
    analyst.has_perm("cases.view_violation")  # permissions cached, as in a request
    with django_assert_max_num_queries(1):
        violation_map_for_user(user=analyst, filters=ViolationFilter(), bbox=COUNTRY, zoom=7)
