"""Position histories are personal data: every look at them (a replay, a search of
who was near a place, an export, the live map) leaves a record in the audit trail,
naming who looked, which units, which period and what came out."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.gis.geos import Point

from dispatch.models import MobileUnit
from portal.models import AuditAction, AuditRecord, User
from portal.services.audit import audit_record

OBJECT_TYPE = "dispatch.positionreport"


def _period(start: datetime, end: datetime) -> dict[str, str]:
    return {"start": start.isoformat(), "end": end.isoformat()}


def track_view_audit(
    *,
    actor: User,
    units: Sequence[MobileUnit],
    start: datetime,
    end: datetime,
    points: int,
) -> AuditRecord:
    """Record that ``actor`` was shown the tracks of ``units`` in the period."""
    names = [unit.call_sign for unit in units]
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type=OBJECT_TYPE,
        object_repr=f"tracks {', '.join(names)}",
        changes={"units": names, **_period(start, end), "points": points},
    )


def live_map_view_audit(*, actor: User) -> AuditRecord:
    """Record that ``actor`` opened the live map, which shows every unit's current
    position and its track over the last minutes. Once per opening of the page: its
    polls only keep that same picture current and are not recorded one by one."""
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type=OBJECT_TYPE,
        object_repr="live map",
        changes={"page": "live map"},
    )


def track_search_audit(
    *,
    actor: User,
    place: Point,
    radius_m: float,
    start: datetime,
    end: datetime,
    found: Sequence[MobileUnit],
) -> AuditRecord:
    """Record a "who was near this place" search and the units it named."""
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type=OBJECT_TYPE,
        object_repr=f"units near {place.y:.5f}, {place.x:.5f}",
        changes={
            "latitude": round(place.y, 6),
            "longitude": round(place.x, 6),
            "radius_m": radius_m,
            **_period(start, end),
            "found": [unit.call_sign for unit in found],
        },
    )


def track_export_audit(
    *,
    actor: User,
    units: Sequence[MobileUnit],
    start: datetime,
    end: datetime,
    file_format: str,
    points: int,
) -> AuditRecord:
    """Record a GPX or KML download of the tracks of ``units`` in the period."""
    names = [unit.call_sign for unit in units]
    changes: dict[str, Any] = {
        "format": file_format,
        "units": names,
        **_period(start, end),
        "points": points,
    }
    return audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type=OBJECT_TYPE,
        object_repr=f"tracks {file_format.upper()} {', '.join(names)}",
        changes=changes,
    )


def unit_stats_export_audit(*, actor: User, month: str, rows: int) -> AuditRecord:
    """Record a CSV download of the monthly figures per unit."""
    return audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="dispatch.mobileunit",
        object_repr=f"unit statistics {month}",
        changes={"format": "csv", "month": month, "rows": rows},
    )
