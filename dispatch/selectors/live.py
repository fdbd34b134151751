"""Reads for the dispatcher's live map.

The map polls about once a second. Most polls find nothing new, so the common answer
is one cheap statement (``live_version``): a token that changes whenever anything the
map shows changes. Only when it differs does the map get the whole picture
(``live_feed_for_user``), each part read with one query: units with their current
position and shift zone, all units' track tails together, new and open tasks, recent
violations, active patrol zones, open geofence alerts.

Parts of the picture also change with the clock alone (a shift starts, a tail point
falls out of the 15 minutes, a report grows old); the token therefore also changes
once a minute, so that the map is never more than a minute behind on those.
"""

import hashlib
from datetime import datetime, timedelta
from typing import Any, TypedDict

from django.db import connection
from django.db.models import F, FloatField, Func, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from cases.models import Violation
from cases.selectors.violations import violation_scope_for_user
from dispatch.models import (
    GeofenceAlert,
    MobileUnit,
    PatrolZone,
    PositionReport,
    Shift,
    Task,
    TaskKind,
    TaskPriority,
    TaskStatus,
    UnitStatus,
)
from dispatch.models.units import unit_label
from dispatch.selectors.planning import alert_list_for_user, zones_geojson
from dispatch.selectors.tasks import task_list_for_user
from portal.lib.language import is_lithuanian
from portal.models import User

TAIL_WINDOW = timedelta(minutes=15)


TAIL_POINTS = 30


TASK_CAP = 500


VIOLATION_WINDOW = timedelta(hours=24)


VIOLATION_CAP = 300


CLOCK_BUCKET_SECONDS = 60


# (latitude, longitude, device time in epoch seconds)
TailPoint = tuple[float, float, int]


class LiveUnit(TypedDict):
    id: int
    call_sign: str
    # The unit's one name on every page (MobileUnit.label): "MED-1 · Medininkai".
    label: str
    status: str
    status_label: str
    lat: float | None
    lon: float | None
    last_reported_at: datetime | None
    accuracy_m: float | None
    speed_kmh: float | None
    heading_deg: float | None
    zone: str | None
    # None: not sent this time, the client keeps extending the one it has.
    tail: list[TailPoint] | None


class LiveTask(TypedDict):
    id: int
    title: str
    kind: str
    kind_label: str
    priority: int
    priority_label: str
    status: str
    status_label: str
    lat: float | None
    lon: float | None
    unit_id: int | None
    unit: str | None
    unit_label: str | None
    created_at: datetime
    updated_at: datetime


class LiveViolation(TypedDict):
    id: int
    reference: str
    lat: float
    lon: float
    category: str
    occurred_at: datetime
    url: str


class LiveAlert(TypedDict):
    id: int
    unit_id: int
    unit: str
    unit_label: str
    zone: str
    left_at: datetime
    distance_m: float
    lat: float
    lon: float
    acknowledged: bool
    # The newest open task answering the alert ("Send a task" was pressed), if any.
    task_id: int | None


class LiveFeed(TypedDict):
    changed: bool
    version: str
    generated_at: datetime
    units: list[LiveUnit]
    tasks: list[LiveTask]
    tasks_truncated: bool
    violations: list[LiveViolation]
    zones: dict[str, Any]
    alerts: list[LiveAlert]


class X(Func):
    function = "ST_X"
    output_field = FloatField()


class Y(Func):
    function = "ST_Y"
    output_field = FloatField()


def _version_sql() -> str:
    unit = MobileUnit._meta.db_table
    task = Task._meta.db_table
    zone = PatrolZone._meta.db_table
    shift = Shift._meta.db_table
    alert = GeofenceAlert._meta.db_table
    violation = Violation._meta.db_table
    # Each sub-select is an index look-up or a scan of a small table: mobile units
    # (~1,000 rows), zones, open alerts (at most one per unit); the big tables (tasks,
    # shifts, violations) are read through an index on the column (max of a b-tree).
    return f"""
    SELECT
        (SELECT concat_ws('/', max(last_reported_at), max(status_changed_at), count(*))
           FROM {unit}),
        (SELECT max(updated_at) FROM {task}),
        (SELECT concat_ws('/', max(updated_at), count(*)) FROM {zone}),
        (SELECT max(id) FROM {shift}),
        (SELECT string_agg(id || ':' || (acknowledged_at IS NOT NULL)::int, ',' ORDER BY id)
           FROM {alert} WHERE returned_at IS NULL),
        (SELECT max(id) FROM {violation})
    """  # noqa: S608  table names from the models' own metadata, no user input


