"""Planning use cases: patrol zones, shifts, geofence alerts.

Zones and shifts are changed by dispatchers (checked here too, not only in the views),
every change is audited. Geofence alerts are opened and closed by position ingestion
itself (``geofence_check``); a dispatcher acknowledges them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.gis.geos import Point, Polygon
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dispatch.models import GeofenceAlert, MobileUnit, PatrolZone, Shift
from dispatch.selectors.planning import GEOFENCE_TOLERANCE_M
from dispatch.services.areas import area_check
from portal.lib.text import lengths_check
from portal.models import AuditAction, User
from portal.services.audit import audit_record, model_changes

# A position within GEOFENCE_TOLERANCE_M of the zone still counts as inside: GPS error
# and a road along the boundary must not raise alerts. A report whose own accuracy is
# worse gets that much slack instead (capped: a fix 5 km off says nothing either way).
GEOFENCE_MAX_ACCURACY_SLACK_M = 500.0


SHIFT_MAX_LENGTH = timedelta(hours=24)


# What a unit watches in a zone: a few lines, shown in the zone's popup on the map.
ZONE_DESCRIPTION_MAX = 1000


# A shift's note (the column holds 300): without this check a longer one failed in the
# database instead of being refused with a message.
SHIFT_NOTE_MAX = 300


def _local(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@dataclass
class ZoneInput:
    name: str
    area: Polygon
    colour: str = "#2563eb"
    description: str = ""
    active: bool = True


def _zone_fields_check(zone: PatrolZone) -> None:
    try:
        zone.full_clean(exclude=["area", "created_by"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error


@transaction.atomic
def zone_create(*, actor: User, data: ZoneInput) -> PatrolZone:
    if not actor.has_perm("dispatch.add_patrolzone"):
        raise PermissionDenied
    lengths_check({"description": (data.description.strip(), ZONE_DESCRIPTION_MAX)})
    area_check(data.area)
    zone = PatrolZone(
        name=data.name.strip(),
        description=data.description.strip(),
        colour=data.colour.lower(),
        active=data.active,
        area=data.area,
        created_by=actor,
    )
    _zone_fields_check(zone)
    zone.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=zone,
        changes={
            "name": zone.name,
            "colour": zone.colour,
            "active": zone.active,
            "area": zone.area.wkt,
        },
    )
    return zone


ZONE_FIELDS = ["name", "description", "colour", "active"]


@transaction.atomic
def zone_update(*, actor: User, zone: PatrolZone, data: ZoneInput) -> PatrolZone:
    """Change a zone. A zone is never deleted (shifts and alerts refer to it): it is
    deactivated, and then no longer offered for new shifts."""
    if not actor.has_perm("dispatch.change_patrolzone"):
        raise PermissionDenied
    lengths_check({"description": (data.description.strip(), ZONE_DESCRIPTION_MAX)})
    zone = PatrolZone.objects.select_for_update().get(pk=zone.pk)
    area_check(data.area)
    before = {field: getattr(zone, field) for field in ZONE_FIELDS}
    old_area = zone.area
    zone.name = data.name.strip()
    zone.description = data.description.strip()
    zone.colour = data.colour.lower()
    zone.active = data.active
    zone.area = data.area
    _zone_fields_check(zone)
    changes = model_changes(zone, ZONE_FIELDS, before)
    area_changed = not old_area.equals_exact(data.area, tolerance=1e-9)
    if area_changed:
        changes["area"] = [old_area.wkt, data.area.wkt]
    if not changes:
        return zone
    zone.save(update_fields=[*ZONE_FIELDS, "area", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=zone, changes=changes)
    return zone


@dataclass
class ShiftInput:
    unit: MobileUnit
    starts_at: datetime
    ends_at: datetime
    zone: PatrolZone | None = None
    note: str = ""


def _shift_check(data: ShiftInput, shift_id: int | None, zone_before: int | None) -> None:
    lengths_check({"note": (data.note.strip(), SHIFT_NOTE_MAX)})
    if data.ends_at < data.starts_at:
        raise ValidationError({"ends_at": _("The shift ends before it starts.")})
    if data.ends_at == data.starts_at:
        raise ValidationError(
            {"ends_at": _("The shift ends at the moment it starts; give it a length.")}
        )
    if data.ends_at - data.starts_at > SHIFT_MAX_LENGTH:
        raise ValidationError(
            {"ends_at": _("A shift lasts at most 24 hours; plan longer duty as several shifts.")}
        )
    if data.zone is not None and not data.zone.active and data.zone.pk != zone_before:
        raise ValidationError(
            {"zone": _("The patrol zone %(zone)s is inactive.") % {"zone": data.zone.name}}
        )
    # Touching shifts (one ends when the next starts) are fine; any real overlap is not.
    others = Shift.objects.filter(
        unit=data.unit, starts_at__lt=data.ends_at, ends_at__gt=data.starts_at
    )
    if shift_id is not None:
        others = others.exclude(pk=shift_id)
    clash = others.order_by("starts_at").first()
    if clash is not None:
        raise ValidationError(
            {
                "starts_at": _(
                    "%(unit)s already has a shift from %(start)s to %(end)s that overlaps this one."
                )
                % {
                    "unit": data.unit.call_sign,
                    "start": _local(clash.starts_at),
                    "end": _local(clash.ends_at),
                }
            }
        )


def _lock_unit(unit: MobileUnit) -> MobileUnit:
    """Two dispatchers planning the same unit at once: the second waits for the first
    to commit and then sees its shift in the overlap check."""
    return MobileUnit.objects.select_for_update().get(pk=unit.pk)


def _shift_summary(shift: Shift) -> dict[str, object]:
    return {
        "unit": shift.unit.call_sign,
        "starts_at": shift.starts_at.isoformat(),
        "ends_at": shift.ends_at.isoformat(),
        "zone": shift.zone.name if shift.zone else None,
        "note": shift.note,
    }


@transaction.atomic
def shift_create(*, actor: User, data: ShiftInput) -> Shift:
    if not actor.has_perm("dispatch.add_shift"):
        raise PermissionDenied
    data.unit = _lock_unit(data.unit)
    _shift_check(data, shift_id=None, zone_before=None)
    shift = Shift(
        unit=data.unit,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        zone=data.zone,
        note=data.note.strip(),
        created_by=actor,
    )
    shift.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=shift, changes=_shift_summary(shift))
    return shift


@transaction.atomic
def shift_update(*, actor: User, shift: Shift, data: ShiftInput) -> Shift:
    if not actor.has_perm("dispatch.change_shift"):
        raise PermissionDenied
    data.unit = _lock_unit(data.unit)
    shift = (
        Shift.objects.select_for_update(of=("self",))
        .select_related("unit", "zone")
        .get(pk=shift.pk)
    )
    _shift_check(data, shift_id=shift.pk, zone_before=shift.zone_id)
    before = _shift_summary(shift)
    shift.unit = data.unit
    shift.starts_at = data.starts_at
    shift.ends_at = data.ends_at
    shift.zone = data.zone
    shift.note = data.note.strip()
    after = _shift_summary(shift)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if not changes:
        return shift
    shift.save(update_fields=["unit", "starts_at", "ends_at", "zone", "note"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=shift, changes=changes)
    return shift


@transaction.atomic
def shift_delete(*, actor: User, shift: Shift) -> None:
    """Remove a planned shift. A shift that raised geofence alerts is kept for the
    record; it can be shortened instead."""
    if not actor.has_perm("dispatch.delete_shift"):
        raise PermissionDenied
    shift = (
        Shift.objects.select_for_update(of=("self",))
        .select_related("unit", "zone")
        .get(pk=shift.pk)
    )
    if GeofenceAlert.objects.filter(shift=shift).exists():
        raise ValidationError(
            _("This shift raised geofence alerts and stays on record; shorten it instead.")
        )
    summary = _shift_summary(shift)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=shift,
        changes=summary,
    )
    shift.delete()


@transaction.atomic
def alert_acknowledge(*, actor: User, alert: GeofenceAlert) -> GeofenceAlert:
    """Mark ``alert`` as seen by ``actor``. Idempotent: an alert another dispatcher
    acknowledged first keeps that acknowledgement (the row is locked, so two clicks at
    once are served one after the other and only the first is recorded)."""
    if not actor.has_perm("dispatch.change_geofencealert"):
        raise PermissionDenied
    alert = GeofenceAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is not None:
        return alert
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = actor
    alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=alert,
        changes={"acknowledged_at": alert.acknowledged_at.isoformat()},
    )
    return alert


def alert_list_view_audit(
    *, actor: User, alerts: Sequence[GeofenceAlert], filters: dict[str, Any]
) -> None:
    """Record that ``actor`` was shown ``alerts`` (the page of the list, or the API's
    page): each alert holds a unit's position at a moment, personal data like a track."""
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type="dispatch.geofencealert",
        object_repr="geofence alerts",
        changes={
            **{key: str(value) for key, value in filters.items() if value not in (None, "")},
            "alerts": [alert.pk for alert in alerts],
            "units": sorted({alert.unit.call_sign for alert in alerts}),
        },
    )


