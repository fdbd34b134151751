"""Demo data for `make run`: three mobile units on patrol routes, their zones and shifts,
a few tasks, and a patrol simulator that moves the units so the live map is alive.

Runs after portal's seed_demo (it needs the mobile organisational units). Safe to run
again: what exists is kept.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.gis.geos import Point, Polygon
from django.db import transaction
from django.utils import timezone

from dispatch.models import (
    MobileUnit,
    Notice,
    NoticePriority,
    PatrolZone,
    PositionSource,
    Shift,
    Task,
    TaskEvent,
    TaskStatus,
    UnitStatus,
)
from dispatch.services.notices import NoticeInput, notice_create
from dispatch.services.positions import positions_ingest
from dispatch.services.tasks import TaskInput, task_create, task_transition
from portal.models import OrgUnit, User

REPORT_EVERY = timedelta(seconds=5)


HISTORY = timedelta(minutes=20)


@dataclass(frozen=True)
class DemoUnit:
    call_sign: str
    org_unit_code: str
    vehicle_plate: str
    zone: str
    # A closed patrol loop along real roads, as (longitude, latitude).
    route: tuple[tuple[float, float], ...]
    speed_kmh: float


DEMO_ZONES = {
    "Medininkai border strip": (
        "#dc2626",
        ((25.45, 54.50), (25.80, 54.50), (25.80, 54.66), (25.45, 54.66), (25.45, 54.50)),
    ),
    "Vilnius city": (
        "#2563eb",
        ((25.10, 54.60), (25.42, 54.60), (25.42, 54.78), (25.10, 54.78), (25.10, 54.60)),
    ),
    "Klaipėda port": (
        "#059669",
        ((21.05, 55.62), (21.20, 55.62), (21.20, 55.76), (21.05, 55.76), (21.05, 55.62)),
    ),
}


DEMO_UNITS = (
    DemoUnit(
        "MED-1",
        "mobile-medininkai",
        "KMU 101",
        "Medininkai border strip",
        # A3 from Rukainiai to the Medininkai crossing and back by the old road.
        ((25.50, 54.62), (25.58, 54.58), (25.66, 54.54), (25.62, 54.53), (25.52, 54.57)),
        70,
    ),
    DemoUnit(
        "VLN-1",
        "mobile-vilnius",
        "KMU 102",
        "Vilnius city",
        # The western bypass and the southern ring.
        ((25.20, 54.72), (25.33, 54.74), (25.36, 54.68), (25.30, 54.63), (25.18, 54.66)),
        50,
    ),
    DemoUnit(
        "KLP-1",
        "mobile-klaipeda",
        "KMU 103",
        "Klaipėda port",
        ((21.13, 55.72), (21.12, 55.68), (21.13, 55.65), (21.10, 55.70)),
        35,
    ),
)


DEMO_BY_CALL_SIGN = {unit.call_sign: unit for unit in DEMO_UNITS}


def _leg_metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance: good enough for a demo route of a few kilometres."""
    mean_lat = math.radians((a[1] + b[1]) / 2)
    dx = math.radians(b[0] - a[0]) * math.cos(mean_lat)
    dy = math.radians(b[1] - a[1])
    return 6_371_000 * math.hypot(dx, dy)


def route_position(unit: DemoUnit, at: datetime) -> tuple[float, float, float]:
    """(longitude, latitude, heading°) of a unit driving its loop at constant speed."""
    legs = [(a, unit.route[(i + 1) % len(unit.route)]) for i, a in enumerate(unit.route)]
    lengths = [_leg_metres(a, b) for a, b in legs]
    travelled = (at.timestamp() * unit.speed_kmh / 3.6) % sum(lengths)
    for (a, b), length in zip(legs, lengths, strict=True):
        if travelled <= length:
            share = travelled / length
            lon, lat = a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share
            heading = math.degrees(
                math.atan2((b[0] - a[0]) * math.cos(math.radians(lat)), b[1] - a[1])
            )
            return lon, lat, heading % 360
        travelled -= length
    return unit.route[0][0], unit.route[0][1], 0.0


