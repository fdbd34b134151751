"""Devices and position ingestion: a device's token, batches of reports from devices and
from the officer's browser, each bad report named and the good ones kept."""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from dispatch.models import MobileUnit, PositionSource, UnitDevice, UnitStatus
from dispatch.selectors.units import officer_unit_get
from dispatch.services.planning import geofence_check
from portal.lib.geometry import coordinate_snap
from portal.lib.timefmt import OFFSET_OUT_OF_RANGE, utc_offset_supported
from portal.models import AuditAction, User
from portal.services.audit import audit_record

# A device clock may run a little ahead; a report older than this is a replay or a
# device that was offline for too long to matter for live dispatch.
FUTURE_TOLERANCE = timedelta(minutes=2)


OLDEST_ACCEPTED = timedelta(days=7)


MAX_BATCH = 500


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def device_register(*, actor: User | None, unit: MobileUnit, name: str) -> tuple[UnitDevice, str]:
    """A new device of ``unit`` and its token, which is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    device = UnitDevice.objects.create(unit=unit, name=name[:100], token_hash=token_digest(token))
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=device, changes={"unit": unit.call_sign}
    )
    return device, token


def device_for_token(token: str) -> UnitDevice | None:
    return (
        UnitDevice.objects.select_related("unit")
        .filter(token_hash=token_digest(token), revoked_at__isnull=True)
        .first()
    )


@dataclass
class CleanReport:
    device_time: datetime
    lon: float
    lat: float
    accuracy_m: float | None
    speed_kmh: float | None
    heading_deg: float | None


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)


def _number(
    raw: Any, name: str, low: float, high: float, errors: dict[str, str], required: bool = False
) -> float | None:
    if raw is None or raw == "":
        if required:
            errors[name] = _("This value is required.")
        return None
    if isinstance(raw, bool):  # float(True) is 1.0: a boolean latitude put units at (1, 1)
        errors[name] = _("Give a number, not true or false.")
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        errors[name] = _("Enter a number.")
        return None
    if not low <= value <= high:
        errors[name] = _("Must be between %(low)s and %(high)s.") % {"low": low, "high": high}
        return None
    return value


def report_clean(raw: Any, now: datetime) -> tuple[CleanReport | None, dict[str, str]]:
    """One report checked on its own: (report, {}) or (None, errors by field)."""
    if not isinstance(raw, dict):
        return None, {"report": _("Each report is an object.")}
    errors: dict[str, str] = {}
    try:
        when = parse_datetime(str(raw.get("device_time", ""))) if raw.get("device_time") else None
    except ValueError:  # well-formed but impossible, e.g. month 13: this report only
        when = None
    if when is None:
        errors["device_time"] = _("Give the device time as ISO 8601, e.g. 2026-11-23T08:15:00Z.")
    elif timezone.is_naive(when):
        errors["device_time"] = _("The device time needs a time zone (Z or +02:00).")
    elif not utc_offset_supported(when):  # e.g. +20:00, which PostgreSQL refuses
        errors["device_time"] = str(OFFSET_OUT_OF_RANGE)
    elif when > now + FUTURE_TOLERANCE:
        errors["device_time"] = _("The device time is in the future.")
    elif when < now - OLDEST_ACCEPTED:
        errors["device_time"] = _("The report is older than seven days.")
    lat = _number(raw.get("latitude"), "latitude", -90, 90, errors, required=True)
    lon = _number(raw.get("longitude"), "longitude", -180, 180, errors, required=True)
    accuracy = _number(raw.get("accuracy_m"), "accuracy_m", 0, 100_000, errors)
    speed = _number(raw.get("speed_kmh"), "speed_kmh", 0, 400, errors)
    heading = _number(raw.get("heading_deg"), "heading_deg", 0, 360, errors)
    if errors or when is None or lat is None or lon is None:
        return None, errors
    # A subnormal coordinate (5e-324) is 0: see portal.lib.geometry.coordinate_snap.
    lon, lat = coordinate_snap(lon), coordinate_snap(lat)
    return CleanReport(when, lon, lat, accuracy, speed, heading), {}


INSERT_SQL = """
INSERT INTO dispatch_positionreport
    (unit_id, device_id, device_time, received_at, point,
     accuracy_m, speed_kmh, heading_deg, source)
SELECT %s, %s, t.device_time, %s, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326),
       t.accuracy_m, t.speed_kmh, t.heading_deg, %s
FROM unnest(%s::timestamptz[], %s::float8[], %s::float8[],
            %s::float8[], %s::float8[], %s::float8[])
    AS t(device_time, lon, lat, accuracy_m, speed_kmh, heading_deg)