# One statement for the common case (unit on shift, inside its zone, no alert open):
# the unit's latest-started shift through shift_unit_start_idx (LIMIT 1 *before* the
# end check, so a long history is never scanned), its zone by primary key, the open
# alert through the partial unique index. The distance is computed on the spheroid only
# when the cheap planar containment test fails.
GEOFENCE_STATE_SQL = """
WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS geom),
latest AS (
    SELECT id, zone_id, ends_at FROM dispatch_shift
    WHERE unit_id = %(unit)s AND starts_at <= %(at)s
    ORDER BY starts_at DESC LIMIT 1
),
running AS (SELECT id, zone_id FROM latest WHERE ends_at > %(at)s)
SELECT running.id, running.zone_id,
       CASE WHEN z.id IS NULL THEN NULL
            WHEN ST_Covers(z.area, pt.geom) THEN 0.0
            ELSE ST_Distance(z.area::geography, pt.geom::geography) END,
       a.id, a.shift_id
FROM pt
LEFT JOIN running ON TRUE
LEFT JOIN dispatch_patrolzone z ON z.id = running.zone_id
LEFT JOIN dispatch_geofencealert a ON a.unit_id = %(unit)s AND a.returned_at IS NULL
"""


# Race-safe: the partial unique index allows one open alert per unit; a second batch
# of the same unit that got here at the same moment inserts nothing.
GEOFENCE_OPEN_SQL = """
INSERT INTO dispatch_geofencealert (unit_id, shift_id, zone_id, left_at, position, distance_m)
VALUES (%(unit)s, %(shift)s, %(zone)s, %(at)s,
        ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), %(distance)s)
ON CONFLICT (unit_id) WHERE returned_at IS NULL DO NOTHING
"""