def live_version(*, now: datetime | None = None) -> str:
    """A short token that changes whenever the live map's picture may have changed.

    Read it before the picture: a change landing between the two is then seen by the
    next poll (its token differs), never lost."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        row = cursor.fetchone()
    clock = int(now.timestamp()) // CLOCK_BUCKET_SECONDS
    digest = hashlib.blake2b(f"{row!r}|{clock}".encode(), digest_size=8)
    return digest.hexdigest()


def _units(*, now: datetime) -> list[LiveUnit]:
    zone_now = Subquery(
        Shift.objects.filter(unit=OuterRef("pk"), starts_at__lte=now, ends_at__gt=now)
        .order_by("-starts_at")
        .values("zone__name")[:1]
    )
    rows = (
        MobileUnit.objects.annotate(lat=Y("last_position"), lon=X("last_position"), zone=zone_now)
        .order_by("call_sign")
        .values(
            "id",
            "call_sign",
            "org_unit__name",
            "status",
            "lat",
            "lon",
            "last_reported_at",
            "last_accuracy_m",
            "last_speed_kmh",
            "last_heading_deg",
            "zone",
        )
    )
    labels = dict(UnitStatus.choices)
    return [
        LiveUnit(
            id=row["id"],
            call_sign=row["call_sign"],
            label=unit_label(row["call_sign"], row["org_unit__name"]),
            status=row["status"],
            status_label=str(labels.get(row["status"], row["status"])),
            lat=row["lat"],
            lon=row["lon"],
            last_reported_at=row["last_reported_at"],
            accuracy_m=row["last_accuracy_m"],
            speed_kmh=row["last_speed_kmh"],
            heading_deg=row["last_heading_deg"],
            zone=row["zone"],
            tail=None,
        )
        for row in rows
    ]


def _tails_sql() -> str:
    # One statement for all units that reported within the window: the window is cut
    # into TAIL_POINTS slots and each slot gives the unit's newest report in it, found
    # by a backward probe of the (unit, device_time) unique index. The cost is units x
    # slots index probes however often units report (1,000 units reporting every 5 s:
    # ~60 ms), where reading every report of the window would sort 180,000 rows.
    return f"""
    SELECT unit.id, ST_Y(report.point), ST_X(report.point),
           floor(extract(epoch FROM report.device_time))::bigint
    FROM {MobileUnit._meta.db_table} AS unit
    CROSS JOIN generate_series(0, %(slots)s - 1) AS slot
    CROSS JOIN LATERAL (
        SELECT point, device_time FROM {PositionReport._meta.db_table} AS r
        WHERE r.unit_id = unit.id
          AND r.device_time <= %(until)s - slot * %(step)s * interval '1 second'
          AND r.device_time > %(until)s - (slot + 1) * %(step)s * interval '1 second'
        ORDER BY r.device_time DESC
        LIMIT 1
    ) AS report
    WHERE unit.last_reported_at > %(since)s
    ORDER BY unit.id, report.device_time
    """  # noqa: S608  table names from the models' metadata, values passed as parameters


def unit_tails(*, now: datetime) -> dict[int, list[TailPoint]]:
    """Each unit's track over the last TAIL_WINDOW, oldest first, as (lat, lon, epoch
    seconds): its newest report in each of TAIL_POINTS equal slots, read for all units
    in one query. Reports stamped ahead of ``now`` (a fast device clock) are left out;
    the unit's current position is sent beside the tail anyway."""
    tails: dict[int, list[TailPoint]] = {}
    params: dict[str, int | datetime] = {
        "slots": TAIL_POINTS,
        "step": int(TAIL_WINDOW.total_seconds()) // TAIL_POINTS,
        "until": now,
        "since": now - TAIL_WINDOW,
    }
    with connection.cursor() as cursor:
        cursor.execute(_tails_sql(), params)
        for unit_id, lat, lon, epoch in cursor.fetchall():
            tails.setdefault(unit_id, []).append((round(lat, 6), round(lon, 6), epoch))
    return tails


