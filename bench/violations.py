"""Benchmark: the violations list and map at national scale.

    DATABASE_URL=postgis://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/violations.py --rows 1000000

Loads ``--rows`` generated violations with psycopg 3 COPY (staged in a temporary table,
then merged into cases_violation in one INSERT ... SELECT), runs ANALYZE, then measures
the server time of real requests through Django's test client (the whole middleware
stack, signed in as an analyst with the second factor given, or as an officer):

- the HTML list /violations/ with a category and one-year filter, first page;
- the API list /api/v1/violations/?category=tobacco, first page;
- the map endpoint at a country-wide, a city-wide and a street-level viewport.

Each is compared with a baseline measured in the same run: the bare SQL that any
implementation has to run (the 50-row page query for the lists; for the map the plain
live aggregate, ST_SnapToGrid over the viewport, which is what the map cost before the
pre-aggregated grid). Figures are printed and appended to docs/benchmarks.md.

The script empties cases_violation first, so it refuses a database whose name does not
contain "bench".
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import shlex
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import _common

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
os.environ.setdefault("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/portal_bench")

# --- Generated data ---------------------------------------------------------------------
# (name, lat, lon, spread in degrees, share of the clustered violations)
CENTRES = [
    ("Medininkai", 54.54, 25.65, 0.02, 0.22),
    ("Vilnius", 54.69, 25.28, 0.06, 0.20),
    ("Kaunas", 54.90, 23.90, 0.06, 0.16),
    ("Klaipėda", 55.70, 21.14, 0.05, 0.14),
    ("Šalčininkai", 54.30, 25.38, 0.02, 0.14),
    ("Kybartai", 54.64, 22.76, 0.02, 0.14),
]
CLUSTERED_SHARE = 0.6
LITHUANIA = (20.95, 53.9, 26.8, 56.45)  # west, south, east, north
# Rough shares of the categories in a year of a land-border customs service.
CATEGORY_WEIGHTS = {
    "tobacco": 35,
    "fuel": 12,
    "alcohol": 10,
    "counterfeit_ipr": 8,
    "internet_parcels": 8,
    "narcotic_drugs": 6,
    "sanctions": 6,
    "bulk_cash": 4,
    "false_documents": 4,
    "psychoactive_precursors": 2,
    "other": 2,
    "cultural_goods": 1,
    "cites": 1,
    "weapons_dual_use": 1,
}
OFFICERS_PER_UNIT = 40  # "a few hundred officers" (DESIGN.md)
EXTRA_UNITS = ["north", "west"]  # mobile units without a fixed post: the uniform rest
NARRATIVES = [
    "Vehicle selected by risk profile; X-ray showed anomalies in the {part}; "
    "goods found concealed and detained, driver interviewed on site.",
    "Routine check of a {part}; the declared goods did not match the cargo; "
    "samples taken, photographs attached, goods seized pending examination.",
    "Dog indicated the {part}; hidden compartment opened with the driver present; "
    "goods counted and sealed, report sent to the duty officer.",
]
PARTS = ["trailer floor", "fuel tank", "spare wheel", "roof lining", "door panels", "pallets"]
YEARS = 3

BENCH_ANALYST = "bench-analyst"
BENCH_OFFICER = "bench-officer-vilnius-0"


def _database_name() -> str:
    return urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/")


@dataclass
class Fixtures:
    category_ids: dict[str, int]
    unit_ids: dict[str, int]  # centre name (or extra unit) -> id
    officer_ids: dict[int, list[int]]  # unit id -> officer ids
    analyst_id: int
    officer_id: int


def fixtures_ensure() -> Fixtures:
    """The units, officers and analyst the generated violations belong to."""
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cases.models import ViolationCategory
    from portal.models import OrgUnit, OrgUnitKind, User

    officer_group = Group.objects.get(name="officer")
    analyst_group = Group.objects.get(name="analyst")
    unit_ids: dict[str, int] = {}
    officer_ids: dict[int, list[int]] = {}
    for name in [c[0] for c in CENTRES] + EXTRA_UNITS:
        slug = name.lower().replace("ė", "e").replace("š", "s").replace("č", "c")
        unit, _ = OrgUnit.objects.get_or_create(
            code=f"bench-{slug}",
            defaults={"name": f"Bench mobile unit {name}", "kind": OrgUnitKind.MOBILE_UNIT},
        )
        unit_ids[name] = unit.pk
        officer_ids[unit.pk] = []
        for n in range(OFFICERS_PER_UNIT):
            user, created = User.objects.get_or_create(
                username=f"bench-officer-{slug}-{n}", defaults={"org_unit": unit}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                user.groups.add(officer_group)
            officer_ids[unit.pk].append(user.pk)
    analyst, created = User.objects.get_or_create(username=BENCH_ANALYST)
    if created:
        analyst.set_unusable_password()
        analyst.save(update_fields=["password"])
        analyst.groups.add(analyst_group)
    if not TOTPDevice.objects.filter(user=analyst, confirmed=True).exists():
        TOTPDevice.objects.create(user=analyst, name="bench", confirmed=True)
    categories = dict(ViolationCategory.objects.values_list("code", "pk"))
    missing = set(CATEGORY_WEIGHTS) - set(categories)
    if missing:
        raise SystemExit(f"categories missing (migrate first?): {sorted(missing)}")
    officer = User.objects.get(username=BENCH_OFFICER)
    return Fixtures(categories, unit_ids, officer_ids, analyst.pk, officer.pk)


# --- Loading ----------------------------------------------------------------------------
STAGE_COLUMNS = [
    "reference",
    "client_key",
    "status",
    "occurred_at",
    "reported_by_id",
    "unit_id",
    "lon",
    "lat",
    "location_accuracy_m",
    "location_source",
    "place_description",
    "category_id",
    "narrative",
    "created_at",
    "submitted_at",
    "verified_at",
    "verified_by_id",
]


def _status_for(age: timedelta, rng: random.Random) -> str:
    # Old entries have been reviewed; the last weeks are still being written and checked.
    r = rng.random()
    if age > timedelta(days=60):
        return (
            "verified"
            if r < 0.70
            else "linked"
            if r < 0.90
            else "submitted"
            if r < 0.98
            else "draft"
        )
    return "draft" if r < 0.30 else "submitted" if r < 0.70 else "verified"


def generate_lines(rows: int, fx: Fixtures, now: datetime, seed: int) -> Iterator[str]:
    """COPY text lines for the staging table (no tabs, newlines or backslashes inside)."""
    rng = random.Random(seed)
    codes = list(CATEGORY_WEIGHTS)
    weights = list(CATEGORY_WEIGHTS.values())
    centre_weights = [c[4] for c in CENTRES]
    all_units = list(fx.unit_ids.values())
    span = YEARS * 365 * 86400
    verifier = fx.analyst_id
    west, south, east, north = LITHUANIA
    for i in range(1, rows + 1):
        occurred = now - timedelta(seconds=rng.randrange(span))
        if rng.random() < CLUSTERED_SHARE:
            name, lat0, lon0, spread, _share = rng.choices(CENTRES, centre_weights)[0]
            lat, lon = rng.gauss(lat0, spread), rng.gauss(lon0, spread * 1.6)
            # Mostly the post's own unit; sometimes a roving unit helping out.
            unit = fx.unit_ids[name] if rng.random() < 0.85 else rng.choice(all_units)
            place = f"{name}, lane {rng.randint(1, 8)}"
        else:
            lat, lon = rng.uniform(south, north), rng.uniform(west, east)
            unit = rng.choice(all_units)
            place = f"Road check km {rng.randint(1, 250)}"
        status = _status_for(now - occurred, rng)
        submitted = occurred + timedelta(hours=2) if status != "draft" else None
        verified = occurred + timedelta(days=3) if status in ("verified", "linked") else None
        fields = [
            f"V-{occurred.year}-{i:07d}",
            str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            status,
            occurred.isoformat(),
            str(rng.choice(fx.officer_ids[unit])),
            str(unit),
            f"{lon:.6f}",
            f"{lat:.6f}",
            str(rng.choice((5, 8, 10, 15, 30))),
            "gps",
            place,
            str(fx.category_ids[rng.choices(codes, weights)[0]]),
            rng.choice(NARRATIVES).format(part=rng.choice(PARTS)),
            (occurred + timedelta(minutes=20)).isoformat(),
            submitted.isoformat() if submitted else "\\N",
            verified.isoformat() if verified else "\\N",
            str(verifier) if verified else "\\N",
        ]
        yield "\t".join(fields) + "\n"


@dataclass
class LoadResult:
    rows: int
    generate_s: float
    copy_s: float
    merge_s: float
    index_s: float
    analyze_s: float
    grid_s: float
    grid_rows: dict[str, int]


def _secondary_indexes(cursor: Any) -> list[tuple[str, str]]:
    """(name, definition) of cases_violation's indexes that back no constraint."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i"
        " WHERE i.tablename = 'cases_violation' AND NOT EXISTS ("
        "  SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
    )
    return list(cursor.fetchall())


