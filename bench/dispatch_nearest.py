"""Benchmark: the nearest available units for a task among 10,000 mobile units.

    .venv/bin/python bench/dispatch_nearest.py            # database portal_bench_knn

Fills its own database (see bench/_dispatch.py) with ``--units`` mobile units spread over
Lithuania (clustered around cities and border crossings, the rest anywhere in the
country), about 70 % available, 1 % without a position; patrol zones on a grid over the
country; a running shift for 60 % of the units (80 % of those with a zone, the unit
outside it one time in seven) and two weeks of past shifts. Then it times
``dispatch.selectors.units_recommended_for`` (10 units, with the off-shift and off-zone
marks) for ``--locations`` random task locations, against baselines measured in the
same run on the same locations:

- the raw KNN query alone (ids of the 10 nearest available units by ``<->``), the
  floor of any index-assisted answer;
- a primary-key lookup through the ORM (the cost of one ORM round trip);
- the plain ORM way (annotate with Distance over every available unit, order, slice),
  on a sample; its answers also check that the selector's are exact.

Figures are printed and written to the Dispatch section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import shlex
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import _common
import _dispatch

DATABASE = "portal_bench_knn"
LITHUANIA_BBOX = (20.95, 53.9, 26.8, 56.45)  # west, south, east, north
# (name, lon, lat, spread in degrees of latitude)
CENTRES = [
    ("Vilnius", 25.28, 54.69, 0.06),
    ("Kaunas", 23.90, 54.90, 0.05),
    ("Klaipėda", 21.14, 55.70, 0.04),
    ("Šiauliai", 23.32, 55.93, 0.04),
    ("Panevėžys", 24.36, 55.73, 0.04),
    ("Alytus", 24.05, 54.40, 0.03),
    ("Marijampolė", 23.35, 54.56, 0.03),
    ("Medininkai", 25.65, 54.54, 0.02),
    ("Šalčininkai", 25.38, 54.30, 0.02),
    ("Kybartai", 22.76, 54.64, 0.02),
    ("Lavoriškės", 25.57, 54.72, 0.02),
    ("Panemunė", 21.99, 55.08, 0.02),
]
CLUSTERED_SHARE = 0.4
STATUS_SHARES = [("available", 70), ("busy", 15), ("off_duty", 10), ("out_of_service", 5)]
WITHOUT_POSITION_SHARE = 0.01
ON_SHIFT_SHARE = 0.6
WITH_ZONE_SHARE = 0.8
OUTSIDE_ZONE_SHARE = 1 / 7
PAST_DAYS = 14
ZONE_CELL = (0.4, 0.25)  # degrees of longitude, latitude: about 26 x 28 km
LIMIT = 10


def lithuania() -> Any:
    """The country's outline (reference data loaded by the migrations), prepared."""
    from portal.models import ReferenceArea

    area = ReferenceArea.objects.filter(code="lt").first()
    if area is None:
        raise SystemExit("reference area 'lt' missing: the migrations load it")
    return area.geometry.prepared


def random_point(rng: random.Random, country: Any) -> tuple[float, float]:
    from django.contrib.gis.geos import Point

    west, south, east, north = LITHUANIA_BBOX
    while True:
        if rng.random() < CLUSTERED_SHARE:
            _name, lon0, lat0, spread = rng.choice(CENTRES)
            lon, lat = rng.gauss(lon0, spread * 1.7), rng.gauss(lat0, spread)
        else:
            lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if country.contains(Point(lon, lat, srid=4326)):
            return lon, lat