def _tasks(*, user: User) -> tuple[list[LiveTask], bool]:
    """New and open tasks, most urgent first, then oldest first."""
    rows = (
        task_list_for_user(user=user, open_only=True)
        .annotate(
            lat=Y("location"),
            lon=X("location"),
            unit_call_sign=F("unit__call_sign"),
            unit_name=F("unit__org_unit__name"),
        )
        .order_by("-priority", "created_at")
        .values(
            "id",
            "title",
            "kind",
            "priority",
            "status",
            "lat",
            "lon",
            "unit_id",
            "unit_call_sign",
            "unit_name",
            "created_at",
            "updated_at",
        )[: TASK_CAP + 1]
    )
    kinds, priorities, statuses = (
        dict(TaskKind.choices),
        dict(TaskPriority.choices),
        dict(TaskStatus.choices),
    )
    tasks = [
        LiveTask(
            id=row["id"],
            title=row["title"],
            kind=row["kind"],
            kind_label=str(kinds.get(row["kind"], row["kind"])),
            priority=row["priority"],
            priority_label=str(priorities.get(row["priority"], row["priority"])),
            status=row["status"],
            status_label=str(statuses.get(row["status"], row["status"])),
            lat=row["lat"],
            lon=row["lon"],
            unit_id=row["unit_id"],
            unit=row["unit_call_sign"],
            unit_label=(
                unit_label(row["unit_call_sign"], row["unit_name"])
                if row["unit_call_sign"]
                else None
            ),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )
        for row in rows
    ]
    return tasks[:TASK_CAP], len(tasks) > TASK_CAP


def _violations(*, user: User, now: datetime) -> list[LiveViolation]:
    if not user.has_perm("cases.view_violation"):
        return []
    rows = (
        violation_scope_for_user(user=user)
        .filter(occurred_at__gte=now - VIOLATION_WINDOW, location__isnull=False)
        .annotate(lat=Y("location"), lon=X("location"))
        .order_by("-occurred_at", "-id")
        .values(
            "id", "reference", "lat", "lon", "occurred_at", "category__name_en", "category__name_lt"
        )[:VIOLATION_CAP]
    )
    lithuanian = is_lithuanian()
    # One reverse() for all rows: the detail URL differs only in the primary key.
    marker = 2_147_483_647
    url_pattern = reverse("cases:violation-detail", kwargs={"pk": marker})
    return [
        LiveViolation(
            id=row["id"],
            reference=row["reference"],
            lat=row["lat"],
            lon=row["lon"],
            category=row["category__name_lt" if lithuanian else "category__name_en"],
            occurred_at=row["occurred_at"],
            url=url_pattern.replace(str(marker), str(row["id"])),
        )
        for row in rows
    ]


def _alerts(*, user: User) -> list[LiveAlert]:
    # In the same statement: the newest open task answering each alert, among the tasks
    # the reader may see.
    answering = Subquery(
        task_list_for_user(user=user, open_only=True)
        .filter(alert=OuterRef("pk"))
        .order_by("-created_at")
        .values("id")[:1]
    )
    rows = (
        alert_list_for_user(user=user)
        .filter(returned_at__isnull=True)
        .annotate(lat=Y("position"), lon=X("position"), task_id=answering)
        .order_by("-left_at")
        .values(
            "id",
            "unit_id",
            "unit__call_sign",
            "unit__org_unit__name",
            "zone__name",
            "left_at",
            "distance_m",
            "lat",
            "lon",
            "acknowledged_at",
            "task_id",
        )
    )
    return [
        LiveAlert(
            id=row["id"],
            unit_id=row["unit_id"],
            unit=row["unit__call_sign"],
            unit_label=unit_label(row["unit__call_sign"], row["unit__org_unit__name"]),
            zone=row["zone__name"],
            left_at=row["left_at"],
            distance_m=round(row["distance_m"]),
            lat=row["lat"],
            lon=row["lon"],
            acknowledged=row["acknowledged_at"] is not None,
            task_id=row["task_id"],
        )
        for row in rows
    ]


def live_feed_for_user(
    *, user: User, version: str, with_tails: bool = True, now: datetime | None = None
) -> LiveFeed:
    """The whole picture of the live map as ``user`` may see it. The caller holds
    ``dispatch.view_all_tasks``; each further part needs its own permission (positions,
    violations, zones, geofence alerts) and is empty without it.

    Track tails are the costly part; ``with_tails=False`` leaves them out (``None``)
    for a client that extends the tails it has with each unit's new position."""
    now = now or timezone.now()
    units = _units(now=now) if user.has_perm("dispatch.view_mobileunit") else []
    may_see_tracks = user.has_perm("dispatch.view_positionreport")
    if not may_see_tracks or with_tails:
        tails = unit_tails(now=now) if units and may_see_tracks else {}
        for unit in units:
            unit["tail"] = tails.get(unit["id"], [])
    tasks, truncated = _tasks(user=user)
    return LiveFeed(
        changed=True,
        version=version,
        generated_at=now,
        units=units,
        tasks=tasks,
        tasks_truncated=truncated,
        violations=_violations(user=user, now=now),
        zones=zones_geojson(user=user),  # active zones; none without view_patrolzone
        alerts=_alerts(user=user),
    )