ON CONFLICT ON CONSTRAINT position_unique_per_unit_time DO NOTHING
"""


# The unit's current position moves forward only: a late report of an earlier moment
# (out of order, or re-sent) never replaces a newer one.
CURRENT_SQL = """
UPDATE dispatch_mobileunit
SET last_position = ST_SetSRID(ST_MakePoint(%s, %s), 4326), last_reported_at = %s,
    last_accuracy_m = %s, last_speed_kmh = %s, last_heading_deg = %s
WHERE id = %s AND (last_reported_at IS NULL OR last_reported_at < %s)
"""


@transaction.atomic
def positions_ingest(
    *,
    unit: MobileUnit,
    device: UnitDevice | None,
    reports: list[Any],
    source: str = PositionSource.DEVICE,
) -> IngestResult:
    """Store the good reports of a batch, tolerate duplicates and disorder, and list the
    bad ones with their errors (they change nothing)."""
    now = timezone.now()
    result = IngestResult()
    good: dict[datetime, CleanReport] = {}
    for index, raw in enumerate(reports[:MAX_BATCH]):
        report, errors = report_clean(raw, now)
        if report is None:
            result.rejected.append({"index": index, "errors": errors})
        elif report.device_time in good:
            result.duplicates += 1
        else:
            good[report.device_time] = report
    for index in range(MAX_BATCH, len(reports)):
        result.rejected.append(
            {"index": index, "errors": {"report": _("A batch holds at most 500 reports.")}}
        )
    if good:
        rows = list(good.values())
        with connection.cursor() as cursor:
            cursor.execute(
                INSERT_SQL,
                [
                    unit.pk,
                    device.pk if device else None,
                    now,
                    source,
                    [r.device_time for r in rows],
                    [r.lon for r in rows],
                    [r.lat for r in rows],
                    [r.accuracy_m for r in rows],
                    [r.speed_kmh for r in rows],
                    [r.heading_deg for r in rows],
                ],
            )
            inserted = cursor.rowcount
            newest = max(rows, key=lambda r: r.device_time)
            cursor.execute(
                CURRENT_SQL,
                [
                    newest.lon,
                    newest.lat,
                    newest.device_time,
                    newest.accuracy_m,
                    newest.speed_kmh,
                    newest.heading_deg,
                    unit.pk,
                    newest.device_time,
                ],
            )
            if cursor.rowcount:  # the unit moved forward in time: check its patrol zone
                geofence_check(
                    unit=unit,
                    point=Point(newest.lon, newest.lat, srid=4326),
                    device_time=newest.device_time,
                    accuracy_m=newest.accuracy_m,
                )
        result.accepted = inserted
        result.duplicates += len(rows) - inserted
    if device is not None:
        UnitDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
    return result


# A phone's clock may be off by minutes; within this it is left alone.
CLOCK_SKEW_IGNORED = timedelta(seconds=30)


def reports_on_server_clock(reports: list[Any], client_time: datetime | None) -> list[Any]:
    """The reports with their times moved by the phone clock's error, measured as the
    difference between the phone's time when it sent the batch and the server's.
    Reports that cannot be read are left as they are (the ingest refuses them)."""
    if client_time is None:
        return reports
    skew = client_time - timezone.now()
    if abs(skew) <= CLOCK_SKEW_IGNORED:
        return reports
    moved: list[Any] = []
    for report in reports:
        try:
            when = parse_datetime(str(report.get("device_time")))
        except (AttributeError, ValueError):
            when = None
        if when is None or timezone.is_naive(when):
            moved.append(report)
            continue
        try:
            moved.append({**report, "device_time": (when - skew).isoformat()})
        except OverflowError:
            # A clock thousands of years off moves the time out of the calendar: left
            # as sent, the report is refused for its time like any other stale one.
            moved.append(report)
    return moved


def browser_positions_ingest(
    *, actor: User, reports: list[Any], client_time: datetime | None = None
) -> IngestResult:
    """Position reports from the officer's phone (browser geolocation), stored for the
    officer's own unit with source "browser". Positions are shared only while the unit
    is on duty: an officer off duty is not tracked. A phone whose clock runs fast or
    slow (``client_time``: its clock when it sent the batch) has its times corrected.
    A batch over MAX_BATCH is refused whole (a phone sends small ones; a device's
    larger batch keeps its first MAX_BATCH, see ``positions_ingest``)."""
    if len(reports) > MAX_BATCH:
        raise ValidationError({"reports": [_("A batch holds at most 500 reports.")]})
    unit = officer_unit_get(user=actor)
    if unit.status == UnitStatus.OFF_DUTY:
        raise ValidationError(
            {"unit": [_("Start duty first: positions are shared only while on duty.")]}
        )
    return positions_ingest(
        unit=unit,
        device=None,
        reports=reports_on_server_clock(reports, client_time),
        source=PositionSource.BROWSER,
    )