def load(rows: int, fx: Fixtures, seed: int) -> LoadResult:
    from django.db import connection, transaction

    from cases.services.map import violation_grid_rebuild

    now = datetime.now(UTC).replace(microsecond=0)
    started = time.perf_counter()
    lines = list(generate_lines(rows, fx, now, seed))
    generate_s = time.perf_counter() - started

    with transaction.atomic(), connection.cursor() as cursor:
        # Only this table and what hangs off it (goods, evidence, involvements, tasks):
        # main() has made sure that this is a bench database.
        cursor.execute(
            "TRUNCATE cases_violation, cases_violation_grid, cases_violation_grid_month"
            " RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            "CREATE TEMP TABLE violation_stage ("
            " reference text, client_key uuid, status text, occurred_at timestamptz,"
            " reported_by_id bigint, unit_id bigint, lon float8, lat float8,"
            " location_accuracy_m int, location_source text, place_description text,"
            " category_id bigint, narrative text, created_at timestamptz,"
            " submitted_at timestamptz, verified_at timestamptz, verified_by_id bigint"
            ") ON COMMIT DROP"
        )
        started = time.perf_counter()
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        with raw.copy(f"COPY violation_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
            chunk = 20_000
            for offset in range(0, len(lines), chunk):
                copy.write("".join(lines[offset : offset + chunk]))
        copy_s = time.perf_counter() - started

        # Into an empty table, building the indexes once afterwards is several times
        # faster than updating them row by row (the unique ones stay: they check).
        indexes = _secondary_indexes(cursor)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        cursor.execute(
            "INSERT INTO cases_violation ("
            " reference, client_key, status, occurred_at, reported_by_id, unit_id, location,"
            " location_accuracy_m, location_source, place_description, category_id,"
            " details, narrative, outside_area_confirmed, created_at, updated_at,"
            " submitted_at, verified_at, verified_by_id)"
            " SELECT reference, client_key, status, occurred_at, reported_by_id, unit_id,"
            " ST_SetSRID(ST_MakePoint(lon, lat), 4326), location_accuracy_m,"
            " location_source, place_description, category_id, '{}'::jsonb, narrative,"
            " false, created_at, created_at, submitted_at, verified_at, verified_by_id"
            " FROM violation_stage ORDER BY occurred_at"
        )
        # The foreign keys are checked now rather than at commit: an index cannot be
        # built while their checks are pending, and they are part of the merge.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Later references from the service continue after the generated ones.
        cursor.execute("SELECT setval('cases_violation_reference_seq', %s)", [rows + 1])
        merge_s = time.perf_counter() - started
        started = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        index_s = time.perf_counter() - started
    del lines

    # What autovacuum does soon after a bulk insert: statistics, and the visibility map
    # that lets counts and index-only scans skip the heap.
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) cases_violation")
    analyze_s = time.perf_counter() - started
    # COPY bypasses the services, which keep the map grid: recount it, as after an import.
    started = time.perf_counter()
    grid_rows = violation_grid_rebuild()
    grid_s = time.perf_counter() - started
    # Measure the steady state, not the tail of the load: autovacuum's work on the new
    # grid rows and the write-back of a gigabyte of fresh pages done before timing.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) cases_violation_grid, cases_violation_grid_month")
        cursor.execute("CHECKPOINT")
    return LoadResult(rows, generate_s, copy_s, merge_s, index_s, analyze_s, grid_s, grid_rows)


# --- Measuring --------------------------------------------------------------------------
@dataclass
class Timing:
    median_ms: float
    p95_ms: float


def _time(fn: Callable[[], Any], *, runs: int, warmup: int) -> Timing:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[max(0, math.ceil(0.95 * len(samples)) - 1)]
    return Timing(statistics.median(samples), p95)


def _html_note(response: Any) -> str:
    """The list's count line, e.g. "117,000 violations" or "more than 10,000 violations"."""
    text = response.content.decode()
    found = re.search(r'<p class="muted"[^>]*>\s*([^<]*?violations?)\s*</p>', text)
    rows = text.count("<tr>") - 1
    return f"{' '.join(found.group(1).split()) if found else '?'}; {rows} rows"


@dataclass
class Scenario:
    label: str
    url: str
    persona: str  # "analyst" or "officer"
    baseline_label: str
    baseline_sql: Callable[[], tuple[str, list[Any]]]
    check: Callable[[Any], str] = _html_note  # describes the response for the report


@dataclass
class Result:
    scenario: Scenario
    page: Timing
    sql: Timing
    queries: int
    note: str

    @property
    def ratio(self) -> float:
        return self.page.median_ms / self.sql.median_ms if self.sql.median_ms else float("nan")


Bbox = tuple[float, float, float, float]
COUNTRY: Bbox = (20.9, 53.85, 26.9, 56.45)
CITY: Bbox = (25.15, 54.62, 25.40, 54.75)
STREET: Bbox = (25.275, 54.6865, 25.290, 54.6935)  # Vilnius old town
CROSSING: Bbox = (25.60, 54.52, 25.70, 54.56)  # the Medininkai checkpoint


def _scoped(user_id: int, filters: dict[str, Any]) -> Any:
    from cases.selectors.violations import ViolationFilter, violation_list_for_user
    from portal.models import User

    user = User.objects.get(pk=user_id)
    return violation_list_for_user(user=user, filters=ViolationFilter(**filters))


def _list_sql(
    user_id: int, filters: dict[str, Any], limit: int
) -> Callable[[], tuple[str, list[Any]]]:
    """The selector's page query, compiled: the SQL that any list has to run."""

    def build() -> tuple[str, list[Any]]:
        sql, params = _scoped(user_id, filters)[:limit].query.sql_with_params()
        return sql, list(params)

    return build


def _plain_map_sql(
    user_id: int, filters: dict[str, Any], bbox: Bbox, zoom: int
) -> Callable[[], tuple[str, list[Any]]]:
    """The plain way: the same violations (scope and filters) grouped live with
    ST_SnapToGrid, as the map did before the pre-aggregated grid."""

    def build() -> tuple[str, list[Any]]:
        from django.contrib.gis.db.models.functions import SnapToGrid
        from django.contrib.gis.geos import Polygon
        from django.db.models import Avg, Count, FloatField, Func

        size = 360.0 / (2**zoom) / 256 * 48
        grouped = (
            _scoped(user_id, filters)
            .filter(location__bboverlaps=Polygon.from_bbox(bbox))
            .order_by()
            .annotate(cell=SnapToGrid("location", size))
            .values("cell")
            .annotate(
                count=Count("id"),
                lon=Avg(Func("location", function="ST_X", output_field=FloatField())),
                lat=Avg(Func("location", function="ST_Y", output_field=FloatField())),
            )
            .values_list("lat", "lon", "count")
        )
        sql, params = grouped.query.sql_with_params()
        return sql, list(params)

    return build


def _points_sql(user_id: int, bbox: Bbox) -> Callable[[], tuple[str, list[Any]]]:
    def build() -> tuple[str, list[Any]]:
        from django.contrib.gis.geos import Polygon

        points = (
            _scoped(user_id, {})
            .filter(location__bboverlaps=Polygon.from_bbox(bbox))
            .order_by()
            .values_list("id", "reference", "location", "category__code", "status")[:1501]
        )
        sql, params = points.query.sql_with_params()
        return sql, list(params)

    return build


def _map_note(response: Any) -> str:
    data = response.json()
    items = len(data["cells"]) or len(data["points"])
    return f"{data['mode']}, {items} items, total {data['total']:,}"


def scenarios(fx: Fixtures, today: date) -> list[Scenario]:
    year_ago = today - timedelta(days=365)
    last_year: dict[str, Any] = {"category": "tobacco", "date_from": year_ago, "date_to": today}
    as_query = {k: v.isoformat() if isinstance(v, date) else v for k, v in last_year.items()}
    analyst, officer = fx.analyst_id, fx.officer_id

    def map_scenario(
        label: str, bbox: Bbox, zoom: int, persona: str = "analyst", **filters: Any
    ) -> Scenario:
        query = {"bbox": ",".join(str(v) for v in bbox), "zoom": zoom}
        query.update({k: v.isoformat() if isinstance(v, date) else v for k, v in filters.items()})
        user = analyst if persona == "analyst" else officer
        return Scenario(
            f"Map, {label} ({persona})",
            "/api/v1/violations/map/?" + urlencode(query),
            persona,
            "plain live aggregate (ST_SnapToGrid), same filters",
            _plain_map_sql(user, filters, bbox, zoom),
            check=_map_note,
        )

    return [
        Scenario(
            "HTML list /violations/ (tobacco, last 365 days), page 1",
            "/violations/?" + urlencode(as_query),
            "analyst",
            "page query (LIMIT 50)",
            _list_sql(analyst, last_year, 50),
        ),
        Scenario(
            "HTML list /violations/ (tobacco, last 365 days), page 20",
            "/violations/?" + urlencode({**as_query, "page": 20}),
            "analyst",
            "page query (LIMIT 50)",
            _list_sql(analyst, last_year, 50),
        ),
        Scenario(
            "API list /api/v1/violations/?category=tobacco, page 1",
            "/api/v1/violations/?category=tobacco",
            "analyst",
            "page query (LIMIT 51)",
            _list_sql(analyst, {"category": "tobacco"}, 51),
            check=lambda response: f"{len(response.json()['results'])} rows",
        ),
        map_scenario("country z7", COUNTRY, 7),
        map_scenario("country z7, tobacco", COUNTRY, 7, category="tobacco"),
        map_scenario("country z7, tobacco, last 365 days", COUNTRY, 7, **last_year),
        map_scenario("country z7", COUNTRY, 7, "officer"),
        map_scenario("Vilnius z12", CITY, 12),
        map_scenario("Vilnius z11", CITY, 11),
        map_scenario("Vilnius z12", CITY, 12, "officer"),
        map_scenario("Medininkai checkpoint z14", CROSSING, 14),
        Scenario(
            "Map, Vilnius old town z15, points (analyst)",
            "/api/v1/violations/map/?"
            + urlencode({"bbox": ",".join(map(str, STREET)), "zoom": 15}),
            "analyst",
            "points query (LIMIT 1501)",
            _points_sql(analyst, STREET),
            check=_map_note,
        ),
    ]


def _client_for(user_id: int) -> Any:
    """A test client signed in as the user, second factor given (tests.conftest's way)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.models import User

    user = User.objects.get(pk=user_id)
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def measure_upkeep(*, runs: int, seed: int) -> Timing:
    """What a service pays to keep the map grid: one verification (the violation leaves
    its "submitted" rows and joins the "verified" ones at every stored zoom), timed on
    random violations, each in a transaction that is rolled back."""
    from django.db import transaction

    from cases.models import Violation, ViolationStatus
    from cases.services.map import violation_grid_changed

    rng = random.Random(seed)
    last = Violation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = rng.sample(range(1, last + 1), min(last, runs * 3))
    violations = list(
        Violation.objects.filter(
            pk__in=ids, status=ViolationStatus.VERIFIED, location__isnull=False
        )
    )[:runs]
    samples = []
    for violation in violations:
        with transaction.atomic():
            started = time.perf_counter()
            violation_grid_changed(
                violation=violation, before={"status": ViolationStatus.SUBMITTED}
            )
            samples.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    samples.sort()
    p95 = samples[max(0, math.ceil(0.95 * len(samples)) - 1)] if samples else float("nan")
    return Timing(statistics.median(samples) if samples else float("nan"), p95)


def measure(fx: Fixtures, *, runs: int, warmup: int) -> list[Result]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clients = {"analyst": _client_for(fx.analyst_id), "officer": _client_for(fx.officer_id)}
    from django.utils import timezone

    today = timezone.localdate()
    results = []
    baselines: dict[tuple[str, str], Timing] = {}
    for scenario in scenarios(fx, today):
        client = clients[scenario.persona]

        def request(scenario: Scenario = scenario, client: Any = client) -> Any:
            response = client.get(scenario.url, HTTP_ACCEPT="application/json, text/html")
            if response.status_code != 200:
                raise SystemExit(f"{scenario.url}: HTTP {response.status_code}")
            return response

        with CaptureQueriesContext(connection) as captured:
            response = request()
        # Read now: the captured list is a view of the log, which the next request resets.
        queries = len(captured)
        note = scenario.check(response) if scenario.check is not None else ""
        page = _time(request, runs=runs, warmup=warmup)
        sql, params = scenario.baseline_sql()
        key = (sql, repr(params))
        if key not in baselines:  # the same SQL in two scenarios is timed once

            def run_sql(sql: str = sql, params: list[Any] = params) -> None:
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    cursor.fetchall()

            baselines[key] = _time(run_sql, runs=runs, warmup=min(warmup, 2))
        baseline = baselines[key]
        result = Result(scenario, page, baseline, queries, note)
        results.append(result)
        print(
            f"{scenario.label:<58} median {page.median_ms:8.1f} ms  p95 {page.p95_ms:8.1f} ms"
            f"  | SQL {baseline.median_ms:7.1f} / {baseline.p95_ms:7.1f} ms"
            f"  ratio {result.ratio:5.2f}  queries {result.queries}  {note}",
            flush=True,
        )
    return results


# --- Report -----------------------------------------------------------------------------
def load_lines(loaded: LoadResult) -> list[str]:
    n = loaded.rows
    grid = ", ".join(f"{table} {count:,}" for table, count in loaded.grid_rows.items())
    return [
        f"generated in Python: {loaded.generate_s:.1f} s",
        f"raw COPY into the staging table: {loaded.copy_s:.1f} s, "
        f"**{n / loaded.copy_s:,.0f} rows/s** (the baseline)",
        f"merge into cases_violation (INSERT … SELECT, unique indexes kept): "
        f"{loaded.merge_s:.1f} s, {n / loaded.merge_s:,.0f} rows/s "
        f"({loaded.merge_s / loaded.copy_s:.1f} times the COPY); its other indexes "
        f"rebuilt in {loaded.index_s:.1f} s; VACUUM (ANALYZE) {loaded.analyze_s:.1f} s",
        f"map grid rebuild (violation_grid_rebuild): {loaded.grid_s:.1f} s, "
        f"{n / loaded.grid_s:,.0f} violations/s; rows: {grid}",
    ]


def report(
    *,
    command: str,
    label: str,
    loaded: LoadResult | None,
    rows: int,
    results: list[Result],
    runs: int,
    extra: list[str],
) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"### {now}{f' — {label}' if label else ''}",
        "",
        f"- command: `{command}`",
        f"- rows: {rows:,} violations; {runs} timed runs per measurement after warm-up",
        f"- machine: {_common.machine_and_database()}",
    ]
    if loaded is not None:
        lines += [f"- {line}" for line in load_lines(loaded)]
    lines += [f"- {line}" for line in extra]
    lines += [
        "",
        "| request | median ms | p95 ms | p95 < 100 ms | baseline | baseline median ms "
        "| baseline p95 ms | ratio (median) | queries | response |",
        "|---|--:|--:|:-:|---|--:|--:|--:|--:|---|",
    ]
    for r in results:
        target = "yes" if r.page.p95_ms < 100 else "**no**"
        lines.append(
            f"| {r.scenario.label} | {r.page.median_ms:.1f} | {r.page.p95_ms:.1f} | {target} "
            f"| {r.scenario.baseline_label} | {r.sql.median_ms:.1f} | {r.sql.p95_ms:.1f} "
            f"| {r.ratio:.2f} | {r.queries} | {r.note} |"
        )
    return "\n".join(lines) + "\n"


def write_report(section: str) -> None:
    path = _common.DOCS
    marker = "## Violations: list and map at 1M rows"
    append_marker = "<!-- bench/violations.py appends below -->\n"
    text = path.read_text() if path.exists() else ""
    if marker not in text:
        raise SystemExit(f"{path} has no '{marker}' section; restore it")
    # Newest run first, right under the section's introduction.
    if append_marker not in text:
        raise SystemExit(f"{path}: the append marker is missing")
    _common.docs_insert(text, append_marker, section)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30, help="timed runs (at least 30 for a p95)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--skip-load", action="store_true", help="measure the rows already loaded")
    parser.add_argument("--label", default="", help="a note for the report heading")
    parser.add_argument("--no-report", action="store_true", help="print only")
    args = parser.parse_args()

    _common.refuse_unless_bench(_database_name(), "it empties cases_violation")
    _common.database_ensure(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    # Measure the server as it runs in production: no query log, no debug pages.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    fx = fixtures_ensure()

    loaded = None
    if args.skip_load:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM cases_violation")
            (rows,) = cursor.fetchone()
    else:
        print(f"loading {args.rows:,} violations …", flush=True)
        loaded = load(args.rows, fx, args.seed)
        rows = loaded.rows
        for line in load_lines(loaded):
            print(line.replace("**", ""), flush=True)
    load_before = os.getloadavg()[0]
    results = measure(fx, runs=args.runs, warmup=args.warmup)
    upkeep = measure_upkeep(runs=max(args.runs, 100), seed=args.seed)
    print(f"grid upkeep per change: median {upkeep.median_ms:.2f} ms, p95 {upkeep.p95_ms:.2f} ms")
    extra = [
        f"map grid upkeep per change (violation_grid_changed on a verification, in the "
        f"service's transaction): median {upkeep.median_ms:.2f} ms, p95 {upkeep.p95_ms:.2f} ms",
        f"load average (1 min) before / after measuring: {load_before:.2f} / "
        f"{os.getloadavg()[0]:.2f} (other work on the machine shows up as noise)",
    ]
    script = shlex.join(["bench/violations.py", *sys.argv[1:]])
    command = f"DATABASE_URL={os.environ['DATABASE_URL']} .venv/bin/python {script}"
    section = report(
        command=command,
        label=args.label,
        loaded=loaded,
        rows=rows,
        results=results,
        runs=args.runs,
        extra=extra,
    )
    if not args.no_report:
        write_report(section)


if __name__ == "__main__":
    main()