def _report(unit: DemoUnit, at: datetime) -> dict[str, Any]:
    lon, lat, heading = route_position(unit, at)
    return {
        "device_time": at.isoformat(),
        "latitude": round(lat, 6),
        "longitude": round(lon, 6),
        "accuracy_m": 8,
        "speed_kmh": unit.speed_kmh,
        "heading_deg": round(heading, 1),
    }


def _zones() -> dict[str, PatrolZone]:
    zones = {}
    for name, (colour, ring) in DEMO_ZONES.items():
        zones[name], _ = PatrolZone.objects.get_or_create(
            name=name, defaults={"colour": colour, "area": Polygon(ring, srid=4326)}
        )
    return zones


def _shifts(unit: MobileUnit, zone: PatrolZone, today: datetime) -> None:
    """Day shifts 06:00-18:00 and night shifts 18:00-06:00, this week and the next."""
    for day in range(-3, 8):
        start_day = today + timedelta(days=day)
        for start_hour in (6, 18):
            starts = start_day.replace(hour=start_hour)
            ends = starts + timedelta(hours=12)
            if not Shift.objects.filter(unit=unit, starts_at__lt=ends, ends_at__gt=starts).exists():
                Shift.objects.create(unit=unit, starts_at=starts, ends_at=ends, zone=zone)


def _tasks(dispatcher: User, units: dict[str, MobileUnit], now: datetime) -> None:
    if Task.objects.exists():
        return
    _history(dispatcher, units, now)
    task_create(
        actor=dispatcher,
        data=TaskInput(
            kind="interception",
            priority=4,
            title="Intercept white van BY 4521 AB",
            description="Reported by the border post: cigarettes suspected behind a false wall.",
            location=Point(25.6230, 54.5610, srid=4326),
        ),
    )
    checkpoint = task_create(
        actor=dispatcher,
        data=TaskInput(
            kind="checkpoint",
            title="Checkpoint on the western bypass",
            description="Random checks of lorries leaving the city, 30 minutes.",
            location=Point(25.2200, 54.7000, srid=4326),
        ),
    )
    task_transition(
        actor=dispatcher, task=checkpoint, target=TaskStatus.ASSIGNED, unit=units["VLN-1"]
    )


HISTORY_TASKS = (
    # days ago, call sign, kind, title, minutes to acknowledge, minutes to arrive, outcome
    (2, "MED-1", "inspection", "Inspect lorry at the Medininkai queue", 2, 14, "Nothing found"),
    (3, "VLN-1", "follow_up", "Follow up the seized van's owner", 5, 32, "Statement taken"),
    (5, "MED-1", "interception", "Intercept car LT KLM 442", 1, 9, "600 packs seized"),
    (6, "KLP-1", "inspection", "Container MSCU 1234565 at berth 7", 4, 21, "Released"),
    (8, "VLN-1", "checkpoint", "Checkpoint on the eastern exit", 3, 18, "12 vehicles checked"),
    (9, "MED-1", "patrol", "Patrol the forest road to Šumskas", 2, 25, "Tracks reported"),
    (12, "KLP-1", "interception", "Intercept lorry leaving the ferry", 1, 7, "Fuel in tanks"),
    (15, "VLN-1", "inspection", "Inspect kiosk selling unmarked tobacco", 6, 28, "Goods seized"),
    (19, "MED-1", "follow_up", "Return seized goods to the warehouse", 9, 40, "Delivered"),
    (24, "KLP-1", "patrol", "Patrol the port perimeter", 3, 16, "Nothing found"),
)