def zone_cell(lon: float, lat: float) -> tuple[int, int]:
    west, south, _east, _north = LITHUANIA_BBOX
    return int((lon - west) // ZONE_CELL[0]), int((lat - south) // ZONE_CELL[1])


def load(*, units: int, seed: int, now: datetime) -> dict[str, int]:
    """Empty the dispatch tables and fill them; returns the counts for the report."""
    from django.contrib.gis.geos import Point, Polygon
    from django.db import connection, transaction

    from dispatch.models import MobileUnit, PatrolZone, Shift
    from portal.models import OrgUnit, OrgUnitKind

    rng = random.Random(seed)
    country = lithuania()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Its own database (main() made sure): every dispatch table, and the
            # organisational units of an earlier run.
            cursor.execute(
                "TRUNCATE dispatch_mobileunit, dispatch_patrolzone RESTART IDENTITY CASCADE"
            )
            cursor.execute("DELETE FROM portal_orgunit WHERE code LIKE %s", ["bench-knn-%"])

        # Patrol zones: the cells of a grid whose centre lies in Lithuania.
        west, south, east, north = LITHUANIA_BBOX
        zones: dict[tuple[int, int], PatrolZone] = {}
        columns = int((east - west) // ZONE_CELL[0]) + 1
        rows = int((north - south) // ZONE_CELL[1]) + 1
        for i in range(columns):
            for j in range(rows):
                x0, y0 = west + i * ZONE_CELL[0], south + j * ZONE_CELL[1]
                centre = Point(x0 + ZONE_CELL[0] / 2, y0 + ZONE_CELL[1] / 2, srid=4326)
                if country.contains(centre):
                    area = Polygon.from_bbox((x0, y0, x0 + ZONE_CELL[0], y0 + ZONE_CELL[1]))
                    area.srid = 4326
                    zones[(i, j)] = PatrolZone(name=f"Zone {i}-{j}", area=area)
        PatrolZone.objects.bulk_create(zones.values())
        zone_list = list(zones.values())

        org_units = OrgUnit.objects.bulk_create(
            (
                OrgUnit(
                    code=f"bench-knn-{n:05}",
                    name=f"Bench unit {n:05}",
                    kind=OrgUnitKind.MOBILE_UNIT,
                )
                for n in range(units)
            ),
            batch_size=2_000,
        )
        statuses = [s for s, _ in STATUS_SHARES]
        weights = [w for _, w in STATUS_SHARES]
        mobile_units = []
        positions: list[tuple[float, float] | None] = []
        for n, org_unit in enumerate(org_units):
            where = None if rng.random() < WITHOUT_POSITION_SHARE else random_point(rng, country)
            positions.append(where)
            mobile_units.append(
                MobileUnit(
                    org_unit=org_unit,
                    call_sign=f"MU-{n:05}",
                    status=rng.choices(statuses, weights)[0],
                    last_position=Point(*where, srid=4326) if where else None,
                    last_reported_at=now - timedelta(seconds=rng.randrange(600)) if where else None,
                )
            )
        MobileUnit.objects.bulk_create(mobile_units, batch_size=2_000)

        shifts = []
        for unit, where in zip(mobile_units, positions, strict=True):
            if rng.random() >= ON_SHIFT_SHARE:
                continue
            zone = None
            if rng.random() < WITH_ZONE_SHARE:
                own = zones.get(zone_cell(*where)) if where else None
                zone = own if own and rng.random() >= OUTSIDE_ZONE_SHARE else rng.choice(zone_list)
            starts = now - timedelta(minutes=rng.randrange(30, 450))
            shifts.append(
                Shift(unit=unit, starts_at=starts, ends_at=starts + timedelta(hours=8), zone=zone)
            )
        Shift.objects.bulk_create(shifts, batch_size=2_000)
        with connection.cursor() as cursor:
            # Two weeks of history for every unit on shift today: one 8-hour shift a day.
            cursor.execute(
                "INSERT INTO dispatch_shift (unit_id, starts_at, ends_at, zone_id, note,"
                " created_at)"
                " SELECT s.unit_id, s.starts_at - make_interval(days => d),"
                " s.ends_at - make_interval(days => d), s.zone_id, '', now()"
                " FROM dispatch_shift s, generate_series(1, %s) d",
                [PAST_DAYS],
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) dispatch_mobileunit, dispatch_shift, dispatch_patrolzone")
        cursor.execute(
            "SELECT count(*) FILTER (WHERE status = 'available' AND last_position IS NOT NULL),"
            " (SELECT count(*) FROM dispatch_shift) FROM dispatch_mobileunit"
        )
        available, shift_rows = cursor.fetchone()
    return {
        "units": units,
        "available": available,
        "zones": len(zone_list),
        "running_shifts": len(shifts),
        "shift_rows": shift_rows,
    }


def counts_now() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'available'"
            " AND last_position IS NOT NULL),"
            " (SELECT count(*) FROM dispatch_patrolzone),"
            " (SELECT count(*) FROM dispatch_shift WHERE starts_at <= now() AND ends_at > now()),"
            " (SELECT count(*) FROM dispatch_shift) FROM dispatch_mobileunit"
        )
        units, available, zones, running, shift_rows = cursor.fetchone()
    return {
        "units": units,
        "available": available,
        "zones": zones,
        "running_shifts": running,
        "shift_rows": shift_rows,
    }


def task_locations(count: int, seed: int) -> list[Any]:
    from django.contrib.gis.geos import Point

    rng = random.Random(seed + 1)
    country = lithuania()
    return [Point(*random_point(rng, country), srid=4326) for _ in range(count)]


def timed(fn: Any, arguments: list[Any], warmup: int) -> list[float]:
    for argument in arguments[:warmup]:
        fn(argument)
    samples = []
    for argument in arguments:
        started = time.perf_counter()
        fn(argument)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


KNN_SQL = (
    "SELECT id FROM dispatch_mobileunit"
    " WHERE status = 'available' AND last_position IS NOT NULL"
    " ORDER BY last_position <-> %s::geometry LIMIT %s"
)

EXACT_SQL = (
    "SELECT call_sign, ST_Distance(last_position::geography, %s::geometry::geography) AS d"
    " FROM dispatch_mobileunit WHERE status = 'available' AND last_position IS NOT NULL"
    " ORDER BY d, call_sign LIMIT %s"
)


def measure(locations: list[Any], *, warmup: int, plain_sample: int, seed: int) -> dict[str, Any]:
    from django.contrib.gis.db.models.functions import Distance
    from django.db import connection
    from django.utils import timezone

    from dispatch.models import MobileUnit, UnitStatus
    from dispatch.selectors.units import (
        CANDIDATES_PER_RESULT,
        recommendation_query,
        units_recommended_for,
    )

    at = timezone.now()
    passes: list[int] = []

    def count_queries(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        passes[-1] += 1
        return execute(sql, params, many, context)

    def recommend(location: Any) -> list[Any]:
        return units_recommended_for(location=location, limit=LIMIT, at=at)

    def recommend_counted(location: Any) -> list[Any]:
        passes.append(0)
        with connection.execute_wrapper(count_queries):
            return recommend(location)

    def knn(location: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute(KNN_SQL, [f"SRID=4326;POINT({location.x!r} {location.y!r})", LIMIT])
            cursor.fetchall()

    ids = list(MobileUnit.objects.values_list("pk", flat=True))
    rng = random.Random(seed + 2)
    pk_args = [rng.choice(ids) for _ in locations]

    def pk_lookup(pk: int) -> None:
        MobileUnit.objects.get(pk=pk)

    def plain(location: Any) -> list[tuple[str, float]]:
        rows = (
            MobileUnit.objects.filter(status=UnitStatus.AVAILABLE, last_position__isnull=False)
            .annotate(distance=Distance("last_position", location))
            .order_by("distance", "call_sign")[:LIMIT]
        )
        return [(unit.call_sign, unit.distance.m) for unit in rows]

    # Interleaved rounds, so that other work on the machine weighs on each alike.
    results: dict[str, list[float]] = {"selector": [], "knn": [], "pk": []}
    rounds = 4
    size = len(locations) // rounds
    for r in range(rounds):
        part = slice(r * size, (r + 1) * size)
        results["selector"] += timed(recommend, locations[part], warmup if r == 0 else 0)
        results["knn"] += timed(knn, locations[part], warmup if r == 0 else 0)
        results["pk"] += timed(pk_lookup, pk_args[part], warmup if r == 0 else 0)
    sample = locations[:plain_sample]
    results["plain"] = timed(plain, sample, 3)

    # Exactness: the selector's answers against every available unit measured on the
    # spheroid, in SQL, without the index. (The plain ORM way above measures on the
    # sphere, ST_DistanceSphere: up to 0.5 % off, enough to swap two units.)
    def brute_force(location: Any) -> list[tuple[str, float]]:
        with connection.cursor() as cursor:
            cursor.execute(EXACT_SQL, [location.ewkt, LIMIT])
            return [(call_sign, distance) for call_sign, distance in cursor.fetchall()]

    mismatches = 0
    for location in sample:
        mine = [(r.unit.call_sign, r.distance_m) for r in recommend(location)]
        theirs = brute_force(location)
        if [c for c, _ in mine] != [c for c, _ in theirs] or any(
            abs(a - b) > 0.001 for (_, a), (_, b) in zip(mine, theirs, strict=True)
        ):
            mismatches += 1
    # How often one pass of candidates was not enough, over every location.
    marks = {"off_shift": 0, "off_zone": 0, "returned": 0}
    for location in locations:
        for rec in recommend_counted(location):
            marks["returned"] += 1
            marks["off_shift"] += rec.off_shift
            marks["off_zone"] += rec.off_zone
    sql, params = recommendation_query(
        location=locations[0], limit=LIMIT, at=at, candidates=LIMIT * CANDIDATES_PER_RESULT
    )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return {
        "timings": {name: _dispatch.percentiles(samples) for name, samples in results.items()},
        "plain_sample": len(sample),
        "mismatches": mismatches,
        "second_pass": sum(1 for p in passes if p > 1),
        "max_passes": max(passes),
        "first_candidates": LIMIT * CANDIDATES_PER_RESULT,
        "marks": marks,
        "index_used": "unit_available_position_gist" in plan,
        "plan": plan,
    }


def report(
    *,
    command: str,
    label: str,
    data: dict[str, int],
    out: dict[str, Any],
    loads: tuple[str, str],
    locations: int,
) -> str:
    t = out["timings"]
    knn = t["knn"].median
    rows = [
        ("units_recommended_for (10 units, with marks)", t["selector"]),
        ("baseline: raw KNN query alone (10 ids by <->)", t["knn"]),
        ("baseline: primary-key lookup through the ORM", t["pk"]),
        (
            f"the plain ORM way (Distance, on the sphere, over every available unit), "
            f"{out['plain_sample']} locations",
            t["plain"],
        ),
    ]
    target = "yes" if t["selector"].p95 < 10 else "**no**"
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    marks = out["marks"]
    plan_note = (
        "Index Scan using unit_available_position_gist (the partial GiST index)"
        if out["index_used"]
        else "**the partial GiST index is not used**"
    )
    lines = [
        f"#### {now}{f' — {label}' if label else ''}",
        "",
        f"- command: `{command}`",
        f"- data: {data['units']:,} mobile units, {data['available']:,} available with a "
        f"position; {data['zones']} patrol zones; {data['running_shifts']:,} shifts running, "
        f"{data['shift_rows']:,} shift rows in all",
        f"- {locations:,} random task locations in Lithuania, each measured once per "
        "row below (in four interleaved rounds, after warm-up)",
        f"- machine: {_common.machine_and_database()}",
        f"- load average (1, 5, 15 min) before: {loads[0]}; after: {loads[1]} "
        "(the machine is shared with other work)",
        f"- p95 of units_recommended_for under 10 ms: {target}",
        f"- exact: the selector's answer equals every available unit measured on the "
        f"spheroid (SQL, no index) for "
        f"{out['plain_sample'] - out['mismatches']} of {out['plain_sample']} locations; "
        f"{out['second_pass']} of {locations:,} calls needed more candidates than the first "
        f"{out['first_candidates']} (at most {out['max_passes']} queries in one call)",
        f"- marks over all answers: {marks['off_shift']:,} off shift, {marks['off_zone']:,} "
        f"off zone of {marks['returned']:,} units recommended",
        f"- plan: {plan_note}",
        "",
        "| measurement | median ms | p95 ms | p99 ms | max ms | median / raw KNN |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for name, p in rows:
        lines.append(
            f"| {name} | {p.median:.2f} | {p.p95:.2f} | {p.p99:.2f} | {p.worst:.2f} "
            f"| {p.median / knn:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--locations", type=int, default=2_000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--plain-sample", type=int, default=200, help="locations for the plain way")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--database", default=DATABASE, help="a name containing 'bench'")
    parser.add_argument("--skip-load", action="store_true", help="measure the units loaded")
    parser.add_argument("--label", default="", help="a note for the report heading")
    parser.add_argument("--no-report", action="store_true", help="print only")
    args = parser.parse_args()

    _common.django_on(_dispatch.database_url(args.database))
    from django.utils import timezone

    if args.skip_load:
        data = counts_now()
    else:
        started = time.perf_counter()
        print(f"loading {args.units:,} units …", flush=True)
        data = load(units=args.units, seed=args.seed, now=timezone.now())
        print(f"loaded in {time.perf_counter() - started:.1f} s: {data}", flush=True)
    locations = task_locations(args.locations, args.seed)
    load_before = _common.load_average()
    out = measure(locations, warmup=args.warmup, plain_sample=args.plain_sample, seed=args.seed)
    load_after = _common.load_average()

    for name, p in out["timings"].items():
        print(f"{name:<9} {p.line()}")
    print(
        f"exact {out['plain_sample'] - out['mismatches']}/{out['plain_sample']}; "
        f"second pass {out['second_pass']}/{len(locations)}; marks {out['marks']}; "
        f"index used: {out['index_used']}; load average {load_before} -> {load_after}"
    )
    script = shlex.join(["bench/dispatch_nearest.py", *sys.argv[1:]])
    section = report(
        command=f".venv/bin/python {script}",
        label=args.label,
        data=data,
        out=out,
        loads=(load_before, load_after),
        locations=len(locations),
    )
    if out["mismatches"] or not out["index_used"]:
        print(out["plan"])
    if not args.no_report:
        _dispatch.write_section("bench/dispatch_nearest.py", section)


if __name__ == "__main__":
    main()