GEOFENCE_CLOSE_SQL = """
UPDATE dispatch_geofencealert SET returned_at = %(at)s
WHERE id = %(alert)s AND returned_at IS NULL
"""


@dataclass(frozen=True)
class GeofenceOutcome:
    """What ``geofence_check`` did: "inside", "outside" (alert already open), "opened",
    "closed", or "none" (no shift with a zone at that time)."""

    action: str
    distance_m: float | None = None


def geofence_check(
    *, unit: MobileUnit, point: Point, device_time: datetime, accuracy_m: float | None = None
) -> GeofenceOutcome:
    """Compare a unit's newest position with the patrol zone of its shift running at
    ``device_time``: open an alert when it is outside (beyond the tolerance), close the
    open one when it is back inside or no longer on a shift with a zone.

    Called by ``positions_ingest`` once per batch, inside its transaction, after the
    unit's current position has moved forward (so a late, older batch never reopens or
    closes anything). One query when nothing changes; one more when an alert opens or
    closes. Alerts are system events: the alert row is their record, no audit entry."""
    params: dict[str, Any] = {"unit": unit.pk, "lon": point.x, "lat": point.y, "at": device_time}
    with connection.cursor() as cursor:
        cursor.execute(GEOFENCE_STATE_SQL, params)
        shift_id, zone_id, distance, alert_id, alert_shift_id = cursor.fetchone()
        if shift_id is None or zone_id is None:
            if alert_id is not None:  # the shift ended, or its zone was taken off it
                cursor.execute(GEOFENCE_CLOSE_SQL, {"alert": alert_id, "at": device_time})
                return GeofenceOutcome("closed")
            return GeofenceOutcome("none")
        slack = min(max(GEOFENCE_TOLERANCE_M, accuracy_m or 0.0), GEOFENCE_MAX_ACCURACY_SLACK_M)
        outside = distance > slack
        if alert_id is not None and (not outside or alert_shift_id != shift_id):
            # Back inside: close. A new shift while still outside: close the old
            # shift's alert and open one for the new shift below.
            cursor.execute(GEOFENCE_CLOSE_SQL, {"alert": alert_id, "at": device_time})
            if not outside:
                return GeofenceOutcome("closed", distance)
            alert_id = None
        if not outside:
            return GeofenceOutcome("inside", distance)
        if alert_id is not None:
            return GeofenceOutcome("outside", distance)
        cursor.execute(
            GEOFENCE_OPEN_SQL, {**params, "shift": shift_id, "zone": zone_id, "distance": distance}
        )
        return GeofenceOutcome("opened" if cursor.rowcount else "outside", distance)