def _history(dispatcher: User, units: dict[str, MobileUnit], now: datetime) -> None:
    """Completed tasks of the last weeks, so that the statistics and the lists have
    something to show. Written directly: the lifecycle service stamps the present."""
    for days, call_sign, kind, title, ack, arrive, outcome in HISTORY_TASKS:
        assigned = now - timedelta(days=days, hours=3)
        moments = {
            "assigned": assigned,
            "acknowledged": assigned + timedelta(minutes=ack),
            "en_route": assigned + timedelta(minutes=ack + 1),
            "on_scene": assigned + timedelta(minutes=arrive),
            "completed": assigned + timedelta(minutes=arrive + 35),
        }
        task = Task.objects.create(
            kind=kind,
            title=title,
            location=Point(*DEMO_BY_CALL_SIGN[call_sign].route[1], srid=4326),
            unit=units[call_sign],
            status=TaskStatus.COMPLETED,
            outcome=outcome,
            created_by=dispatcher,
            assigned_at=moments["assigned"],
            acknowledged_at=moments["acknowledged"],
            en_route_at=moments["en_route"],
            on_scene_at=moments["on_scene"],
            closed_at=moments["completed"],
        )
        Task.objects.filter(pk=task.pk).update(created_at=assigned - timedelta(minutes=2))
        previous: str = TaskStatus.NEW
        for status, at in moments.items():
            TaskEvent.objects.create(
                task=task, from_status=previous, to_status=status, at=at, by=dispatcher
            )
            previous = status


def _notice(dispatcher: User, now: datetime) -> None:
    if Notice.objects.exists():
        return
    notice_create(
        actor=dispatcher,
        data=NoticeInput(
            title="Look out for a white VW Crafter, BY 4521 AB",
            body="Seen near Medininkai heading west; cigarettes suspected. Do not stop it alone.",
            priority=NoticePriority.URGENT,
            all_units=True,
            expires_at=now + timedelta(days=2),
        ),
    )


@transaction.atomic
def dispatch_demo_seed(*, now: datetime | None = None) -> list[str]:
    """Create the demo units, zones, shifts, recent positions and tasks; return what was
    done, line by line, for the command to print."""
    now = now or timezone.now()
    done: list[str] = []
    org_units = {
        u.code: u for u in OrgUnit.objects.filter(code__in=[d.org_unit_code for d in DEMO_UNITS])
    }
    if len(org_units) < len(DEMO_UNITS):
        return ["The demo organisation is missing: run seed_demo first."]
    zones = _zones()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    units: dict[str, MobileUnit] = {}
    for demo in DEMO_UNITS:
        home = demo.route[0]
        unit, created = MobileUnit.objects.get_or_create(
            call_sign=demo.call_sign,
            defaults={
                "org_unit": org_units[demo.org_unit_code],
                "vehicle_plate": demo.vehicle_plate,
                "home_base": Point(*home, srid=4326),
                "status": UnitStatus.AVAILABLE,
                "status_changed_at": now,
            },
        )
        units[demo.call_sign] = unit
        _shifts(unit, zones[demo.zone], today)
        if unit.last_reported_at is None or unit.last_reported_at < now - HISTORY:
            demo_reports_send(unit, demo, since=now - HISTORY, until=now)
        done.append(f"{demo.call_sign:<6} {'created' if created else 'exists'}")
    dispatcher = User.objects.filter(username="dispatcher").first()
    if dispatcher is not None:
        _tasks(dispatcher, units, now)
        _notice(dispatcher, now)
    return done


def demo_reports_send(unit: MobileUnit, demo: DemoUnit, *, since: datetime, until: datetime) -> int:
    """Ingest the unit's route positions every five seconds from ``since`` to ``until``."""
    reports = []
    at = since
    while at <= until:
        reports.append(_report(demo, at))
        at += REPORT_EVERY
    accepted = 0
    for start in range(0, len(reports), 500):
        result = positions_ingest(
            unit=unit,
            device=None,
            reports=reports[start : start + 500],
            source=PositionSource.DEVICE,
        )
        accepted += result.accepted
    return accepted


def demo_patrol_step(*, now: datetime | None = None) -> int:
    """One report for every demo unit on duty at ``now``; returns how many were stored."""
    now = now or timezone.now()
    stored = 0
    units = {
        u.call_sign: u
        for u in MobileUnit.objects.filter(call_sign__in=[d.call_sign for d in DEMO_UNITS])
    }
    for demo in DEMO_UNITS:
        unit = units.get(demo.call_sign)
        if unit is None or unit.status in (UnitStatus.OFF_DUTY, UnitStatus.OUT_OF_SERVICE):
            continue
        stored += positions_ingest(
            unit=unit, device=None, reports=[_report(demo, now)], source=PositionSource.DEVICE
        ).accepted
    return stored
